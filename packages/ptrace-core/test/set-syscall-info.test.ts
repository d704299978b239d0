// PTRACE_SET_SYSCALL_INFO through Tracee.setSyscallInfo (Linux 6.16+): a call's number and
// arguments changed at its entry or seccomp stop, its result at its exit, on real tracees.
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncTracer, InvalidArgumentError, Tracer, syscallNumber } from '@umview/ptrace-core';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { fixture, outputFile, runToEnd } from './helpers.js';

const GETPID = syscallNumber('getpid')!;
const GETPPID = syscallNumber('getppid')!;
const WRITE = syscallNumber('write')!;

let tracer: Tracer;
afterEach(() => tracer?.close());

it('canSetSyscallInfo() tells whether this kernel has the request', () => {
  tracer = new Tracer();
  const tracee = tracer.spawn(fixture('getpid-print'), [], { stdout: 'ignore' });
  expect(tracee.canSetSyscallInfo()).toBe(missing.setSyscallInfo() === undefined);
});

describe('setSyscallInfo', () => {
  skipEachWhen(missing.setSyscallInfo());

  it('at a syscall entry, changes the number: getpid runs as getppid', () => {
    tracer = new Tracer();
    const out = outputFile();
    tracer.spawn(fixture('getpid-print'), [], { stdout: { path: out.path } }).syscall();
    let changed = 0;
    runToEnd(tracer, (stop) => {
      if (stop.kind !== 'syscall-enter' || stop.nr !== GETPID) return;
      stop.tracee.setSyscallInfo({ op: 'entry', nr: GETPPID, args: stop.args });
      expect(stop.tracee.getSyscallInfo()).toMatchObject({ op: 'entry', nr: GETPPID });
      changed++;
    });
    expect(changed).toBe(1);
    expect(out.read()).toBe(`getpid=${process.pid}\n`);
  });

  it('at a syscall entry, changes the arguments: the first write of the line is cut to 3 bytes', () => {
    tracer = new Tracer();
    const out = outputFile();
    tracer.spawn(fixture('getpid-print'), [], { stdout: { path: out.path } }).syscall();
    const results: bigint[] = [];
    runToEnd(tracer, (stop) => {
      if (stop.kind === 'syscall-exit' && stop.nr === WRITE) results.push(stop.result);
      if (stop.kind !== 'syscall-enter' || stop.nr !== WRITE || results.length > 0) return;
      stop.tracee.setSyscallInfo({ op: 'entry', nr: WRITE, args: [stop.args[0]!, stop.args[1]!, 3n] });
      // The arguments not given are 0.
      expect(stop.tracee.getSyscallInfo()).toMatchObject({ op: 'entry', args: [1n, stop.args[1], 3n, 0n, 0n, 0n] });
    });
    // The write returned 3 and stdio wrote the rest with a second one.
    const line = out.read();
    expect(results).toEqual([3n, BigInt(line.length - 3)]);
    expect(line).toMatch(/^getpid=[1-9]\d*\n$/);
  });

  it('at a seccomp stop, changes the call; at an exit stop, its result', () => {
    tracer = new Tracer();
    const out = outputFile();
    const child = tracer.spawn(fixture('seccomp-trace-getppid'), ['1'], { stdout: { path: out.path } });
    child.cont();
    const seen: string[] = [];
    runToEnd(tracer, (stop) => {
      if (stop.kind === 'seccomp' && stop.nr === GETPPID) {
        stop.tracee.setSyscallInfo({ op: 'seccomp', nr: GETPID, args: stop.args });
        seen.push('seccomp getppid -> getpid');
      } else if (stop.kind === 'seccomp' && stop.nr === GETPID) {
        stop.tracee.syscall(); // to its exit stop
        return 'handled';
      } else if (stop.kind === 'syscall-exit' && stop.nr === GETPID) {
        expect(stop.result).toBe(BigInt(child.pid));
        stop.tracee.setSyscallInfo({ op: 'exit', result: 4242n });
        expect(stop.tracee.getSyscallInfo()).toMatchObject({ op: 'exit', result: 4242n, isError: false });
        seen.push('exit getpid = 4242');
      }
      return undefined;
    }, 'cont');
    expect(seen).toEqual(['seccomp getppid -> getpid', 'exit getpid = 4242']);
    expect(out.read()).toBe(`ppid=${child.pid} pid=4242\n`);
  });

  it('at an exit stop, an error result is a -errno the program sees in errno', () => {
    tracer = new Tracer();
    const out = outputFile();
    tracer.spawn(fixture('getpid-print'), [], { stdout: { path: out.path } }).syscall();
    runToEnd(tracer, (stop) => {
      if (stop.kind !== 'syscall-exit' || stop.nr !== GETPID) return;
      stop.tracee.setSyscallInfo({ op: 'exit', result: -2n });
      expect(stop.tracee.getSyscallInfo()).toMatchObject({ op: 'exit', result: -2n, isError: true });
    });
    // syscall(2) returns -1 for a -errno result.
    expect(out.read()).toBe('getpid=-1\n');
  });

  it('works from AsyncTracer too', async () => {
    const asyncTracer = await AsyncTracer.start();
    try {
      const out = outputFile();
      const tracee = await asyncTracer.spawn(fixture('getpid-print'), [], { stdout: { path: out.path } });
      expect(await tracee.canSetSyscallInfo()).toBe(true);
      await tracee.syscall();
      for await (const stop of asyncTracer.stops()) {
        if (stop.kind === 'exited') break;
        if (stop.kind === 'syscall-exit' && stop.nr === GETPID) await stop.tracee.setSyscallInfo({ op: 'exit', result: 777n });
        await stop.tracee.syscall(stop.kind === 'signal' ? stop.signal : 0);
      }
      expect(out.read()).toBe('getpid=777\n');
    } finally {
      await asyncTracer.close();
    }
  });

  it("refuses a change of the stop's kind with InvalidArgumentError (EINVAL), and the call is untouched", () => {
    tracer = new Tracer();
    const out = outputFile();
    tracer.spawn(fixture('getpid-print'), [], { stdout: { path: out.path } }).syscall();
    let error: unknown;
    runToEnd(tracer, (stop) => {
      if (stop.kind !== 'syscall-exit' || stop.nr !== GETPID) return;
      try {
        stop.tracee.setSyscallInfo({ op: 'entry', nr: GETPPID, args: [] });
      } catch (e) {
        error = e;
      }
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'EINVAL', operation: 'PTRACE_SET_SYSCALL_INFO' });
    expect(out.read()).toMatch(/^getpid=[1-9]\d*\n$/);
  });
});
