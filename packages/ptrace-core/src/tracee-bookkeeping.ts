// For requests made on a Tracee by other means than its own methods (a ptrace-multi batch).
import type { Tracee } from './tracee.js';

/** A Tracee, as the internal entry names it: declared apart from the Tracee class so that the
 * internal entry's declarations share nothing with the main entry's (the .d.ts bundler would put
 * shared ones in a chunk, and types re-exported in the `arch` namespace break there). */
export interface TraceeRef {
  readonly tid: number;
}

/** Records a ptrace request that succeeded on `tracee` (a Tracee of this package) but was not
 * made through its methods (CONT, SYSCALL, SINGLESTEP, SYSEMU*, SINGLEBLOCK, KILL, LISTEN,
 * DETACH...), so that its state, resume count and syscall bookkeeping stay what the Tracer's
 * stop loop expects; other requests change nothing. */
export function afterPtraceRequest(tracee: TraceeRef, request: number): void {
  const own = tracee as Tracee;
  if (typeof own.noteRequest !== 'function') throw new TypeError(`afterPtraceRequest: tid ${tracee.tid} is not a @umview/ptrace-core Tracee`);
  own.noteRequest(request);
}
