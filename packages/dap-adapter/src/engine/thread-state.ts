// What the engine knows about one traced thread beyond what ptrace-core tracks.
import { readFileSync } from 'node:fs';
import type { Registers, SigInfo, Tracee } from '@umview/ptrace-core';

export type ResumeMode = 'cont' | 'step';

/** A fatal signal seen while the debuggee was being stopped for something else: it is reported
 * on the next resume instead of letting the thread die unseen. */
export interface PendingSignalReport {
  readonly signal: number;
  readonly info: SigInfo;
}

export class ThreadState {
  /** Resumed by us: a stop will be reported for it. */
  running = false;
  /** How it was last resumed (a stale interrupt stop is answered by resuming it the same way). */
  mode: ResumeMode = 'cont';
  /**
   * It was resumed with PTRACE_SINGLESTEP and its step trap has not been seen. When our
   * interrupt is reported first, the finished step's SIGTRAP (TRAP_TRACE) stays queued and is
   * delivered after the next PTRACE_CONT: a trap of ours, not the program's.
   */
  stepTrapOwed = false;
  /** A signal to deliver at the next PTRACE_CONT (one that arrived while it was held). */
  pendingSignal = 0;
  pendingReport: PendingSignalReport | undefined;
  /** Our PTRACE_INTERRUPT was sent and its stop has not been seen yet. */
  interruptPending = false;
  /**
   * It executed our int3 at this address while the debuggee was being stopped for another
   * reason; its pc was moved back onto the breakpoint and nothing was reported. Resumed from
   * there, it is not stepped over the breakpoint: it executes the int3 again, and the hit is
   * reported then, never lost, never reported twice. (A late interrupt may stop it again before
   * it gets there: the mark stays until the hit is taken.)
   */
  pendingHitAt: bigint | undefined;
  /** A data breakpoint fired in it while the debuggee was being stopped for something else: judged (and maybe reported) at the next resume. */
  pendingDataHit = false;
  /** The signal of the last stop reported to the user. */
  lastSignal: PendingSignalReport | undefined;
  /** What the last `exception` stop of this thread was (a signal, a syscall catchpoint), for exceptionInfo. */
  lastException: { readonly id: string; readonly description: string; readonly typeName: string } | undefined;

  constructor(readonly tracee: Tracee) {}

  get tid(): number {
    return this.tracee.tid;
  }

  /** The registers, read now (ptrace-core's view: valid until the next read of this thread). */
  registers(): Registers {
    return this.tracee.getRegisters();
  }

  get pc(): bigint {
    return this.tracee.getRegisters().rip;
  }

  /** The thread's name (/proc/PID/task/TID/comm), or a generic one if it is gone. */
  name(pid: number): string {
    try {
      return readFileSync(`/proc/${pid}/task/${this.tid}/comm`, 'utf8').trim();
    } catch {
      return `thread ${this.tid}`;
    }
  }
}
