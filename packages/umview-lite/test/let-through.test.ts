// The monitor's fast way out: path calls no module can serve go on at the seccomp stop itself
// (sysvm's letThrough). What must hold: every call that may concern a module still reaches it,
// and --stats says how many went through.
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UNREAL, fixture, tempDir, tokenize, umview } from './helpers.js';
import { makeTree } from './tree.js';

const letThrough = (stderr: string): number => Number(/let through at the stop\s+(\d+)/.exec(stderr)?.[1]);
const virtualized = (stderr: string): number => Number(/syscalls virtualized\s+(\d+)/.exec(stderr)?.[1]);

describe.each([UNREAL, 'unreal,mode=proxy'])('let through (-m %s)', (module) => {
  it('unserved absolute paths go through; served, relative, ..-climbing and look-alike paths are served', async () => {
    const dir = tempDir();
    // A directory whose name contains the prefix's name without being under it.
    mkdirSync(join(dir, 'not-unreal'));
    writeFileSync(join(dir, 'not-unreal', 'f'), 'look-alike\n');
    writeFileSync(join(dir, 'g'), 'real\n');
    const script = [
      `cat ${dir}/g`, // unserved, absolute: let through
      `cat /unreal${dir}/g`, // served
      `cat /usr/../unreal${dir}/g`, // climbs into the served prefix
      `cat ${dir}/not-unreal/f`, // mentions the name, is not served: handled, and right
      `cd /unreal${dir} && cat g not-unreal/f`, // relative to a served cwd
      `cd /unreal${dir}/not-unreal && cat ../g && stat -c %n ../../$(basename ${dir})/g`, // climbing with '..'
    ].join('; ');
    const r = await umview(['-m', module, '--stats'], ['sh', '-c', script]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`real\nreal\nreal\nlook-alike\nreal\nlook-alike\nreal\n../../${basename(dir)}/g\n`);
    expect(letThrough(r.stderr)).toBeGreaterThan(0);
    expect(virtualized(r.stderr)).toBeGreaterThanOrEqual(2);
  });

  it('execve: an unserved #! script whose interpreter is served still runs through the monitor', async () => {
    const dir = tempDir();
    const script = join(dir, 'served-interpreter.sh');
    writeFileSync(script, '#!/unreal/bin/sh\necho "script $0 $1"\n');
    chmodSync(script, 0o755);
    // Natively this is ENOENT (no /unreal/bin/sh on the host); a missing program stays missing.
    const r = await umview(['-m', module, '--stats'], ['sh', '-c', `${script} arg; /no/such/program; echo $?`]);
    expect(r.stdout).toBe(`script ${script} arg\n127\n`);
    expect(r.stderr).toMatch(/\/no\/such\/program: (not found|No such file or directory)/);
    expect(r.code).toBe(0);
  });

  it('none with --strace (every call is logged) or for a syscall a module claims', async () => {
    const logged = await umview(['-m', module, '--stats', '--strace=/dev/null'], ['cat', '/etc/hostname']);
    expect(letThrough(logged.stderr)).toBe(0);
    // --no-let-through turns it off (to compare).
    const off = await umview(['-m', module, '--stats', '--no-let-through'], ['cat', '/etc/hostname']);
    expect(off.stdout).toBe(readFileSync('/etc/hostname', 'utf8'));
    expect(letThrough(off.stderr)).toBe(0);
    const file = join(tempDir(), 'count-opens.mjs');
    // Claims openat by number: it must see every one, served or not.
    writeFileSync(file, `let n = 0;
      export default () => ({
        name: 'count-opens',
        syscalls: ['openat'],
        handleSyscall(call) { if (call.readString(1) === '/etc/hostname') n++; return false; },
        close() { process.stderr.write('hostname opens ' + n + '\\n'); },
      });\n`);
    const r = await umview(['-m', module, '-m', file, '--stats'], ['cat', '/etc/hostname', '/etc/hostname']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/hostname opens 2\n/);
  });
});

describe('let through of directory opens (remap)', () => {
  it('from an unserved start they go through; from a served cwd the monitor follows them', async () => {
    const dir = tempDir();
    for (const sub of ['a', 'a/b', 'a/b/c', 'd', 'd/e']) mkdirSync(join(dir, sub));
    const seen = (stderr: string) => Number(/syscalls seen\s+(\d+)/.exec(stderr)?.[1]);
    const fullWay = (stderr: string) => seen(stderr) - letThrough(stderr);
    // find opens `a` relative to the cwd, then each directory relative to its parent's fd.
    const unserved = await umview(['-m', UNREAL, '--stats'], ['sh', '-c', `cd ${dir} && find a d`]);
    const served = await umview(['-m', UNREAL, '--stats'], ['sh', '-c', `cd /unreal${dir} && find a d`]);
    expect(unserved.code).toBe(0);
    expect(served.code).toBe(0);
    expect(served.stdout).toBe(unserved.stdout);
    expect(unserved.stdout.split('\n').filter(Boolean).sort()).toEqual(['a', 'a/b', 'a/b/c', 'd', 'd/e']);
    // Unserved: only the shell's chdir and find's fchdir take the full way (they are never let
    // through), not one directory open. Served: the opens of a and d (relative to the served
    // cwd) take it too, so that the monitor learns their fds.
    expect(fullWay(unserved.stderr)).toBeLessThanOrEqual(3);
    expect(fullWay(served.stderr)).toBeGreaterThanOrEqual(fullWay(unserved.stderr) + 2);
  });
});

describe('rewrites at the stop (remap)', () => {
  it('a call that takes the full way leaves nothing for the next one', async () => {
    // mv's rename: its first path is rewritten at the stop, its second ('../x', relative and
    // climbing) sends it the full way. ln's link then has an unserved first path and a served
    // second one: only the second may be rewritten.
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a'), 'a\n');
    writeFileSync(join(dir, 'f'), 'f\n');
    const r = await umview(['-m', UNREAL], ['sh', '-c', `cd ${dir}/sub && mv /unreal${dir}/a ../x && ln ${dir}/f /unreal${dir}/g && cat ${dir}/g ${dir}/x`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('f\na\n');
    expect(r.code).toBe(0);
  });

  it('an execve of a served program is rewritten at its stop with no exit stop; a missing one fails as natively; a served #! script takes the full way', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 's.sh'), '#!/bin/sh\necho "script $0"\n');
    chmodSync(join(dir, 's.sh'), 0o755);
    const count = (stderr: string, label: RegExp) => Number(label.exec(stderr)?.[1]);
    const loop = await umview(['-m', UNREAL, '--stats'], ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do /unreal/bin/true; done']);
    expect(loop.code).toBe(0);
    // Every call at its stop: the execs rewritten there, the rest let through.
    expect(count(loop.stderr, /rewritten at the stop\s+(\d+)/)).toBe(10);
    expect(count(loop.stderr, /let through at the stop\s+(\d+)/) + 10).toBe(count(loop.stderr, /syscalls seen\s+(\d+)/));
    expect(count(loop.stderr, /exit stops\s+(\d+)/)).toBe(0);
    const r = await umview(['-m', UNREAL], ['sh', '-c', `/unreal${dir}/missing; echo $?; /unreal${dir}/s.sh`]);
    expect(r.stdout).toBe(`127\nscript /unreal${dir}/s.sh\n`); // $0 as the program named it: the monitor ran the interpreter
    expect(r.stderr).toMatch(/missing: (not found|No such file or directory)/);
  });

  it.each([
    ['unreal (its host path is the tail of the guest\'s)', 'unreal'],
    ['bind (its host path placed below the stack)', 'bind'],
  ])('a directory opened by an absolute served path (%s) is rewritten at the stop and its fd followed at the exit stop: fchdir gives the guest cwd', async (_, kind) => {
    const host = tempDir();
    for (const sub of ['a', 'a/b']) mkdirSync(join(host, sub));
    const guest = kind === 'unreal' ? `/unreal${host}` : `/srv-${basename(host)}`;
    const args = kind === 'unreal' ? ['-m', UNREAL] : ['-m', `bind,${host}=${guest}`];
    const r = await umview([...args, '--stats'], [fixture('open-dir-fchdir'), `${guest}/a`, `${guest}/a/b`]);
    expect(r.stdout).toBe(`${guest}/a\n${guest}/a/b\n`);
    expect(r.code).toBe(0);
    // The two opens: rewritten at the stop, each followed to its exit stop there (the fchdirs
    // and getcwds take the full way, with no exit stop of their own when nothing was rewritten).
    expect(Number(/rewritten at the stop\s+(\d+)/.exec(r.stderr)?.[1])).toBeGreaterThanOrEqual(2);
    const off = await umview([...args, '--no-let-through'], [fixture('open-dir-fchdir'), `${guest}/a`, `${guest}/a/b`]);
    expect(off.stdout).toBe(r.stdout);
  });

  it('places a host path beyond ASCII as the full way does (UTF-8)', async () => {
    const host = join(tempDir(), 'café');
    mkdirSync(host);
    writeFileSync(join(host, 'f'), 'from café\n');
    const guest = `/srv-${basename(host.slice(0, -'/café'.length))}`;
    const r = await umview(['-m', `bind,${host}=${guest}`, '--stats'], ['sh', '-c', `cat ${guest}/f && stat -c %s ${guest}/f`]);
    expect(r.stdout).toBe('from café\n11\n'); // é is two bytes
    expect(r.code).toBe(0);
    expect(Number(/rewritten at the stop\s+(\d+)/.exec(r.stderr)?.[1])).toBeGreaterThan(0); // stat's
  });
});

describe('rewrites at the stop: a host path that is the guest path\'s tail', () => {
  it('is pointed at in the tracee\'s own string (unreal), not written as another module\'s is', async () => {
    const dir = tempDir();
    const names = Array.from({ length: 120 }, (_, i) => `f${i}`);
    for (const [i, name] of names.entries()) writeFileSync(join(dir, name), 'x'.repeat(i));
    const guest = `/srv-${basename(dir)}`;
    const stats = (guestDir: string) => `stat -c %s ${names.map((n) => `${guestDir}/${n}`).join(' ')}`;
    const expected = names.map((_, i) => `${i}\n`).join('');
    const count = (stderr: string, label: RegExp) => Number(label.exec(stderr)?.[1]);
    // /unreal/DIR/f -> DIR/f: the tail; bind DIR at /srv-x: /srv-x/f -> DIR/f is not one.
    const tail = await umview(['-m', UNREAL, '--stats'], ['sh', '-c', stats(`/unreal${dir}`)]);
    const other = await umview(['-m', `bind,${dir}=${guest}`, '--stats'], ['sh', '-c', stats(guest)]);
    for (const r of [tail, other]) {
      expect(r.stdout).toBe(expected);
      expect(r.code).toBe(0);
    }
    const rewritten = count(tail.stderr, /rewritten at the stop\s+(\d+)/);
    expect(rewritten).toBeGreaterThanOrEqual(names.length);
    expect(count(other.stderr, /rewritten at the stop\s+(\d+)/)).toBe(rewritten);
    // The same calls, one write less for each one rewritten (a tail): 120 fewer, give or take
    // the few reads of a path that crosses a page (where the stack lands differs from run to run).
    const memory = /tracee memory: system calls\s+(\d+)/;
    expect(count(other.stderr, memory) - count(tail.stderr, memory)).toBeGreaterThanOrEqual(names.length - 20);
  });

  it('an open of a file by its served absolute path goes on with no exit stop, its host path a tail (/unreal) or placed below the stack (a bind)', async () => {
    const dir = tempDir();
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, `f${i}`), `${i}\n`);
    const files = (at: string) => Array.from({ length: 30 }, (_, i) => `${at}/f${i}`);
    const expected = Array.from({ length: 30 }, (_, i) => `${i}\n`).join('');
    const count = (stderr: string, label: RegExp) => Number(label.exec(stderr)?.[1]);
    const tail = await umview(['-m', UNREAL, '--stats'], ['cat', ...files(`/unreal${dir}`)]);
    const guest = `/srv-${basename(dir)}`;
    const placed = await umview(['-m', `bind,${dir}=${guest}`, '--stats'], ['cat', ...files(guest)]);
    for (const r of [tail, placed]) {
      expect(r.stdout).toBe(expected);
      expect(r.code).toBe(0);
      expect(count(r.stderr, /rewritten at the stop\s+(\d+)/)).toBeGreaterThanOrEqual(30);
    }
    // cat's opens have their registers put back only if a signal interrupts them and the kernel
    // restarts them (sysvm's restoreArguments 'when-restarted'; test/faults/eintr.test.ts).
    expect(count(tail.stderr, /exit stops\s+(\d+)/)).toBeLessThan(5);
    expect(count(placed.stderr, /exit stops\s+(\d+)/)).toBeLessThan(5);
  });

  it("'..' below /unreal is the tail too (`ls -la` stats each dir/..): no walk, nothing written, the listing natively's", async () => {
    const dir = tempDir();
    const subs = Array.from({ length: 40 }, (_, i) => `d${i}`);
    for (const sub of subs) mkdirSync(join(dir, sub));
    // A symlink to a directory, and '..' after it: the kernel takes the target's parent, as
    // natively (the link points back into the tree).
    symlinkSync(join(dir, 'd0'), join(dir, 'link'));
    const paths = subs.map((sub) => `${dir}/${sub}/..`).concat(`${dir}/link/..`, `${dir}/d1/../d2/../..`);
    const native = await umview(['--stats'], ['stat', '-c', '%i %n', ...paths]);
    const served = await umview(['-m', UNREAL, '--stats'], ['stat', '-c', '%i %n', ...paths.map((p) => `/unreal${p}`)]);
    expect(native.code).toBe(0);
    expect(served.code).toBe(0);
    expect(served.stdout).toBe(native.stdout.replace(/ \//g, ' /unreal/'));
    const count = (stderr: string, label: RegExp) => Number(label.exec(stderr)?.[1]);
    // Each stat rewritten at the stop by pointing into its own string: no write at all (the
    // walk a '..' takes elsewhere placed its host path below the stack, one write each).
    expect(count(served.stderr, /rewritten at the stop\s+(\d+)/)).toBeGreaterThanOrEqual(paths.length);
    // As many tracee-memory calls as the same number of stats without '..' (a walk would write
    // each host path: 42 more), give or take the reads of a path that crosses a page.
    const plain = await umview(['-m', UNREAL, '--stats'], ['stat', '-c', '%i', ...paths.map((p) => `/unreal${p.replace(/\/\.\.$/, '/.')}`)]);
    expect(plain.code).toBe(0);
    const memory = /tracee memory: system calls\s+(\d+)/;
    expect(count(served.stderr, memory) - count(plain.stderr, memory)).toBeLessThan(paths.length / 2);
  });
});

describe('let through in proxy mode', () => {
  it('a program that touches no served path is let through at every stop (fstat included)', async () => {
    // (The program itself: an execve it made would be seen by the monitor.)
    const r = await umview(['-m', 'unreal,mode=proxy', '--stats'], ['cat', '/etc/hostname']);
    expect(r.code).toBe(0);
    const seen = Number(/syscalls seen\s+(\d+)/.exec(r.stderr)?.[1]);
    expect(seen).toBeGreaterThan(0);
    // All of them, fstat's newfstatat(fd, "", AT_EMPTY_PATH) on host fds included (without
    // that, ~18 fewer). Under heavy load about one run in 40 had one call take the full way
    // instead (not pinned down yet; the full way gives the same result, only slower).
    expect(letThrough(r.stderr)).toBeGreaterThanOrEqual(seen - 1);
  });
});


/** The same program under the monitor with the let-through on and off (--no-let-through): the
 * outputs must be the same byte for byte, each run on its own tree (two names of one length,
 * given as $T). The full suites also run a subset with it off: vitest.config.ts's project
 * no-let-through. */
describe.each([UNREAL, 'unreal,mode=proxy'])('the same results with and without let-through (-m %s)', (module) => {
  const both = async (command: (tree: string) => string[], setup: (tree: string) => void, cwd = false): Promise<string> => {
    const root = tempDir('umview-lt-');
    const runs = [];
    for (const [i, flags] of [['--stats'], ['--stats', '--no-let-through']].entries()) {
      const tree = join(root, `t${i}`);
      mkdirSync(tree);
      setup(tree);
      const guest = `/unreal${tree}`;
      const r = await umview(['-m', module, ...flags], command(guest), { cwd: cwd ? tree : undefined });
      const stats = /umview-lite stats:[\s\S]*$/.exec(r.stderr)?.[0] ?? '';
      runs.push({ code: r.code, stdout: tokenize(r.stdout, { [guest]: '$T', [tree]: '$HOST' }), stderr: tokenize(r.stderr.slice(0, r.stderr.length - stats.length), { [guest]: '$T', [tree]: '$HOST' }), letThrough: letThrough(stats) });
    }
    const [on, off] = runs;
    expect(on!.letThrough).toBeGreaterThan(0);
    expect(off!.letThrough).toBe(0);
    expect(off!.stdout).toBe(on!.stdout);
    expect(off!.stderr).toBe(on!.stderr);
    expect(off!.code).toBe(on!.code);
    expect(on!.code).toBe(0);
    return on!.stdout;
  };

  it('the path-families fixture: every path-taking family', async () => {
    const program = fixture('path-families', ['-O0']);
    const out = await both((tree) => [`/unreal${program}`, '/unreal', tree.slice('/unreal'.length)], () => {}, true);
    expect(out.trimEnd().endsWith('== done')).toBe(true);
  });

  it('a shell session on a tree (cp, find, ls, stat, cd, readlink)', async () => {
    const script = `set -e; cd "$0"; cp -a src cp1; find . | sort; ls -lR --time-style=+%s src; stat -c '%n %s %a %F %h' src/a.txt src/link-a cp1/sub1;
      cd src/sub1 && pwd && cat ../a.txt c.txt; readlink -f ../link-a; cd / && /bin/ls "$0/cp1" && du -ab "$0/src" | sort -k2`;
    const out = await both((tree) => ['/unreal/bin/bash', '-c', script, tree], makeTree);
    expect(out).toContain('$T/src/sub1\n');
  });
});
