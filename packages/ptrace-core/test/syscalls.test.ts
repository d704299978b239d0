import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@umview/test-fixtures';
import { Tracer, syscallName, syscallNumber, type Stop } from '@umview/ptrace-core';
import { missing } from '@umview/test-fixtures/machine';
import { fixture, outputFile, runToEnd } from './helpers.js';

let tracer: Tracer;
afterEach(() => tracer?.close());

/** Per-syscall call counts from `strace -f -c` output. */
function straceCounts(program: string): Map<string, number> {
  const out = join(tempDir(), 'strace.txt');
  execFileSync('strace', ['-f', '-c', '-o', out, program]);
  const counts = new Map<string, number>();
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    // % time  seconds  usecs/call  calls  [errors]  syscall
    const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(line);
    if (m && m[2] !== 'total') counts.set(m[2]!, Number(m[1]));
  }
  return counts;
}

describe('syscall stops', () => {
  it('counts every syscall of a forking program exactly as strace -f -c does', (ctx) => {
    const noStrace = missing.tool('strace');
    if (noStrace) ctx.skip(noStrace);
    const program = fixture('syscall-mix');
    const expected = straceCounts(program);
    tracer = new Tracer();
    tracer.spawn(program).syscall();
    const counts = new Map<string, number>();
    // strace -c counts a call when it completes: count exit stops (execve's exit included,
    // whose entry happened before the exec event; exit_group never completes).
    runToEnd(tracer, (stop) => {
      if (stop.kind === 'syscall-exit') counts.set(syscallName(stop.nr), (counts.get(syscallName(stop.nr)) ?? 0) + 1);
    });
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(expected));
    expect(counts.get('openat')).toBe(20); // 18 of the program, 2 of the dynamic loader
  });

  it('tells entry from exit and pairs them per thread', () => {
    tracer = new Tracer();
    tracer.spawn(fixture('getppid-loop'), ['50']).syscall();
    const byTid = new Map<number, Stop['kind'][]>();
    const exits: { nr: number; result: bigint }[] = [];
    runToEnd(tracer, (stop) => {
      if (stop.kind === 'syscall-enter' || stop.kind === 'syscall-exit') {
        const list = byTid.get(stop.tid) ?? [];
        list.push(stop.kind);
        byTid.set(stop.tid, list);
      }
      if (stop.kind === 'syscall-exit') exits.push({ nr: stop.nr, result: stop.result });
    });
    for (const kinds of byTid.values()) {
      // exit of execve first, then strictly alternating enter/exit (exit_group has no exit).
      expect(kinds[0]).toBe('syscall-exit');
      for (let i = 1; i + 1 < kinds.length; i += 2) expect([kinds[i], kinds[i + 1]]).toEqual(['syscall-enter', 'syscall-exit']);
    }
    const getppid = exits.filter((e) => e.nr === syscallNumber('getppid'));
    expect(getppid).toHaveLength(50);
    expect(new Set(getppid.map((e) => e.result)).size).toBe(1);
    expect(getppid[0]!.result).toBe(BigInt(process.pid));
  });

  it('changes a syscall result at its exit stop through the registers', () => {
    tracer = new Tracer();
    const out = outputFile();
    tracer.spawn(fixture('getpid-print'), [], { stdout: { path: out.path } }).syscall();
    runToEnd(tracer, (stop) => {
      if (stop.kind === 'syscall-exit' && stop.nr === syscallNumber('getpid')) {
        const regs = stop.tracee.getRegisters();
        expect(regs.syscallResult).toBe(BigInt(stop.tracee.pid));
        regs.syscallResult = 4242n;
        stop.tracee.setRegisters();
      }
    });
    expect(out.read()).toBe('getpid=4242\n');
  });

  it('decodes syscall arguments (openat path through memory)', () => {
    tracer = new Tracer();
    tracer.spawn(fixture('syscall-mix')).syscall();
    const paths: string[] = [];
    runToEnd(tracer, (stop) => {
      if (stop.kind === 'syscall-enter' && stop.nr === syscallNumber('openat')) {
        expect(BigInt.asIntN(32, stop.args[0]!)).toBe(-100n); // AT_FDCWD, an int: the upper half is not sign-extended
        paths.push(stop.tracee.readCString(stop.args[1]!));
      }
    });
    expect(paths.filter((p) => p === '/etc/hostname')).toHaveLength(18);
  });
});

describe('letThrough, the fast lane for seccomp stops', () => {
  const GETPPID = syscallNumber('getppid')!;
  const GETPID = syscallNumber('getpid')!;

  it('lets the calls it passes run untouched, unreported, and reports the others', () => {
    tracer = new Tracer();
    const passed: { nr: number; args: bigint[] }[] = [];
    tracer.letThrough = (tracee, nr, args) => {
      expect(tracee.state).not.toBe('exited');
      passed.push({ nr, args: [...args] });
      return nr === GETPPID;
    };
    const out = outputFile();
    const child = tracer.spawn(fixture('seccomp-trace-getppid'), ['25'], { stdout: { path: out.path } });
    child.cont();
    const reported = runToEnd(tracer, () => undefined, 'cont').filter((s) => s.kind === 'seccomp');
    // Every seccomp stop went through the hook; the getppid ones ran as if never stopped.
    expect(passed.filter((p) => p.nr === GETPPID)).toHaveLength(25);
    expect(passed.filter((p) => p.nr === GETPID)).toHaveLength(25);
    expect(reported.map((s) => (s.kind === 'seccomp' ? s.nr : -1))).toEqual(Array(25).fill(GETPID));
    expect(out.read()).toBe(`ppid=${process.pid} pid=${child.pid}\n`);
    // The arguments are the call's (syscall(SYS_getppid) passes whatever was in the registers:
    // six of them, as words).
    expect(passed[0]!.args).toHaveLength(6);
  });

  it('without a hook, every seccomp stop is reported', () => {
    tracer = new Tracer();
    tracer.spawn(fixture('seccomp-trace-getppid'), ['5'], { stdout: 'ignore' }).cont();
    const seccomp = runToEnd(tracer, () => undefined, 'cont').filter((s) => s.kind === 'seccomp');
    expect(seccomp).toHaveLength(10);
  });
});
