// What sysvm remembers per traced thread between a syscall's entry and its exit.
import type { RegisterName } from '@umview/ptrace-core';
import type { Scratch } from '../inject/scratch.js';
import type { RestartGuard } from './restart-guard.js';

export interface PendingExit {
  /** Report the exit to the handler (runToExit). */
  report: boolean;
  /** The call was skipped the 2006 way: write this result at the exit stop. */
  skipResult?: bigint;
  /** Registers to put back at exit (arguments the monitor rewrote). */
  restore?: Map<RegisterName, bigint>;
  scratch?: Scratch;
  /** The call as it ran (after any rewrite), for the handler at exit. */
  nr: number;
  args: readonly bigint[];
  /** The number the tracee asked for, before any rewrite (SyscallReturn.restartCall). */
  madeNr: number;
  /** A call let through at its stop and followed to its exit (StopRewrite.toExit). */
  onReturn?: (result: bigint) => void;
}

export class ThreadState {
  pendingExit: PendingExit | undefined;
  /** Signals kept while injecting syscalls, delivered at the next resume. */
  readonly pendingSignals: number[] = [];
  /** Its restartable call let go rewritten with no exit stop, put back if restarted (made at
   * the thread's first such call, then reused). */
  restartGuard: RestartGuard | undefined;
}
