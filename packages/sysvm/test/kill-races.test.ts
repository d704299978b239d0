// A tracee killed with SIGKILL while the tracer works on one of its stops: the tracer goes on
// (the death is the next stop it reports) and never throws. A kill that lands between the wait
// that reported an exit stop and the registers put back there used to escape from events() as a
// TraceeGoneError and end the whole tracer (found by umview-lite's fault tests); so did one that
// landed while run()'s handler wrote the tracee's memory.
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { syscallNumber } from '@umview/ptrace-core';
import { SyscallFilter, SyscallTracer, type BackendName } from '@umview/sysvm';
import { fixture } from './helpers.js';

let vm: SyscallTracer | undefined;
afterEach(() => {
  vm?.close();
  vm = undefined;
});

const SCALE = Math.max(1, Number(process.env.FAULT_ITERATIONS ?? 1));

/** Sends SIGKILL to `pid` after `ms` milliseconds from another thread: the tracer's thread is
 * busy in its synchronous stop loop meanwhile. */
function killLater(pid: number, ms: number): Worker {
  return new Worker(`setTimeout(() => { try { process.kill(${pid}, 'SIGKILL'); } catch {} }, ${ms});`, { eval: true });
}

describe.each(['seccomp', 'ptrace-syscall'] as BackendName[])('backend %s', (backend) => {
  it('a tracee killed at random points of calls whose arguments are rewritten: the run ends, status 137', async () => {
    const getppid = syscallNumber('getppid')!;
    for (let i = 0; i < 30 * SCALE; i++) {
      vm = new SyscallTracer({ backend, filter: SyscallFilter.of(['getppid']) });
      const tracee = vm.spawn(fixture('bench-workload'), ['100000000', '0']);
      const killer = killLater(tracee.pid, 1 + (i % 15));
      let calls = 0;
      const status = vm.runSync((event) => {
        if (event.kind !== 'syscall' || event.nr !== getppid) return;
        calls++;
        // A rewritten argument and scratch memory: an exit stop with work to undo.
        event.setArg(0, event.placeString('x'));
        if (calls % 3 === 0) event.runToExit();
      });
      expect(status).toBe(128 + 9);
      await killer.terminate();
      vm.close();
      vm = undefined;
    }
  });
});
