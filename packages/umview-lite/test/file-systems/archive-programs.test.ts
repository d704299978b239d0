// Real programs over an archive mounted by the archive file system (-m archive,A=/mnt), against
// the same programs on the tree that tar (or unzip) extracts from the same archive: find, ls
// -lR, cat/sha256sum, tar -c, diff -r, python3 running a script stored in the archive, gcc
// compiling a C file stored in it; every change fails with EROFS and leaves the archive as it was.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { exec, tempDir, tokenize, umview } from '../helpers.js';
import { makeSourceTree, run } from './archive-fixtures.js';

/** Skips the test with `reason` when there is one (the skip-reasons reporter lists it). */
function needs(ctx: { skip(note: string): void }, reason: string | undefined): void {
  if (reason) ctx.skip(reason);
}

const MOUNT = '/archive-test-mount';

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  LC_ALL: 'C',
  TZ: 'UTC',
  HOME: tempDir('umview-home-'),
  ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
  ...extra,
});

/** The source tree plus a script and a C program (with a header beside it). */
function sourceTree(special = false): string {
  const dir = join(tempDir('archive-prog-'), 'tree');
  mkdirSync(dir);
  makeSourceTree(dir, { special });
  writeFileSync(join(dir, 'a/script.py'), 'import os, sys\nhere = os.path.dirname(__file__)\nprint("python from", here)\nprint(open(os.path.join(here, "..", "hello.txt")).read().strip())\n');
  writeFileSync(join(dir, 'a/prog.h'), '#define GREETING "compiled from the archive"\n');
  writeFileSync(join(dir, 'a/prog.c'), '#include <stdio.h>\n#include "prog.h"\nint main(void) { puts(GREETING); return 0; }\n');
  return dir;
}

interface Mounted {
  archive: string;
  extracted: string;
}

const formats: Record<string, { skip?: string; make(tree: string, out: string): Mounted }> = {
  'tar (GNU)': { make: (tree, dir) => tarMounted(tree, join(dir, 'a.tar'), ['--format=gnu']) },
  'tar (pax)': { make: (tree, dir) => tarMounted(tree, join(dir, 'a.tar'), ['--format=pax']) },
  'tar.gz': { make: (tree, dir) => tarMounted(tree, join(dir, 'a.tar.gz'), ['-z']) },
  'tar.xz': { skip: missing.tool('xz', 'xz-utils'), make: (tree, dir) => tarMounted(tree, join(dir, 'a.tar.xz'), ['-J']) },
  'zip (stored)': { skip: missing.tool('zip', 'zip') ?? missing.tool('unzip', 'unzip'), make: (tree, dir) => zipMounted(tree, join(dir, 'a.zip'), ['-0']) },
  'zip (deflated)': { skip: missing.tool('zip', 'zip') ?? missing.tool('unzip', 'unzip'), make: (tree, dir) => zipMounted(tree, join(dir, 'a.zip'), []) },
};

function tarMounted(tree: string, archive: string, flags: string[]): Mounted {
  run('tar', [...flags, '-cf', archive, '-C', tree, '.']);
  const extracted = join(tempDir('archive-x-'), 'x');
  mkdirSync(extracted);
  run('tar', ['-xpf', archive, '-C', extracted]);
  return { archive, extracted };
}

function zipMounted(tree: string, archive: string, flags: string[]): Mounted {
  run('zip', ['-q', '-r', '--symlinks', ...flags, archive, '.'], tree);
  const extracted = join(tempDir('archive-x-'), 'x');
  mkdirSync(extracted);
  run('unzip', ['-q', '-X', archive, '-d', extracted]);
  return { archive, extracted };
}

/** `sh -c script` with $T the extracted tree natively, and $T the mount under the monitor:
 * the same output, error output and exit code. */
async function same(mounted: Mounted, script: string): Promise<string> {
  const native = await exec('/bin/sh', ['-c', script], { env: env({ T: mounted.extracted }) });
  const monitored = await umview(['-m', `archive,${mounted.archive}=${MOUNT}`], ['/bin/sh', '-c', script], { env: env({ T: MOUNT }) });
  const norm = (text: string, root: string) => tokenize(text, { [root]: '$T' });
  expect(norm(monitored.stderr, MOUNT)).toBe(norm(native.stderr, mounted.extracted));
  expect(norm(monitored.stdout, MOUNT)).toBe(norm(native.stdout, mounted.extracted));
  expect(monitored.code).toBe(native.code);
  return norm(native.stdout, mounted.extracted);
}

/** ls -lR without what differs by file system, not by content: "total" (blocks allocated)
 * and a directory's own size (ext4: 4096, the mount: 0). */
const LS = `ls -lR --time-style=+%s "$T" | sed '/^total /d' | awk '{ if ($1 ~ /^d/) $5 = "-"; $1 = $1; print }'`;
const FIND_AND_SUM = `find "$T" | sort; find "$T" -type f | sort | xargs -d '\\n' sha256sum`;

describe('programs over an archive mount, against its extraction', () => {
  skipEachWhen(missing.tool('tar', 'tar'));
  for (const [name, format] of Object.entries(formats)) {
    it(`${name}: find, sha256sum of every file, diff -r`, async (ctx) => {
    needs(ctx, format.skip);
      const mounted = format.make(sourceTree(), tempDir('archive-'));
      const out = await same(mounted, FIND_AND_SUM);
      expect(out).toContain('$T/a/b/c/binary.bin');
      const diff = await umview(['-m', `archive,${mounted.archive}=${MOUNT}`], ['diff', '-r', '--no-dereference', MOUNT, mounted.extracted], { env: env() });
      expect(diff).toMatchObject({ code: 0, stdout: '', stderr: '' });
    });
  }

  it('ls -lR, stat and find over every kind of member (FIFO and, as root, a device)', async () => {
    const mounted = formats['tar (GNU)']!.make(sourceTree(true), tempDir('archive-'));
    const out = await same(mounted, `${LS}; stat -c '%n %s %a %F %h %U %G %Y %t %T' "$T/hello.txt" "$T/a/hard-link" "$T/link-relative" "$T/fifo" "$T"/null-device 2>&1; find "$T" -type p -o -type c -o -type l | sort`);
    expect(out).toContain('fifo');
  });

  it('cat, readlink, tar -c | tar -t, cd and relative paths', async () => {
    const mounted = formats['tar (GNU)']!.make(sourceTree(), tempDir('archive-'));
    const out = await same(mounted, `cat "$T/hello.txt" "$T/a/hard-link" "$T/héllo wörld ✓.txt"; readlink "$T/link-relative" "$T/link-long"; cat "$T/link-long"; tar -cf - -C "$T" . | tar -t | sort; cd "$T/a/b" && pwd && ls && cat ../../hello.txt`);
    expect(out).toContain('a long way down');
  });

  it(`python3 runs a script stored in the archive`, async (ctx) => {
    needs(ctx, missing.tool('python3'));
    const mounted = formats['tar (GNU)']!.make(sourceTree(), tempDir('archive-'));
    expect(await same(mounted, 'python3 "$T/a/script.py"')).toBe('python from $T/a\nhello, archive\n');
  });

  it(`gcc compiles a C file stored in the archive (output outside the mount)`, async (ctx) => {
    needs(ctx, missing.tool('gcc', 'gcc'));
    const mounted = formats['tar (GNU)']!.make(sourceTree(), tempDir('archive-'));
    const out = tempDir('archive-gcc-');
    expect(await same(mounted, `gcc -o "${out}/prog" "$T/a/prog.c" && "${out}/prog"`)).toBe('compiled from the archive\n');
  });

  it(`programs stored in the archive run: a script and an ELF executable`, async (ctx) => {
    needs(ctx, missing.tool('gcc', 'gcc'));
    const tree = sourceTree();
    mkdirSync(join(tree, 'bin'));
    run('gcc', ['-o', join(tree, 'bin/prog'), join(tree, 'a/prog.c')]);
    const mounted = formats['tar (GNU)']!.make(tree, tempDir('archive-'));
    expect(await same(mounted, '"$T/a/script.sh"; "$T/bin/prog"; cd "$T/bin" && ./prog')).toBe('script ran\ncompiled from the archive\ncompiled from the archive\n');
  });

  it('every change fails with EROFS, and the archive stays as it was', async () => {
    const mounted = formats['tar (GNU)']!.make(sourceTree(), tempDir('archive-'));
    const before = createHash('sha256').update(readFileSync(mounted.archive)).digest('hex');
    const changes = [
      'echo x > "$T/hello.txt"',
      'echo x >> "$T/hello.txt"',
      'touch "$T/new-file"',
      'mkdir "$T/new-dir"',
      'rm "$T/hello.txt"',
      'rmdir "$T/closed"',
      'mv "$T/hello.txt" "$T/moved"',
      'ln -s x "$T/new-link"',
      'ln "$T/hello.txt" "$T/new-hard"',
      'chmod 600 "$T/hello.txt"',
      'truncate -s 0 "$T/hello.txt"',
      'mkfifo "$T/new-fifo"',
    ];
    const script = changes.map((change, i) => `{ ${change}; } 2>&1 | sed 's/^.*: /${i}: /'`).join('; ');
    const result = await umview(['-m', `archive,${mounted.archive}=${MOUNT}`], ['/bin/sh', '-c', `${script}; cat "$T/hello.txt"; test -w "$T/hello.txt" || echo not writable`], { env: env({ T: MOUNT }) });
    expect(result.stdout).toBe(`${changes.map((_, i) => `${i}: Read-only file system\n`).join('')}hello, archive\nnot writable\n`);
    expect(createHash('sha256').update(readFileSync(mounted.archive)).digest('hex')).toBe(before);
  });

  it('statvfs and fstatvfs say read-only (ST_RDONLY, with ST_NOSUID), as for a mount made with -o ro', async (ctx) => {
    needs(ctx, missing.tool('python3'));
    const mounted = formats['tar (GNU)']!.make(sourceTree(), tempDir('archive-'));
    const script = 'import os, sys; t = sys.argv[1]; fd = os.open(t + "/hello.txt", os.O_RDONLY); print(os.statvfs(t).f_flag & 3, os.fstatvfs(fd).f_flag & 3, os.statvfs(t).f_flag & 1 == os.ST_RDONLY)';
    const result = await umview(['-m', `archive,${mounted.archive}=${MOUNT}`], ['python3', '-c', script, MOUNT], { env: env() });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('3 3 True\n');
  });

  it('a .tar.gz is decompressed into the private cache directory, emptied when the monitor stops', async () => {
    const mounted = formats['tar.gz']!.make(sourceTree(), tempDir('archive-'));
    const cache = tempDir('archive-cache-');
    const scratch = join(cache, 'umview-lite', 'archives');
    const result = await umview(['-m', `archive,${mounted.archive}=${MOUNT}`], ['/bin/sh', '-c', `cat ${MOUNT}/hello.txt; stat -c %a ${scratch}; ls ${scratch} | wc -l`], { env: env({ XDG_CACHE_HOME: cache }) });
    expect(result.stdout).toBe('hello, archive\n700\n1\n');
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('a damaged archive fails the mount with its name and the reason', async () => {
    const dir = tempDir('archive-bad-');
    writeFileSync(join(dir, 'bad.tar'), Buffer.alloc(700, 0x41));
    const result = await umview(['-m', `archive,${join(dir, 'bad.tar')}=${MOUNT}`], ['/bin/true'], { env: env() });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${join(dir, 'bad.tar')}: at byte 0: not a tar header`);
  });
});
