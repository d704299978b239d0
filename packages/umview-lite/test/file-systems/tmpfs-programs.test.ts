// Real programs on the tmpfs module (-m tmpfs,MOUNT) against the same programs on a real tmpfs
// (a directory of /dev/shm, or a tmpfs mounted with the same size= for the size limit): each
// script first copies the same test tree in with `cp -a`, then works there; its output, its
// errors, its exit code and the tree it leaves (listed by find and md5sum at the end of the
// same run: the tmpfs is gone when the monitor exits) must be the same. Each script runs under
// the monitor twice: with the kernel data path (the files' bytes in backing files the programs
// read and write directly) and with --data-path=stop (a stop per read and write).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { exec, tempDir, tokenize, umview } from '../helpers.js';
import { makeTree } from '../tree.js';

const MOUNT = '/umview-tmpfs-mnt';
const TMPFS_MAGIC = 0x01021994;

/** What every run ends with: the tree as find and md5sum see it. */
const SUMMARY = `
cd "$T" || exit 98
echo '--- tree'
find . -printf '%p %y %m %s %n %l\\n' | LC_ALL=C sort
find . -type f -exec md5sum {} + | LC_ALL=C sort -k2
`;

const env = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: tempDir('umview-home-'),
  LC_ALL: 'C',
  TZ: 'UTC',
  ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
  // The monitor keeps its copies of served programs and its FIFOs in a private directory
  // there: where the tests' own temporary directories are.
  ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
});

const mounted: string[] = [];
const shmDirs: string[] = [];
afterAll(() => {
  for (const dir of mounted) spawnSync('umount', [dir]);
  for (const dir of shmDirs) rmSync(dir, { recursive: true, force: true });
});

/** Why the native side cannot run on a real tmpfs here (with `size`: one mounted for it). */
function nativeMissing(size?: string): string | undefined {
  if (size === undefined) {
    try {
      return statfsSync('/dev/shm').type === TMPFS_MAGIC ? undefined : '/dev/shm is not a tmpfs';
    } catch {
      return 'no /dev/shm';
    }
  }
  if (process.getuid?.() !== 0) return 'mounting a tmpfs with size= for the native run needs root';
  const probe = mkdtempSync('/tmp/umview-tmpfs-probe-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
  spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return r.status === 0 ? undefined : `cannot mount a tmpfs (${String(r.stderr).trim()})`;
}

/** A real tmpfs directory for the native run. */
function nativeBase(size?: string): string {
  if (size === undefined) {
    // A directory of /dev/shm (tempDir's are under os.tmpdir(), not a tmpfs here).
    const shm = mkdtempSync('/dev/shm/umview-tmpfs-native-');
    shmDirs.push(shm);
    return shm;
  }
  const dir = tempDir('umview-tmpfs-native-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (r.status !== 0) throw new Error(`mount: ${String(r.stderr)}`);
  mounted.push(dir);
  return dir;
}

interface Compare {
  /** The tmpfs's size= (and the native tmpfs mounted with it). */
  size?: string;
  /** The exit code the script ends with. */
  code?: number;
  /** The monitor's data paths to run it with (default both). */
  dataPaths?: ReadonlyArray<'kernel' | 'stop'>;
}

/** Runs `bash -c` over the copied tree natively ($T in a real tmpfs) and under umview-lite ($T
 * in the tmpfs module's mount), and compares. */
async function compare(script: string, options: Compare = {}): Promise<string> {
  const src = join(tempDir('umview-tmpfs-src-'), 'src');
  mkdirSync(src);
  makeTree(src);
  const whole = `cp -a "$SRC" "$T" || exit 99\ncd "$T" || exit 99\n(\n${script}\n)\nstatus=$?\n${SUMMARY}\nexit $status\n`;
  const base = nativeBase(options.size);
  chmodSync(base, 0o1777);
  const nat = join(base, 't');
  const native = await exec('/bin/bash', ['-c', whole], { env: { ...env(), T: nat, SRC: src }, cwd: '/' });
  const guest = `${MOUNT}/t`;
  const norm = (text: string, root: string): string => tokenize(text, { [root]: '$T' });
  expect(native.code).toBe(options.code ?? 0);
  for (const dataPath of options.dataPaths ?? ['kernel', 'stop']) {
    const monitored = await umview(['-m', `tmpfs,${MOUNT}${options.size ? `,size=${options.size}` : ''}`, `--data-path=${dataPath}`], ['/bin/bash', '-c', whole], {
      env: { ...env(), T: guest, SRC: src },
      cwd: '/',
    });
    const labelled = (text: string): string => `--data-path=${dataPath}\n${text}`;
    expect(labelled(norm(monitored.stderr, guest))).toBe(labelled(norm(native.stderr, nat)));
    expect(labelled(norm(monitored.stdout, guest))).toBe(labelled(norm(native.stdout, nat)));
    expect(labelled(String(monitored.code))).toBe(labelled(String(native.code)));
  }
  return norm(native.stdout, nat);
}


describe('on a real tmpfs and on the tmpfs module: the same', () => {
  skipEachWhen(nativeMissing());

  it('coreutils: cp, cat, ls -lR, find, du, stat, readlink', async () => {
    const out = await compare(`
      set -e
      cp -a src cp1
      cp src/a.txt copy-a.txt
      cp -r src/sub1 cp2
      cat src/a.txt src/sub1/c.txt src/link-a
      ls -lR --time-style=+%s src
      ls -la --time-style=+%s src/link-dir/ src/link-abs
      find src -type l -printf '%p -> %l\\n' | sort
      du -ab src | sort -k2
      du -s src cp1
      stat -c '%n %s %a %F %h %b' src/a.txt src/link-a src/sub1 src/hard-b src
      stat -L -c '%n %s %F' src/link-a src/link-dir
      stat -f -c '%T %S' .
      readlink src/link-a; readlink -f src/link-a | sed "s|$T|T|"
      cmp src/sub1/sub2/data.bin cp1/sub1/sub2/data.bin && echo same
    `);
    expect(out).toContain('same');
  });

  it('coreutils that change the tree: mv, rm, ln, chmod, touch, mkdir -p, rmdir, truncate', async () => {
    await compare(`
      set -e
      cp -a src w
      mv w/a.txt w/moved.txt
      mv w/sub1 w/renamed
      rm w/b.txt
      rm -r w/renamed/sub2
      rm -f w/missing
      ln -s ../src/a.txt w/rel-link
      ln w/moved.txt w/hard
      ln -sf moved.txt w/link-a
      chmod 600 w/moved.txt
      chmod -R go-w w
      chmod u+x w/hard
      touch -d @1000000000 w/moved.txt
      touch -d @1000000000 w/new-empty
      touch -r w/moved.txt w/new-empty
      stat -c '%n %a %Y %h' w/moved.txt w/new-empty w/hard
      cat w/rel-link
      mkdir -p w/d/e/f && rmdir -p w/d/e/f 2>&1 || true
      rmdir w/renamed 2>&1 || echo "rmdir failed"
      truncate -s 100000 w/moved.txt && stat -c '%s %b' w/moved.txt
      truncate -s 10 w/moved.txt && stat -c '%s %b' w/moved.txt
      mv w w/inside 2>&1 || echo "mv into itself failed"
      ls -A w
      rm -rf w/with\\ space.txt cp-gone
      touch -h -d @1000000000 w w/*
    `);
  });

  it('find: names, types, sizes, permissions, links, -newer, -delete', async () => {
    await compare(`
      set -e
      find . -name '*.txt' -type f | sort
      find src -type d | sort
      find src -size +10k
      find src -perm 600
      find src -links 2 -type f | sort
      find src -empty
      touch -d @1700000000 src/b.txt
      find src -newer src/a.txt | sort
      find src -name '*.c' -exec wc -c {} +
      find src -name empty -delete
      find src -maxdepth 1 | sort
    `);
  });

  it('tar: create, list, extract, through a pipe and gzip', async () => {
    await compare(`
      set -e
      tar -cf arch.tar src
      tar -tvf arch.tar | sort -k6
      mkdir x
      tar -xf arch.tar -C x
      tar -cf - src | tar -xf - -C x --transform s/^src/src2/
      tar -czf arch.tgz -C src .
      mkdir y && cd y && tar -xzf ../arch.tgz && ls -R | head -20
      cd .. && diff -r src x/src && diff -r src x/src2 && echo identical
      rm arch.tgz
    `);
  });

  it('python3: os.walk, writes, renames, json, shutil.copytree, stat, xattrs, mkfifo', async (ctx) => {
    const noPython = missing.tool('python3');
    if (noPython) ctx.skip(noPython);
    await compare(`
      python3 - <<'PY'
import json, os, shutil
for root, dirs, files in sorted(os.walk('src')):
    print(root, sorted(dirs), sorted(files))
with open('p.json', 'w') as f:
    json.dump({'a': [1, 2, 3]}, f)
print(json.load(open('p.json')))
os.rename('p.json', 'q.json')
shutil.copytree('src/sub1', 'tree-copy')
os.makedirs('m/n/o', exist_ok=True)
st = os.stat('src/a.txt')
print(st.st_size, oct(st.st_mode), st.st_nlink, int(st.st_mtime))
try:
    os.rmdir('m')
except OSError as e:
    print('rmdir:', e.strerror)
with open('q.json', 'a') as f:
    f.write('\\n')
print(os.path.getsize('q.json'))
os.setxattr('q.json', 'user.k', b'v')
print(os.getxattr('q.json', 'user.k'), os.listxattr('q.json'))
try:
    os.getxattr('q.json', 'user.none')
except OSError as e:
    print('getxattr:', e.strerror)
os.mkdir('sticky')
os.chmod('sticky', 0o1777)
print(oct(os.stat('sticky').st_mode), os.statvfs('.').f_namemax)
os.mkfifo('fifo', 0o600)
os.link('q.json', 'q-link')
print(os.stat('q.json').st_nlink, os.stat('fifo').st_mode)
os.unlink('fifo')
PY
    `);
  }, 120_000);

  it('mkfifo: a FIFO node carries data from a writer to a reader', async () => {
    const out = await compare(`
      mkfifo p && stat -c '%n %F %a' p
      { echo through the fifo > p & }
      cat p
      wait
    `);
    expect(out).toContain('through the fifo');
  });
});

describe('gcc and make on the tmpfs module', () => {
  skipEachWhen(nativeMissing() ?? missing.tool('gcc') ?? missing.tool('make'));

  it('make builds and rebuilds; gcc compiles and links', async () => {
    await compare(`
      set -e
      make -C proj
      touch -d @1700000000 proj/util.h
      make -C proj
      make -C proj
      cd src && gcc -O1 -o ../hello hello.c && gcc -c hello.c -o ../hello.o
    `);
  });

  it('the program built there runs (execve of a served file)', async () => {
    const out = await compare(`
      set -e
      make -C proj
      ./proj/app
      cd src && gcc -O1 -o ../hello hello.c && ../hello && ./script.sh one
    `);
    expect(out).toContain('hello from umview-lite');
  });
});

describe('git on the tmpfs module', () => {
  skipEachWhen(nativeMissing() ?? missing.tool('git'));

  it('init, add, commit, log, status, diff (git maps its files: mmap of served files)', async () => {
    await compare(`
      set -e
      export GIT_AUTHOR_DATE=@1600000000 GIT_COMMITTER_DATE=@1600000000
      git init -q g
      cp -a src g/
      cd g
      git add -A
      git -c user.name=u -c user.email=u@e commit -qm one
      git log --format='%H %s'
      echo change >> src/a.txt
      git status --short
      git diff --stat
      git -c user.name=u -c user.email=u@e commit -qam two
      git log --oneline | wc -l
      rm -rf .git
    `);
  });
});

describe('the size limit', () => {
  skipEachWhen(nativeMissing('1M'));

  // Exact only with a stop per write: a write through a backing file runs in the kernel, which
  // does not ask the module (the kernel data path's case is the next test).
  it('dd past size=1M with --data-path=stop: ENOSPC after a short write, as on a real tmpfs of that size; statfs shows it', async () => {
    const out = await compare(`
      stat -f -c 'blocks %b free %f size %S' .
      dd if=/dev/zero of=big bs=4k count=1000 2>&1 | head -3
      stat -c '%s %b' big
      stat -f -c 'free %f' .
      echo more >> src/a.txt || echo "append failed"
      rm big
      stat -f -c 'free %f' .
      echo more >> src/a.txt && echo "append ok"
      dd if=/dev/zero of=big bs=64k count=100 2>&1 | sed 's/copied.*//'
      rm big
    `, { size: '1M', dataPaths: ['stop'] });
    expect(out).toContain('No space left on device');
  });
});
