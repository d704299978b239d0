// The test tree that real programs work on: text and binary files, nested directories,
// relative and absolute symlinks, a hard link, a C program, a Makefile project and a script,
// every time stamp fixed so that archives and listings compare.
import { chmodSync, linkSync, lutimesSync, mkdirSync, readdirSync, lstatSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const T0 = 1_600_000_000;

function bytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function makeTree(root: string): void {
  const w = (rel: string, data: string | Buffer, mode = 0o644): void => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), data);
    chmodSync(join(root, rel), mode);
  };
  w('src/a.txt', 'alpha\nbeta\ngamma\nalpha\n');
  w('src/b.txt', 'one\ntwo\nthree\n');
  w('src/empty', '');
  w('src/sub1/c.txt', 'in sub1\nbeta\n');
  w('src/sub1/sub2/d.txt', 'deep\n', 0o600);
  w('src/sub1/sub2/data.bin', bytes(150_000, 7));
  w('src/with space.txt', 'spaced out\n');
  w('src/hello.c', '#include <stdio.h>\n#include "greet.h"\nint main(void) { puts(GREETING); return 0; }\n');
  w('src/greet.h', '#define GREETING "hello from umview-lite"\n');
  w('src/script.sh', '#!/bin/sh\necho "script: $# args, first=$1"\nfor f in *.txt; do echo "txt: $f"; done\n', 0o755);
  symlinkSync('a.txt', join(root, 'src/link-a'));
  symlinkSync('sub1/sub2', join(root, 'src/link-dir'));
  symlinkSync('/bin/sh', join(root, 'src/link-abs')); // absolute: a host path, resolved as natively
  linkSync(join(root, 'src/b.txt'), join(root, 'src/hard-b'));
  // A make project.
  w('proj/Makefile', [
    'CFLAGS = -O1',
    'all: app',
    'app: main.o util.o',
    '\t$(CC) -o $@ main.o util.o',
    'main.o: main.c util.h',
    'util.o: util.c util.h',
    'clean:',
    '\trm -f app *.o',
    '.PHONY: all clean',
    '',
  ].join('\n'));
  w('proj/util.h', 'int twice(int);\n');
  w('proj/util.c', '#include "util.h"\nint twice(int x) { return 2 * x; }\n');
  w('proj/main.c', '#include <stdio.h>\n#include "util.h"\nint main(void) { printf("twice 21 = %d\\n", twice(21)); return 0; }\n');
  fixTimes(root);
}

/** Every entry's times set to a fixed instant (children before their directory). */
export function fixTimes(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) fixTimes(path);
    if (st.isSymbolicLink()) lutimesSync(path, T0, T0);
    else utimesSync(path, T0, T0);
  }
  utimesSync(dir, T0, T0);
}
