// Real programs over the overlay (`umview-lite -m overlay,DIR,upper=UPPER`): each script runs
// natively on a real directory and under the monitor on the overlaid DIR, both holding the
// same tree (test/tree.ts); outputs, exit codes and the trees they leave (the overlay's merged
// view, read by a mount of the same layers in this process) must be the same, DIR must be
// unchanged to the last byte, mode, owner, link count, inode and time (its fingerprint), and
// the changes must be found in UPPER in the overlay convention.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { cli, exec, tempDir, umview } from '../helpers.js';
import { makeTree } from '../tree.js';
import { baseEnv, compareOverOverlay } from './overlay-compare.js';
import { fingerprint, pinAtimes } from './overlay-tree.js';
import { GIT_ENV } from '../program-suite.js';

describe('coreutils over the overlay', () => {
  it('cat, cp, mv (a directory: EXDEV, then copied), ln, chmod, touch, rm; the changes in UPPER', async () => {
    const { stdout, upper } = await compareOverOverlay(`
      set -e
      cd "$T"
      cat src/a.txt src/link-a "src/with space.txt"
      echo new > src/new.txt
      cp src/a.txt copy.txt
      mkdir -p made/deep && cp -a src/sub1 made/deep/
      mv src/empty src/empty-moved
      mv src/sub1 sub1-moved
      chmod 600 "src/with space.txt"
      touch -d @1500000000 src/greet.h
      ln -s a.txt src/link-new
      ln src/a.txt src/hard-a
      rm src/link-dir
      ls -R "$T" | grep -v '^total'
      stat -c '%n %s %a %F %h %Y' src/a.txt src/hard-a src/greet.h "src/with space.txt" sub1-moved/sub2/data.bin
      cmp sub1-moved/sub2/data.bin made/deep/sub1/sub2/data.bin && echo same
    `);
    expect(stdout).toContain('same');
    expect(existsSync(join(upper, 'src/.wh.sub1'))).toBe(true);
    expect(existsSync(join(upper, 'src/.wh.link-dir'))).toBe(true);
    expect(readFileSync(join(upper, 'src/new.txt'), 'utf8')).toBe('new\n');
    expect(readdirSync(join(upper, 'sub1-moved/sub2')).sort()).toEqual(['d.txt', 'data.bin']);
  });

  it('rm -r of a subtree: ls shows it gone, UPPER holds the whiteout', async () => {
    const { stdout, upper } = await compareOverOverlay(`
      set -e
      rm -r "$T/src/sub1"
      ls "$T/src"
      test ! -e "$T/src/sub1" && echo gone
      mkdir "$T/src/sub1" && ls -A "$T/src/sub1" && echo empty again
    `);
    expect(stdout).toContain('gone\n');
    expect(readdirSync(join(upper, 'src')).sort()).toEqual(['sub1']);
    expect(readdirSync(join(upper, 'src/sub1'))).toEqual(['.wh..wh..opq']);
  });

  it('an fd opened for reading before another program\'s write keeps the lower file (as overlayfs)', async () => {
    // On a real directory `>` truncates the one file both see; over the overlay the write goes
    // to a copy, and the reader still has the lower file open. Said, not compared.
    const lower = join(tempDir('overlay-prog-'), 'tree');
    const upper = join(tempDir('overlay-upper-'), 'upper');
    mkdirSync(lower);
    makeTree(lower);
    const r = await umview(['-m', `overlay,${lower},upper=${upper}`],
      ['/bin/bash', '-c', 'exec 3< "$T/src/b.txt"; echo replaced > "$T/src/b.txt"; cat <&3; cat "$T/src/b.txt"'], { env: { ...baseEnv(), T: lower } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('one\ntwo\nthree\nreplaced\n');
    expect(readFileSync(join(lower, 'src/b.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
  });
});

describe('a big file (its copy-up held while its data is copied)', () => {
  it('written in place while other programs of the tree run, as on a real directory', async () => {
    const { upper } = await compareOverOverlay(`
      set -e
      printf 'XYZ' | dd of="$T/big" bs=1 seek=1000000 conv=notrunc 2>/dev/null &
      cat "$T/src/a.txt" | wc -l
      wait
      sha256sum "$T/big" | cut -c1-64
      printf 'more' >> "$T/big2"; wc -c < "$T/big2"
    `, { setup: 'yes 0123456789abcdef | head -c 8388608 > "$T/big"; cp "$T/big" "$T/big2"' });
    expect(readdirSync(upper).sort()).toEqual(['big', 'big2']);
  });
});

describe('layers persist across runs', () => {
  it('a second run with the same UPPER sees the first one\'s changes; DIR never does', async () => {
    const lower = join(tempDir('overlay-prog-'), 'tree');
    const upper = join(tempDir('overlay-upper-'), 'upper');
    mkdirSync(lower);
    makeTree(lower);
    pinAtimes(lower);
    const before = fingerprint(lower);
    const run = (script: string) => umview(['-m', `overlay,${lower},upper=${upper}`], ['/bin/bash', '-c', script], { env: { ...baseEnv(), T: lower } });
    const first = await run('set -e; echo first > "$T/new.txt"; rm -r "$T/src/sub1"; mkdir "$T/src/sub1"; echo inside > "$T/src/sub1/only"');
    expect(first.stderr).toBe('');
    const second = await run('cat "$T/new.txt"; ls "$T/src/sub1"; ls "$T/src" | wc -l');
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe('first\nonly\n12\n');
    expect(fingerprint(lower)).toBe(before);
    expect(readdirSync(join(upper, 'src/sub1')).sort()).toEqual(['.wh..wh..opq', 'only']);
  });
});

describe('find over the overlay', () => {
  skipEachWhen(missing.tool('find'));
  it('finds the merged tree after changes, as on a real directory', async () => {
    await compareOverOverlay(`
      set -e
      rm -r "$T/src/sub1/sub2"
      echo x > "$T/src/sub1/added.txt"
      mkdir "$T/proj/obj"
      find "$T" -type f -printf '%P %m %s %n\\n' | sort
      find "$T" -type d -printf '%P %m\\n' | sort
      find "$T" -type l -printf '%P -> %l\\n' | sort
      find "$T" -name '*.txt' -newer "$T/src/a.txt" | sort
      find "$T/src" -maxdepth 1 -empty | sort
    `);
  });
});

describe('tar over the overlay', () => {
  skipEachWhen(missing.tool('tar'));
  it('an archive of the untouched tree is byte for byte the real one; extracting into the overlay', async () => {
    const { stdout } = await compareOverOverlay(`
      set -e
      tar -c --sort=name --owner=0 --group=0 --numeric-owner -f - -C "$T" src proj | sha256sum
      tar -c --sort=name -f "$T/../src.tar" -C "$T" src
      mkdir "$T/x"
      tar -xf "$T/../src.tar" -C "$T/x"
      diff -r "$T/src" "$T/x/src" && echo identical
      tar -tvf "$T/../src.tar" --numeric-owner | awk '{print $1, $3, $6, $7, $8}'
    `);
    expect(stdout).toContain('identical');
    expect(stdout).toMatch(/^h\S+ 0 src\/hard-b link to src\/b.txt$|^-\S+ 0 src\/b.txt link to src\/hard-b$|link to/m);
  });
});


describe('git over the overlay', () => {
  skipEachWhen(missing.tool('git'));
  it('status, rm, commit, log, show, fsck in a repository that is DIR\'s', async () => {
    const { stdout, upper } = await compareOverOverlay(`
      set -e
      cd "$T/repo"
      git status --short
      echo change >> a.txt
      echo new > new.txt
      git rm -q b.txt
      git add -A
      git commit -q -m second
      git log --format='%H %s'
      git show --stat --format=%s HEAD
      git fsck --no-progress && echo fsck ok
    `, {
      env: GIT_ENV,
      setup: 'set -e; mkdir "$T/repo"; cd "$T/repo"; git init -q -b main; cp ../src/a.txt ../src/b.txt .; git add .; git commit -q -m first',
      skip: (rel) => rel === 'repo/.git/index', // holds ctimes and inode numbers
    });
    expect(stdout).toMatch(/^[0-9a-f]{40} second$/m);
    expect(existsSync(join(upper, 'repo/.git/index'))).toBe(true);
    expect(existsSync(join(upper, 'repo/.wh.b.txt'))).toBe(true);
  });
});

describe('gcc and make over the overlay', () => {
  skipEachWhen(missing.tool('gcc') ?? missing.tool('make'));
  it('make builds into the overlay (outputs in UPPER), rebuilds only what changed, DIR untouched', async () => {
    const { stdout, upper } = await compareOverOverlay(`
      set -e
      make -C "$T/proj"
      make -C "$T/proj"
      touch "$T/proj/util.c"
      make -C "$T/proj"
    `);
    expect(stdout).toContain("make: Nothing to be done for 'all'.");
    expect(stdout).toMatch(/cc -O1\s+-c -o util.o util.c\n[^]*cc -O1\s+-c -o util.o util.c/);
    expect(readdirSync(join(upper, 'proj')).sort()).toEqual(['app', 'main.o', 'util.c', 'util.o']);
  });

  it('a build kept in UPPER is up to date in the next run (copied-up and built files keep their mtimes)', async () => {
    const lower = join(tempDir('overlay-prog-'), 'tree');
    const upper = join(tempDir('overlay-upper-'), 'upper');
    mkdirSync(lower);
    makeTree(lower);
    const run = (script: string) => umview(['-m', `overlay,${lower},upper=${upper}`], ['/bin/bash', '-c', script], { env: { ...baseEnv(), T: lower } });
    const first = await run('make -s -C "$T/proj" && chmod 600 "$T/proj/main.c"');
    expect([first.code, first.stderr]).toEqual([0, '']);
    const second = await run('make -C "$T/proj"');
    expect(second.stdout).toContain("make: Nothing to be done for 'all'.");
    expect(second.stdout).not.toContain('cc ');
  });

  it('the program built into the overlay runs (execve of a served file)', async () => {
    const { stdout } = await compareOverOverlay(`
      set -e
      make -s -C "$T/proj"
      "$T/proj/app"
      cd "$T/src" && gcc -O1 -o "$T/hello" hello.c && "$T/hello"
    `);
    expect(stdout).toBe('twice 21 = 42\nhello from umview-lite\n');
  });
});

describe('python3 over the overlay', () => {
  skipEachWhen(missing.tool('python3'));
  it('writes, walks, renames, copies and removes trees, imports (its __pycache__ in UPPER)', async () => {
    const program = `
import os, shutil, sys
t = os.environ['T']
os.chdir(t)
with open('src/a.txt') as f: print(f.read().split())
with open('src/a.txt', 'a') as f: f.write('appended\\n')
with open('py-out.txt', 'x') as f: f.write('written by python\\n')
shutil.copytree('src', 'pycopy', symlinks=True)
os.rename('pycopy/b.txt', 'pycopy/b-renamed.txt')
os.replace('src/with space.txt', 'src/sub1/moved.txt')
shutil.rmtree('src/sub1/sub2')
with open('mod.py', 'w') as f: f.write('def f(): return 42\\n')
sys.path.insert(0, t)
import mod
print(mod.f())
for root, dirs, files in sorted(os.walk(t)):
    if '__pycache__' not in root: print(root, sorted(dirs), sorted(f for f in files if not f.endswith('.pyc')))
print(sorted(e.name for e in os.scandir('src')))
`;
    const { upper } = await compareOverOverlay('python3 -c "$PROGRAM"', { env: { PROGRAM: program }, skip: (rel) => rel.startsWith('__pycache__') });
    expect(readdirSync(join(upper, '__pycache__')).some((name) => name.startsWith('mod.'))).toBe(true);
  });
});

/** The monitor's placeholder fds are /dev/null opened in the tracee: a user who may not open
 * it for writing cannot be served. Some machines have it 0755. */
function devNullShut(): string | undefined {
  const mode = statSync('/dev/null').mode & 0o777;
  return (mode & 0o006) === 0o006 ? undefined : `/dev/null is mode ${mode.toString(8)} here: another user cannot open it, which the monitor's placeholder fds need`;
}

describe('as an unprivileged user', () => {
  skipEachWhen(missing.root() ?? missing.tool('setpriv') ?? devNullShut());
  it('its own files change; a root-owned one it may write is copied up as its own (no chown); DIR unchanged', async () => {
    // root makes DIR and gives the user its tree, all but src/greet.h (root's, mode 0666: the
    // user may write it but not chown it) and src/hello.c (root's, 0644: read-only to it).
    const base = tempDir('overlay-user-');
    chmodSync(base, 0o755);
    const lower = join(base, 'tree');
    mkdirSync(lower);
    makeTree(lower);
    execFileSync('chown', ['-hR', '999:995', lower]);
    chownSync(join(lower, 'src/greet.h'), 0, 0);
    chmodSync(join(lower, 'src/greet.h'), 0o666);
    chownSync(join(lower, 'src/hello.c'), 0, 0);
    pinAtimes(lower);
    const upperBase = join(base, 'mine');
    mkdirSync(upperBase);
    chownSync(upperBase, 999, 995);
    const before = fingerprint(lower);
    const r = await exec('setpriv', ['--reuid=999', '--regid=995', '--clear-groups', process.execPath, cli,
      '-m', `overlay,${lower},upper=${upperBase}/upper`, '--', '/bin/bash', '-c', `
        set -e; cd "$T/src"
        echo more >> a.txt; rm b.txt; chmod 600 empty; echo '// more' >> greet.h
        (echo x >> hello.c) 2>/dev/null || echo hello.c: denied
        (chmod 777 hello.c) 2>/dev/null || echo hello.c: chmod denied
        tail -n 1 a.txt; stat -c '%u %a %n' greet.h hello.c empty; ls`],
    { env: { ...baseEnv(), HOME: upperBase, T: lower } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(['hello.c: denied', 'hello.c: chmod denied', 'more', '999 666 greet.h', '0 644 hello.c', '999 600 empty',
      'a.txt', 'empty', 'greet.h', 'hard-b', 'hello.c', 'link-a', 'link-abs', 'link-dir', 'script.sh', 'sub1', 'with space.txt', ''].join('\n'));
    expect(r.code).toBe(0);
    expect(fingerprint(lower)).toBe(before);
    const copy = lstatSync(join(upperBase, 'upper/src/greet.h'));
    expect([copy.uid, copy.gid, copy.mode & 0o7777]).toEqual([999, 995, 0o666]);
    expect(existsSync(join(upperBase, 'upper/src/.wh.b.txt'))).toBe(true);
    expect(existsSync(join(upperBase, 'upper/src/hello.c'))).toBe(false);
  });
});

describe('mount errors', () => {
  it('UPPER inside DIR, or no upper=: a clear error, nothing run', async () => {
    const lower = tempDir('overlay-prog-');
    const inside = await umview(['-m', `overlay,${lower},upper=${lower}/upper`], ['true']);
    expect(inside.code).not.toBe(0);
    expect(inside.stderr).toContain(`overlay: the upper directory ${lower}/upper must not be inside ${lower}`);
    expect(existsSync(join(lower, 'upper'))).toBe(false);
    const none = await umview(['-m', `overlay,${lower}`], ['true']);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('overlay: upper= is required; use -m overlay,DIR,upper=UPPER');
  });
});
