// Held calls: a call whose answer is not ready at its stop (a file-system module's operation
// that returned a promise, a lock that must wait) keeps its thread stopped while the monitor
// goes on serving the other tracees; when the answer comes, the call is finished at its stop
// and the thread resumed.
//
// How the monitor's loop waits (monitor.ts run()): while no call is held, it blocks in waitpid
// as it always did. While calls are held it must not block the event loop, where the answers
// come from: its waits do not block (sysvm's events({ idle: true })), and when nothing is ready
// it awaits `next()`, which resolves at the next SIGCHLD (the kernel sends the tracer one at
// every stop and every death of a tracee), when a held call is finished, or when one times out.
// The SIGCHLD listener is installed only while calls are held, and only once the loop has
// found nothing to do (a hold answered at once never installs it): with a handler installed,
// every stop would cost a signal delivery, and installing one costs two sigactions. One timer
// serves every hold's timeout, armed for the earliest.
// Node delivers signals to the main thread's listeners only: a monitor run in a worker thread
// would be woken by answers and timeouts, not by the other tracees' stops.
import { isTraceeGone } from '@umview/ptrace-core';
import type { SyscallCall } from '@umview/sysvm';
import { FsError } from '../vfs/file-system.js';

/** How a held call's work ended: its value, or what it threw (or the timeout's EIO FsError). */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export interface CallHolder {
  /** Holds `call`'s thread stopped until `work` settles, then runs `finish` with its outcome at
   * the held stop. `finish` may use every verb of the call (skip, setNumber/setArg, runToExit,
   * tracee memory, inject) and the monitor's hooks (expectReturn); the call is carried out when
   * it returns. If `work` has not settled after `timeoutMs`, `finish` gets
   * `{ ok: false, error: FsError('EIO') }` and a later answer is dropped. If the thread dies
   * (or execs) first, `abandon` runs instead of `finish`. */
  hold<T>(call: SyscallCall, work: Promise<T>, timeoutMs: number, finish: (outcome: Outcome<T>) => void, abandon?: () => void): void;
}

/** ModuleContext.hold's options. */
export interface HoldOptions {
  /** How long the answer may take before the call gets `{ ok: false, error: FsError('EIO') }`
   * (default DEFAULT_HOLD_TIMEOUT_MS; Infinity: no limit). */
  readonly timeoutMs?: number;
  /** Runs instead of `finish` if the thread dies or execs while its call is held (or the
   * monitor stops): to release what the call had taken. */
  readonly abandon?: () => void;
}

/** The time a held call waits for its answer unless told otherwise. */
export const DEFAULT_HOLD_TIMEOUT_MS = 30_000;

interface Hold {
  readonly call: SyscallCall;
  readonly finish: (outcome: Outcome<never>) => void;
  readonly abandon: (() => void) | undefined;
  readonly timeoutMs: number;
  /** When it times out (now()'s clock; Infinity: never). */
  readonly deadline: number;
}

/** The longest delay a Node timer takes (2^31 - 1 ms). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** The monitor's CallHolder: the holds by thread, their timeouts, and what wakes the loop. */
export class HeldCalls implements CallHolder {
  private readonly holds = new Map<number, Hold>();
  private wake: (() => void) | undefined;
  private failure: { error: unknown } | undefined;
  /** Whether the SIGCHLD listener is installed. */
  private watching = false;
  /** A signal listener does not keep Node's event loop alive: this does, while the loop waits. */
  private keepAlive: NodeJS.Timeout | undefined;
  private readonly onSigchld = (): void => this.wakeLoop();
  /** The timeout timer, armed for `timerAt` (unref'd while nothing is held). */
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  /** `finished` runs after a held call's `finish`, before it is carried out (the --strace log). */
  constructor(private readonly finished?: (call: SyscallCall) => void) {}

  /** Holds that timed out. */
  timedOut = 0;

  /** How many calls are held. */
  get size(): number {
    return this.holds.size;
  }

  hold<T>(call: SyscallCall, work: Promise<T>, timeoutMs: number, finish: (outcome: Outcome<T>) => void, abandon?: () => void): void {
    if (this.holds.has(call.tid)) throw new Error(`tid ${call.tid} has a held call already`);
    call.hold(); // throws when the call was carried out already
    const deadline = timeoutMs < Infinity ? now() + Math.max(timeoutMs, 0) : Infinity;
    const entry: Hold = { call, finish: finish as (outcome: Outcome<never>) => void, abandon, timeoutMs, deadline };
    this.holds.set(call.tid, entry);
    if (deadline < this.timerAt) this.arm(deadline);
    else this.timer?.ref();
    // Promise.resolve: a module written in JavaScript may give a value or a thenable.
    Promise.resolve(work).then(
      (value) => this.settle(entry, { ok: true, value }),
      (error: unknown) => this.settle(entry, { ok: false, error }),
    );
  }

  /** The thread `tid` died or exec'd: its held call, if any, is abandoned. */
  abandon(tid: number): void {
    const entry = this.holds.get(tid);
    if (entry === undefined) return;
    this.remove(entry);
    entry.abandon?.();
  }

  /** The monitor stops: every held call is abandoned. An `abandon` that throws does not keep
   * the others from running (nor the monitor from closing): the first error is kept for
   * rethrow(). */
  abandonAll(): void {
    for (const entry of [...this.holds.values()]) {
      this.remove(entry);
      try {
        entry.abandon?.();
      } catch (error) {
        this.failure ??= { error };
      }
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.wakeLoop();
  }

  /** For the loop, when a non-blocking wait found nothing: resolves when something may have
   * happened (a SIGCHLD, a held call finished or timed out). Spurious wake-ups are fine (the
   * loop looks and waits again). None is lost: the first time, it installs the SIGCHLD listener
   * and resolves at once, so that the loop looks again with the listener there (a stop before
   * it was installed is found by that look, one after it sends the listener its signal). */
  next(): Promise<void> {
    if (!this.watching) {
      this.startWatching();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** Throws what a held call's `finish` threw (not TraceeGone), in the monitor's loop. */
  rethrow(): void {
    const failure = this.failure;
    if (failure === undefined) return;
    this.failure = undefined;
    throw failure.error;
  }

  private settle(entry: Hold, outcome: Outcome<unknown>): void {
    if (this.holds.get(entry.call.tid) !== entry) return; // timed out, abandoned: a late answer is dropped
    this.remove(entry);
    try {
      entry.finish(outcome as Outcome<never>);
      this.finished?.(entry.call);
      entry.call.release();
    } catch (error) {
      // Killed while held, its death not reported yet: release does nothing more (ESRCH).
      if (isTraceeGone(error)) entry.call.release();
      else this.failure ??= { error };
    }
    this.wakeLoop();
  }

  private remove(entry: Hold): void {
    this.holds.delete(entry.call.tid);
    if (this.holds.size > 0) return;
    this.stopWatching();
    this.timer?.unref(); // left armed: the next hold most likely needs it again
  }

  /** Arms the timeout timer for `at`. */
  private arm(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    // At least 1 ms: a timer may fire a little before `at` by our clock, and is then re-armed.
    this.timer = setTimeout(() => this.expire(), Math.min(Math.max(at - now(), 1), LONGEST_TIMER_MS));
  }

  /** The timeout timer fired: the holds past their deadline fail with EIO; the timer is
   * armed again for the earliest of the others. */
  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const time = now();
    let next = Infinity;
    for (const entry of [...this.holds.values()]) {
      if (entry.deadline <= time) {
        const { call } = entry;
        this.timedOut++;
        this.settle(entry, { ok: false, error: new FsError('EIO', `no answer for ${call.name} (pid ${call.pid}) within ${entry.timeoutMs} ms`) });
      } else next = Math.min(next, entry.deadline);
    }
    if (next < Infinity) this.arm(next);
  }

  private wakeLoop(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private startWatching(): void {
    this.watching = true;
    process.on('SIGCHLD', this.onSigchld);
    this.keepAlive = setInterval(() => {}, LONGEST_TIMER_MS);
  }

  private stopWatching(): void {
    if (!this.watching) return;
    this.watching = false;
    process.off('SIGCHLD', this.onSigchld);
    clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }
}

/** Milliseconds, monotonic. */
function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
