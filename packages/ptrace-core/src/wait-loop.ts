// The wait loop of a Tracer: waitpid(-1, __WALL | __WNOTHREAD) turned into typed stops, in an
// order a tracer can rely on, with the fast lane for seccomp stops that no one needs.
//
// Ordering: ptrace does not order a new child's first stop after its parent's fork event, so a
// stop of a thread not traced yet is held back until the event that created it is reported (or
// until its creator is gone). Stops found while waiting for one thread (waitFor, attach) are
// queued for wait().
import { failedWaitErrno, systemError, TraceeGoneError } from './errors.js';
import { PTRACE, PTRACE_EVENT, SYSCALL_INFO_OP, WAIT } from './native/constants.js';
import { ERRNO } from './native/errno.js';
import { getLibc, type Libc } from './native/libc.js';
import { SIGNALS } from './native/signals.js';
import { readProcStatusNumbers } from './proc-status.js';
import { decodeStop, type StopDecoderHost } from './stop-decoder.js';
import { Tracee } from './tracee.js';
import type { Stop } from './stops.js';
import type { LetThrough, Tracer } from './tracer.js';
import * as ws from './wait-status.js';

/** A stop that arrived for a thread whose creation was not reported yet, kept back until it is
 * (ptrace does not order a new child's first stop after its parent's fork event). */
interface HeldStop {
  stop: Stop;
  parentPid: number;
}

export interface WaitOptions {
  nonBlocking?: boolean;
  interruptible?: boolean;
}

/** A wait status's upper bits at a PTRACE_EVENT_SECCOMP stop. */
const SECCOMP_STOP = SIGNALS.SIGTRAP | (PTRACE_EVENT.SECCOMP << 8);

/** @internal The Tracer's stop loop and its queues; the Tracer's `tracees` is its map. */
export class WaitLoop implements StopDecoderHost {
  /** The thread whose syscall info the fast lane fetched at this stop without letting it
   * through: its Stop is decoded from that (one PTRACE_GET_SYSCALL_INFO per stop, not two). */
  prefetched: Tracee | undefined;
  private readonly libc: Libc = getLibc();
  private readonly status = new Int32Array(new ArrayBuffer(4));
  private statusAddress = 0;
  private readonly ready: Stop[] = [];
  private readonly held = new Map<number, HeldStop>();

  constructor(private readonly tracer: Tracer, private readonly tracees: Map<number, Tracee>) {}

  /** See Tracer.wait(). */
  wait(options: WaitOptions): Stop | 'interrupted' | undefined {
    for (;;) {
      const next = this.ready.shift();
      if (next) return next;
      if (this.tracees.size === 0 && this.held.size === 0) return undefined;
      const flags = WAIT.ALL | WAIT.NOTHREAD | (options.nonBlocking ? WAIT.NOHANG : 0);
      this.statusAddress ||= Number(this.libc.address(this.status));
      const tid = this.libc.waitpidAt(-1, this.statusAddress, flags);
      if (tid === 0) return undefined;
      if (tid === -1) {
        const errno = failedWaitErrno(this.libc.errno());
        if (errno === ERRNO.EINTR) {
          if (options.interruptible) return 'interrupted';
          continue;
        }
        if (errno === ERRNO.ECHILD) {
          // Nothing left to wait for: whatever we still track is gone (or was reaped elsewhere).
          this.releaseAllHeld();
          for (const tracee of this.tracees.values()) tracee.bookkeeping.state = 'exited';
          this.tracees.clear();
          continue;
        }
        throw systemError('waitpid', errno);
      }
      const status = this.status[0]!;
      this.prefetched = undefined;
      const letThrough = this.tracer.letThrough;
      if (letThrough !== undefined && status >>> 8 === SECCOMP_STOP && this.resumedAtWait(tid, letThrough)) continue;
      const stop = this.decode(tid, status);
      this.prefetched = undefined;
      if (stop) return stop;
    }
  }

  /** Asks letThrough about this seccomp stop; when it lets the call through, resumes the thread
   * here and returns true (the stop is not reported). */
  private resumedAtWait(tid: number, letThrough: LetThrough): boolean {
    const tracee = this.tracees.get(tid);
    if (tracee === undefined || tracee.bookkeeping.isNewChild) return false; // its first stop: decode() knows
    let info: ReturnType<Tracee['fetchSyscallInfoRaw']>;
    try {
      info = tracee.fetchSyscallInfoRaw();
    } catch {
      return false; // gone: decode() reports it
    }
    this.prefetched = tracee;
    if (info.bytes[0] !== SYSCALL_INFO_OP.SECCOMP) return false;
    const nr = Number(info.words[3]);
    const answer = letThrough(tracee, nr, info.args, info.words[2]!);
    if (answer === false) return false;
    this.prefetched = undefined;
    const book = tracee.bookkeeping;
    book.listening = false;
    book.syscallNr = nr;
    book.lastStop = undefined;
    try {
      if (answer === 'to-exit') {
        book.inSyscall = true; // its exit stop is this call's
        tracee.syscall(0);
      } else tracee.cont(0);
    } catch (error) {
      if (!(error instanceof TraceeGoneError)) throw error; // killed meanwhile: its end is next
    }
    return true;
  }

  /** See Tracer.waitFor(). */
  waitFor(tracee: Tracee): Stop {
    const queued = this.ready.findIndex((s) => s.tid === tracee.tid);
    if (queued >= 0) return this.ready.splice(queued, 1)[0]!;
    for (;;) {
      const tid = this.libc.waitpid(tracee.tid, this.status, WAIT.ALL);
      if (tid === -1) {
        const errno = failedWaitErrno(this.libc.errno());
        if (errno === ERRNO.EINTR) continue;
        if (errno === ERRNO.ECHILD) {
          this.forget(tracee);
          throw new TraceeGoneError(`tid ${tracee.tid} is gone`, { errno: ERRNO.ESRCH, operation: 'waitpid', tid: tracee.tid });
        }
        throw systemError('waitpid', errno, tracee.tid);
      }
      const stop = this.decode(tid, this.status[0]!);
      if (stop) return stop;
    }
  }

  /** Waits for one thread's stop and decodes it as its own (attach); undefined when the
   * thread was killed meanwhile and its exit is next. */
  waitOneStop(tracee: Tracee): Stop | undefined {
    for (;;) {
      if (this.libc.waitpid(tracee.tid, this.status, WAIT.ALL) === -1) {
        const errno = failedWaitErrno(this.libc.errno());
        if (errno === ERRNO.EINTR) continue;
        throw systemError('waitpid', errno, tracee.tid);
      }
      return decodeStop(this, tracee, this.status[0]!);
    }
  }

  /** Queues a stop for wait(). */
  enqueue(stop: Stop): void {
    this.ready.push(stop);
  }

  /** Close: every tracee was killed or detached; reaps what is left and empties the queues. */
  reapAll(): void {
    while (this.tracees.size > 0 || this.held.size > 0) {
      const tid = this.libc.waitpid(-1, this.status, WAIT.ALL | WAIT.NOTHREAD);
      if (tid === -1) {
        if (failedWaitErrno(this.libc.errno()) === ERRNO.EINTR) continue;
        break;
      }
      const tracee = this.tracees.get(tid);
      if (!tracee) continue;
      const s = this.status[0]!;
      if (ws.exited(s) || ws.signaled(s)) this.remove(tracee);
      else this.libc.ptrace(PTRACE.CONT, tid, 0, 0); // a stop racing with SIGKILL
    }
    this.tracees.clear();
    this.held.clear();
    this.ready.length = 0;
  }

  /** Drops a tracee (detached, or found gone). */
  forget(tracee: Tracee): void {
    tracee.bookkeeping.state = 'exited';
    tracee.memory.invalidate();
    this.tracees.delete(tracee.tid);
  }

  // ---- what stops do to the set of tracees (StopDecoderHost) ----

  gone(tracee: Tracee): void {
    this.remove(tracee);
  }

  childCreated(parent: Tracee, childTid: number, kind: 'fork' | 'vfork' | 'clone'): Tracee {
    let child = this.tracees.get(childTid);
    if (!child) {
      child = new Tracee(this.tracer, childTid, parent.origin);
      child.bookkeeping.isNewChild = true;
      this.tracees.set(childTid, child);
    }
    child.adoptFrom(parent, kind !== 'clone' ? childTid : undefined);
    // Its first stop, if it came early, is delivered right after this event.
    if (this.held.has(childTid)) this.ready.push(this.releaseStop(childTid));
    return child;
  }

  /** After an exec, the thread that called execve has become the thread-group leader; every
   * other thread is gone (their exits were reported before) and so is the old address space. */
  execCompleted(leader: Tracee, formerTid: number): void {
    leader.memory.invalidate();
    if (formerTid === leader.tid) return;
    const former = this.tracees.get(formerTid);
    if (former) {
      leader.bookkeeping.inSyscall = former.bookkeeping.inSyscall;
      leader.bookkeeping.syscallNr = former.bookkeeping.syscallNr;
      this.remove(former);
    }
  }

  // ---- holding new children's first stops ----

  private decode(tid: number, status: number): Stop | undefined {
    let tracee = this.tracees.get(tid);
    const isNew = tracee === undefined;
    if (!tracee) {
      // A new child's first stop can be reported before its parent's fork/clone event.
      tracee = new Tracee(this.tracer, tid, 'spawned');
      tracee.bookkeeping.isNewChild = true;
      this.tracees.set(tid, tracee);
    }
    const stop = decodeStop(this, tracee, status);
    if (isNew && stop) {
      const parentPid = parentProcessOf(tid);
      if (parentPid !== undefined && this.hasProcess(parentPid)) {
        this.held.set(tid, { stop, parentPid });
        return undefined;
      }
    }
    return stop;
  }

  private remove(tracee: Tracee): void {
    this.forget(tracee);
    // Children held back for a parent that will never report them: release them now.
    for (const [tid, held] of this.held) {
      if (!this.hasProcess(held.parentPid)) this.ready.push(this.releaseStop(tid));
    }
  }

  private hasProcess(pid: number): boolean {
    for (const tracee of this.tracees.values()) {
      if (!this.held.has(tracee.tid) && (tracee.pidIfKnown ?? tracee.tid) === pid) return true;
    }
    return false;
  }

  private releaseStop(tid: number): Stop {
    const held = this.held.get(tid)!;
    this.held.delete(tid);
    return held.stop;
  }

  private releaseAllHeld(): void {
    for (const tid of [...this.held.keys()]) this.ready.push(this.releaseStop(tid));
  }
}

/** The process that created `tid`: its thread group for a thread, its parent for a process. */
function parentProcessOf(tid: number): number | undefined {
  const status = readProcStatusNumbers(tid, ['Tgid', 'PPid']);
  if (status?.Tgid === undefined) return undefined;
  return status.Tgid !== tid ? status.Tgid : status.PPid;
}
