// A passthrough request may resume, detach or kill the tracee. ptrace-core keeps per-tracee
// bookkeeping (state, inSyscall, listening, resumes) that its own resume methods update; a
// request issued from a batch must update it the same way, or the stop loop and later batches
// would be wrong. ptrace-core records it (afterPtraceRequest), as its own methods do.
import type { Tracee } from '@umview/ptrace-core';
import { afterPtraceRequest } from '@umview/ptrace-core/internal';

/** Updates ptrace-core's bookkeeping after a successful passthrough request, as Tracee's own
 * cont()/syscall()/listen()/detach() do. */
export function afterRequest(tracee: Tracee, request: number): void {
  afterPtraceRequest(tracee, request);
}
