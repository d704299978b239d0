// The real programs every view of the test tree must run as natively (compare-runs.ts):
// coreutils, bash, tar, gcc and make, git, python3. A suite file calls programSuite with its
// view's compare.
import { describe, expect, it } from 'vitest';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import type { CompareRuns } from './compare-runs.js';

export const COREUTILS = `
      set -e
      cd "$T"
      cp -a src cp1
      cp src/a.txt "$T/copy-a.txt"
      cp -r "$T/src/sub1" "$T/cp2"
      cat src/a.txt "$T/src/sub1/c.txt" src/link-a
      ls -lR --time-style=+%s "$T/src"
      ls -la --time-style=+%s src/link-dir/ src/link-abs
      find "$T/src" | sort
      find . -name '*.txt' -type f | sort
      find "$T/src" -type l -printf '%p -> %l\\n' | sort
      du -ab "$T/src" | sort -k2
      du -sb src/link-dir/
      stat -c '%n %s %a %F %h' src/a.txt src/link-a src/sub1 src/hard-b
      stat -L -c '%n %s %F' src/link-a src/link-abs src/link-dir
      readlink src/link-a; readlink -f src/link-a; realpath src/link-dir
      cmp src/sub1/sub2/data.bin cp1/sub1/sub2/data.bin && echo same
    `;

/** git's settings for a run that must not read the user's configuration and must commit the
 * same objects every time. */
export const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.org',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.org',
  GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z',
};

/** Defines the suite's describe blocks; `where` names the view in their titles. */
export function programSuite(compare: CompareRuns, where: string): void {
  describe(`coreutils on ${where}`, () => {
    it('cp, cat, ls -lR, find, du, stat', async () => {
      const { stdout } = await compare(COREUTILS);
      expect(stdout).toContain('$T/src/sub1/sub2/data.bin');
      expect(stdout).toContain('same');
    });

    it('mv, rm, ln, chmod, touch', async () => {
      await compare(`
        set -e
        cd "$T"
        cp -a src w
        mv w/a.txt w/moved.txt
        mv "$T/w/sub1" "$T/w/renamed"
        rm w/b.txt
        rm -r w/renamed/sub2
        rm -f w/missing
        ln -s ../src/a.txt w/rel-link
        ln w/moved.txt w/hard
        ln -sf moved.txt w/link-a
        chmod 600 w/moved.txt
        chmod -R go-w w
        chmod u+x "$T/w/hard"
        touch -d @1000000000 w/moved.txt
        touch w/new-empty
        touch -r w/moved.txt w/new-empty
        stat -c '%n %a %Y %h' w/moved.txt w/new-empty w/hard
        cat w/rel-link
        ls -l --time-style=+ w | sed 1d
        rm w/new-empty; mkdir w/d; rmdir w/d
        rm -rf w/with\\ space.txt
        ls w
      `);
    });

    it('rm -rf of a whole tree and ls of what is left', async () => {
      await compare('cd "$T" && cp -a src gone && rm -rf "$T/gone" && ls -A "$T" && test ! -e gone');
    });
  });

  describe('bash', () => {
    it('scripts with pipes, subshells, redirections, cd and pwd', async () => {
      const { stdout, code } = await compare(`
        cd "$T/src"
        pwd
        (cd sub1 && pwd && ls)
        pwd
        cat *.txt | sort | uniq -c | sort -rn
        echo "parent: $(cd .. && pwd)"
        echo "physical: $(cd link-dir && pwd -P) logical: $(cd link-dir && pwd -L)"
        for f in *.txt; do echo "$f: $(wc -c < "$f")"; done
        ls | while read -r x; do [ -d "$x" ] && echo "dir $x"; done
        ./script.sh one two
        "$T/src/script.sh" x | tr a-z A-Z
        { echo a; echo b; } > "$T/out.txt"
        cat < "$T/out.txt" | wc -l
        cd /; cd "$T"; cd src/sub1/../..; pwd
        cd "$T/src/sub1/sub2" && cd ../../.. && pwd
        exit 3
      `, { code: 3 });
      expect(code).toBe(3);
      expect(stdout.split('\n')[0]).toBe('$T/src');
    });
  });

  describe('tar', () => {
    it('creates and extracts archives', async () => {
      await compare(`
        set -e
        cd "$T"
        tar -cf arch.tar src
        mkdir x
        tar -xf arch.tar -C x
        tar -tf arch.tar | sort
        tar -cf - -C "$T" src | tar -xf - -C "$T/x" --transform s/^src/src2/
        tar -czf "$T/arch.tgz" -C src .
        mkdir y && cd y && tar -xzf ../arch.tgz && ls -R | head -20
        diff -r "$T/src" "$T/x/src" && echo identical
      `, { skip: (rel) => rel === 'arch.tgz' /* gzip stores the time it ran */ });
    });
  });

  describe('gcc and make', () => {
    skipEachWhen(missing.tool('gcc') ?? missing.tool('make'));

    it('gcc compiles and links a small program', async () => {
      const { stdout } = await compare(`
        set -e
        cd "$T/src"
        gcc -O1 -o ../hello hello.c
        ../hello
        gcc -c hello.c -o "$T/hello.o"
        gcc "$T/hello.o" -o "$T/hello2"
        "$T/hello2"
        gcc -O1 -I"$T/src" -o "$T/hello3" "$T/src/hello.c"
        "$T/hello3"
      `);
      expect(stdout).toContain('hello from umview-lite');
    });

    it('make builds, rebuilds what changed, and cleans', async () => {
      const { stdout } = await compare(`
        set -e
        make -C "$T/proj"
        "$T/proj/app"
        make -C "$T/proj"
        touch -d @1700000000 "$T/proj/util.c"
        make -C "$T/proj"
        cd "$T/proj" && make clean && make -s && ./app
      `);
      expect(stdout).toContain("make: Entering directory '$T/proj'");
      expect(stdout).toContain('twice 21 = 42');
    });
  });


  describe('git', () => {
    skipEachWhen(missing.tool('git'));

    it('init, add, commit, log, diff, status', async () => {
      const { stdout } = await compare(`
        set -e
        cd "$T"
        git init -q -b main repo
        cd repo
        cp ../src/*.txt .
        mkdir dir && cp -a ../src/sub1 dir/
        git add .
        git commit -q -m first
        git log --format='%H %an %s'
        echo change >> a.txt
        git status --short
        git diff --stat
        git commit -q -am second
        git log --oneline | wc -l
        git rev-parse HEAD
        git -C "$T/repo" ls-files | sort
        git rm -q b.txt && git commit -q -m third && git show --stat --format=%s HEAD
      `, { env: GIT_ENV, skip: (rel) => rel === 'repo/.git/index' /* holds ctime, inode numbers */ });
      expect(stdout).toMatch(/^[0-9a-f]{40} Test first$/m);
    });
  });

  describe('python3', () => {
    skipEachWhen(missing.tool('python3'));

    it('reads and writes files, walks the tree, renames, chdirs', async () => {
      const program = `
import os, shutil, pathlib, json, sys
t = os.environ['T']
os.chdir(t)
print(os.getcwd())
with open(os.path.join(t, 'src', 'a.txt')) as f: print(f.read().split())
with open('py-out.txt', 'x') as f: f.write('written by python\\n')
try:
    open('py-out.txt', 'x')
except FileExistsError as e:
    print('exists', e.errno)
for root, dirs, files in sorted(os.walk(os.path.join(t, 'src'))):
    print(root, sorted(dirs), sorted(files))
shutil.copytree('src', 'pycopy', symlinks=True)
os.rename('pycopy/b.txt', 'pycopy/b-renamed.txt')
os.makedirs('deep/er/est', exist_ok=True)
p = pathlib.Path(t, 'deep', 'er', 'est', 'data.json')
p.write_text(json.dumps({'n': 42}))
print(json.loads(p.read_text()), p.stat().st_size)
print(sorted(str(q.relative_to(t)) for q in pathlib.Path(t).glob('src/**/*.txt')))
print(sorted(e.name for e in os.scandir('src')))
print(os.path.realpath('src/link-dir'), os.readlink('src/link-a'))
os.chdir('src/sub1')
print(os.getcwd(), os.path.exists('../a.txt'), os.listdir('..') == os.listdir(os.path.join(t, 'src')))
print(os.access(os.path.join(t, 'src', 'script.sh'), os.X_OK), os.path.isdir(os.path.join(t, 'src', 'link-dir')))
sys.exit(4)
`;
      const { code } = await compare(`python3 -c "$PROGRAM"`, { env: { PROGRAM: program }, code: 4 });
      expect(code).toBe(4);
    });
  });
}
