// A passthrough request may resume, detach or kill the tracee. ptrace-core keeps per-tracee
// bookkeeping (state, inSyscall, listening) that its own resume methods update; a request issued
// from a batch must update it the same way, or the stop loop and later batches would be wrong.
import { PTRACE, type Tracee } from '@umview/ptrace-core';

const PTRACE_SINGLEBLOCK = 33;

const RESUMING = new Set<number>([
  PTRACE.CONT, PTRACE.SYSCALL, PTRACE.SINGLESTEP, PTRACE.SYSEMU, PTRACE.SYSEMU_SINGLESTEP,
  PTRACE_SINGLEBLOCK, PTRACE.KILL,
]);

/** Updates ptrace-core's bookkeeping after a successful passthrough request, as Tracee's own
 * cont()/syscall()/listen()/detach() do. */
export function afterRequest(tracee: Tracee, request: number): void {
  if (request === PTRACE.DETACH) {
    tracee.tracer.forget(tracee);
  } else if (request === PTRACE.LISTEN) {
    tracee.state = 'running';
    tracee.listening = true;
  } else if (RESUMING.has(request)) {
    tracee.state = 'running';
    // Only PTRACE_SYSCALL reports the exit of a call that has been entered.
    if (request !== PTRACE.SYSCALL) tracee.inSyscall = false;
  }
}
