// Held calls (SyscallCall.hold/release): a call's thread kept stopped at its stop while the
// tracer goes on with the other tracees, then finished later with any verb; a held thread that
// dies (SIGKILL, another thread's execve) is reported as usual and its release does nothing;
// events({ idle: true }) does not block while calls are held.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { syscallNumber } from '@umview/ptrace-core';
import { BACKENDS, SyscallFilter, SyscallTracer, type BackendName, type SyscallCall } from '@umview/sysvm';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { backendMissing, fixture, outputFile } from './helpers.js';

let vm: SyscallTracer | undefined;
let waiter: SigchldWaiter | undefined;
afterEach(() => {
  waiter?.close();
  waiter = undefined;
  vm?.close();
  vm = undefined;
});

const nr = (name: string): number => syscallNumber(name)!;

/** A thread's state letter in /proc (t: stopped by its tracer). */
function threadState(tid: number): string {
  const stat = readFileSync(`/proc/${tid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
}

/** Waits for SIGCHLD, which the tracer gets at every stop of a tracee: what an idle tracer
 * waits for. A signal that comes between a wait that found nothing and next() is not lost:
 * its JS listener runs only once next()'s promise is awaited. */
interface SigchldWaiter {
  next(): Promise<void>;
  close(): void;
}
function sigchldWaiter(): SigchldWaiter {
  let wake: (() => void) | undefined;
  const onSignal = (): void => wake?.();
  process.on('SIGCHLD', onSignal);
  return {
    next: () => new Promise<void>((resolve) => {
      wake = resolve;
    }),
    close: () => process.off('SIGCHLD', onSignal),
  };
}

function tracer(backend: BackendName, calls: string[]): SyscallTracer {
  vm = new SyscallTracer({ backend, filter: SyscallFilter.of(calls) });
  return vm;
}

describe.each(BACKENDS)('backend %s', (backend) => {
  skipEachWhen(backendMissing(backend));

  it('a held call waits, its thread stopped, while another tracee runs; that one\'s handler releases it', () => {
    const vm = tracer(backend, ['getpid']);
    const outs = [outputFile(), outputFile()];
    const tracees = outs.map((out) => vm.spawn(fixture('getpid'), [], { stdout: { path: out.path } }));
    let first: SyscallCall | undefined;
    const seen: string[] = [];
    vm.runSync((e) => {
      if (e.kind !== 'syscall' || e.nr !== nr('getpid')) return;
      if (first === undefined) {
        first = e;
        e.hold();
        return;
      }
      // The other tracee's call, while the first waits at its own.
      seen.push(`held=${first.held} state=${threadState(first.tid)} other=${e.tid !== first.tid}`);
      e.skip(2);
      first.skip(1);
      first.release();
      seen.push(`held=${first.held}`);
    });
    expect(seen).toEqual(['held=true state=t other=true', 'held=false']);
    const heldIndex = tracees.findIndex((t) => t.tid === first!.tid);
    expect(outs[heldIndex]!.read()).toBe(`getpid=1 getppid=${process.pid}\n`);
    expect(outs[1 - heldIndex]!.read()).toBe(`getpid=2 getppid=${process.pid}\n`);
    expect(vm.heldCount).toBe(0);
    expect(vm.stats.held).toBe(1);
  });

  it('released from its own handler: carried out once', () => {
    const vm = tracer(backend, ['getpid']);
    const out = outputFile();
    vm.spawn(fixture('getpid'), [], { stdout: { path: out.path } });
    const status = vm.runSync((e) => {
      if (e.kind !== 'syscall' || e.nr !== nr('getpid')) return;
      e.hold();
      e.skip(7);
      e.release();
      e.release(); // a second release does nothing
    });
    expect(status).toBe(0);
    expect(out.read()).toBe(`getpid=7 getppid=${process.pid}\n`);
  });

  it('idle events while a call is held; released later (skip) from a promise\'s callback, the other tracee served meanwhile', async () => {
    const vm = tracer(backend, ['getpid']);
    const outs = [outputFile(), outputFile()];
    const tracees = outs.map((out) => vm.spawn(fixture('getpid'), [], { stdout: { path: out.path } }));
    waiter = sigchldWaiter();
    let first: SyscallCall | undefined;
    let idles = 0;
    let otherServed = false;
    for (const e of vm.events({ idle: true })) {
      if (e.kind === 'idle') {
        expect(vm.heldCount).toBe(1);
        idles++;
        await waiter.next();
        continue;
      }
      if (e.kind !== 'syscall' || e.nr !== nr('getpid')) continue;
      if (first === undefined) {
        first = e;
        e.hold();
        continue;
      }
      e.skip(2);
      otherServed = true;
      // Answered asynchronously, as a file system's promise would be: when the loop next waits.
      const held = first;
      void Promise.resolve().then(() => {
        held.skip(4242);
        held.release();
      });
    }
    expect(otherServed).toBe(true);
    expect(idles).toBeGreaterThanOrEqual(1);
    const heldIndex = tracees.findIndex((t) => t.tid === first!.tid);
    expect(outs[heldIndex]!.read()).toBe(`getpid=4242 getppid=${process.pid}\n`);
    expect(outs[1 - heldIndex]!.read()).toBe(`getpid=2 getppid=${process.pid}\n`);
    expect(vm.exitStatus).toBe(0);
  });

  it('finished later with an injected call, scratch memory, a rewritten argument and runToExit', () => {
    const vm = tracer(backend, ['openat']);
    const out = outputFile();
    const missingPath = '/nonexistent/held-call';
    const tracee = vm.spawn(fixture('cat-file'), [missingPath], { stdout: { path: out.path } });
    let held: SyscallCall | undefined;
    let placed = 0n;
    const seen: string[] = [];
    for (const e of vm.events({ idle: true })) {
      if (e.kind === 'idle') {
        // Nothing else runs: the work is done here, long after the call's own event.
        const call = held!;
        seen.push(`injected getpid=${call.inject(nr('getpid')) === BigInt(tracee.pid)}`);
        placed = call.placeString('/etc/hostname');
        call.setArg(1, placed);
        call.runToExit();
        call.release();
        continue;
      }
      if (e.kind === 'syscall' && e.nr === nr('openat') && e.readString(1) === missingPath) {
        held = e;
        e.hold();
      } else if (e.kind === 'syscall-return' && e.nr === nr('openat')) {
        seen.push(`returned fd=${e.result >= 0n} arg=${e.args[1] === placed}`);
      }
    }
    expect(seen).toEqual(['injected getpid=true', 'returned fd=true arg=true']);
    expect(out.read()).toBe(readFileSync('/etc/hostname', 'utf8'));
    expect(vm.exitStatus).toBe(0);
  });

  it('a held thread killed with SIGKILL: its death is the next event, release is a no-op', () => {
    const vm = tracer(backend, ['getpid']);
    const tracee = vm.spawn(fixture('getpid'), [], { stdout: 'ignore' });
    let held: SyscallCall | undefined;
    const seen: string[] = [];
    const status = vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('getpid')) {
        held = e;
        e.hold();
        process.kill(tracee.pid, 'SIGKILL');
      } else if (e.kind === 'process' && e.stop.kind === 'killed') {
        seen.push(`killed held=${held?.held}`);
        held!.skip(1);
        held!.release();
      }
    });
    expect(seen).toEqual(['killed held=false']);
    expect(status).toBe(128 + 9);
    expect(vm.heldCount).toBe(0);
  });

  it('a held thread killed, released before its death is reported: ESRCH swallowed', () => {
    const vm = tracer(backend, ['getpid']);
    const tracee = vm.spawn(fixture('getpid'), [], { stdout: 'ignore' });
    const status = vm.runSync((e) => {
      if (e.kind !== 'syscall' || e.nr !== nr('getpid')) return;
      e.hold();
      process.kill(tracee.pid, 'SIGKILL');
      e.runToExit();
      e.release();
    });
    expect(status).toBe(128 + 9);
  });

  it('a held thread killed from outside while the tracer is idle: the death wakes it', async () => {
    const vm = tracer(backend, ['getpid']);
    const tracee = vm.spawn(fixture('getpid'), [], { stdout: 'ignore' });
    waiter = sigchldWaiter();
    let held: SyscallCall | undefined;
    const kinds: string[] = [];
    for (const e of vm.events({ idle: true })) {
      if (e.kind === 'idle') {
        kinds.push('idle');
        process.kill(tracee.pid, 'SIGKILL');
        await waiter.next();
      } else if (e.kind === 'syscall' && e.nr === nr('getpid')) {
        held = e;
        e.hold();
      } else if (e.kind === 'process') {
        kinds.push(e.stop.kind);
      }
    }
    held!.release(); // the run is over: nothing to do
    expect(kinds.filter((k) => k !== 'idle')).toEqual(['killed']);
    expect(kinds[0]).toBe('idle');
    expect(vm.exitStatus).toBe(128 + 9);
  });

  it('the leader held while another thread execs: the exec is reported, the held call is over', () => {
    const vm = tracer(backend, ['getpid', 'getppid']);
    const out = outputFile();
    const leader = vm.spawn(fixture('exec-while-held'), ['/bin/echo', 'the thread exec\'d'], { stdout: { path: out.path } });
    let leaderCall: SyscallCall | undefined;
    let threadCall: SyscallCall | undefined;
    const seen: string[] = [];
    const status = vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('getpid') && e.tid === leader.tid) {
        leaderCall = e;
        e.hold();
        threadCall?.release(); // the thread waited for the leader to be held
      } else if (e.kind === 'syscall' && e.nr === nr('getppid') && e.tid !== leader.tid && leaderCall === undefined) {
        threadCall = e;
        e.hold();
      } else if (e.kind === 'process' && e.stop.kind === 'exec') {
        seen.push(`exec formerTid=${e.stop.formerTid !== e.stop.tid} held=${leaderCall?.held}`);
        leaderCall?.release(); // the tid is the exec'ing thread's now: must not be touched
      }
    });
    expect(seen).toEqual(['exec formerTid=true held=false']);
    expect(out.read()).toBe('the thread exec\'d\n');
    expect(status).toBe(0);
  });

  it('hold() once the call was carried out: an error', () => {
    const vm = tracer(backend, ['getpid']);
    vm.spawn(fixture('getpid'), [], { stdout: 'ignore' });
    let call: SyscallCall | undefined;
    let error: unknown;
    vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('getpid')) call = e;
      else if (call !== undefined && error === undefined) {
        try {
          call.hold();
        } catch (caught) {
          error = caught;
        }
      }
    });
    expect(String(error)).toMatch(/can be held only while its handler runs/);
  });
});
