// SyscallTracer: a process tree whose syscalls stop as SyscallCall objects with PTRACE_SYSVM's
// verbs, on one of three backends (see backend.ts). It owns a ptrace-core Tracer; a handler
// decides per call, and the tracer carries the decision out when the handler is done (or, for a
// call the handler held, when the holder releases it).
import {
  Tracer, arch, isTraceeGone, shellExitCode,
  type RegisterName, type SpawnOptions, type Stop, type Tracee,
} from '@umview/ptrace-core';
import { withFilterAtSpawn } from '../filter/at-spawn.js';
import { installFilter } from '../filter/install.js';
import { SyscallFilter } from '../filter/syscall-filter.js';
import { injectSyscall, type InjectionContext, type StopPosition } from '../inject/inject.js';
import type { DataIO, DataIOFactory } from '../io/data-io.js';
import { restoresAtExit, restoresAtRestart, type ArgumentRestore } from './argument-restore.js';
import { RestartGuard, isRestartCode } from './restart-guard.js';
import { usesSeccomp, type BackendName } from './backend.js';
import type { CallHost } from './call-host.js';
import type { IdleEvent, InterruptedEvent, ProcessEvent, SyscallEvent } from './events.js';

const INTERRUPTED: InterruptedEvent = { kind: 'interrupted' };
const IDLE: IdleEvent = { kind: 'idle' };
import { RegisterEdits, hasSetSyscallInfo, setSyscallInfo } from './register-edits.js';
import { SyscallCall } from './syscall-call.js';
import { SyscallReturn } from './syscall-return.js';
import { StopRewriter, type StopRewrite } from './stop-rewrite.js';
import { ThreadState, type PendingExit } from './thread-state.js';
import { TraceeIO } from '@umview/ptrace-multi';

export interface SyscallTracerOptions {
  /** How syscalls stop (default 'seccomp'). */
  backend?: BackendName;
  /** Which syscalls stop, for the seccomp backends (default: all of them). Under
   * 'ptrace-syscall' every syscall stops anyway and handlers see every call. */
  filter?: SyscallFilter;
  /** How syscall data moves (default: ptrace-multi's TraceeIO, batched). */
  io?: DataIOFactory;
  /**
   * A second stage for the seccomp filter, where a call's memory can be read: called at each
   * seccomp stop before anything else, it returns true for a call the handler has nothing to
   * do with, which then goes on at once (counted in `calls`, never reported). A filter can only
   * pick calls by number and register values; this picks them by what their pointers point at
   * (a path no module serves), and saves the handler's work for the common case. It may also
   * rewrite a path argument before letting the call go (`rewrite`: at once when
   * `rewrite.allowed`, the call needing no exit stop under `restoreArguments`, or being put
   * back only if the kernel restarts it; otherwise after
   * `rewrite.toExit()`, which takes the exit stop here to put the arguments back and hands the
   * result to the hook), counted in `rewrittenAtStop`; or answer it there without running it
   * (`rewrite.skip`, counted in `skipped` too).
   */
  letThrough?: (tracee: Tracee, nr: number, args: ArrayLike<bigint>, rewrite: StopRewrite) => boolean;
  /**
   * Whether a rewritten call (setArg, placeString, placeBytes) has its argument registers and
   * the memory below the stack put back after it runs, at an exit stop of its own. 'always'
   * (the default) keeps the syscall ABI's promise that argument registers survive a syscall.
   * 'when-restarted' does so only for execve: the other calls go on with no exit stop, their
   * rewritten registers left pointing at dead memory below the stack, as the
   * seccomp-accelerated PRoot leaves them (half the stops of a path-heavy run, for a program
   * that reads an argument register after an inline `syscall` seeing the rewritten value); a
   * call that a signal can interrupt and the kernel restart with the same registers (the open
   * family, connect, sendto, sendmsg, its number unchanged) has its registers put back if that
   * happens, at the stop that reports the interruption or at the restart, before the handler's
   * frame or the restarted call can see them (`putBackAtRestart` counts them). An exit stop
   * taken anyway (runToExit, or every call under 'ptrace-syscall') always puts the registers
   * back.
   */
  restoreArguments?: ArgumentRestore;
}

export interface SysvmStats {
  /** ptrace stops seen, of any kind. */
  stops: number;
  /** Syscall calls reported to the handler. */
  calls: number;
  /** Of those, calls `letThrough` let go on at once, unreported. */
  letThrough: number;
  /** Of those, calls it rewrote before letting them go, or answered (StopRewrite). */
  rewrittenAtStop: number;
  /** Calls skipped (SKIPCALL), at their stop (StopRewrite.skip) too. */
  skipped: number;
  /** Exit stops the kernel reported (each one a stop that SKIPEXIT would avoid). */
  exitStops: number;
  /** Rewritten calls let go with no exit stop whose registers were put back because the
   * kernel restarted them (restoreArguments 'when-restarted'). */
  putBackAtRestart: number;
  /** Syscalls injected into tracees. */
  injected: number;
  /** Calls held (SyscallCall.hold). */
  held: number;
}

const SYSCALL_NR: RegisterName = arch.SYSCALL_NR_REGISTER;
const RESULT: RegisterName = arch.SYSCALL_RESULT_REGISTER;
const PC: RegisterName = arch.PC_REGISTER;
/** The kernel's internal "restart me" results, seen by a tracer at an exit stop (never by the
 * program): ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK. */
const ERESTARTSYS = -512n;
/** PendingExit.args of a call followed from its stop: never reported, so never read. */
const NO_ARGS: readonly bigint[] = [];

export class SyscallTracer {
  readonly backend: BackendName;
  readonly filter: SyscallFilter;
  private readonly tracer = new Tracer();
  private readonly counts: SysvmStats = { stops: 0, calls: 0, letThrough: 0, rewrittenAtStop: 0, skipped: 0, exitStops: 0, putBackAtRestart: 0, injected: 0, held: 0 };
  /** What the events need of their tracer (io, inject, addFilter), kept off its public face. */
  private readonly host: CallHost = {
    io: (tracee) => this.io(tracee),
    inject: (tracee, position, nr, args) => this.inject(tracee, position, nr, args),
    addFilter: (tracee, position, filter) => this.addFilter(tracee, position, filter),
    restoresArguments: (nr) => this.putsBack(nr),
    hold: (call) => this.hold(call),
    release: (call) => this.release(call),
  };
  private readonly ioFactory: DataIOFactory;
  private readonly letThrough: SyscallTracerOptions['letThrough'];
  private readonly argumentRestore: ArgumentRestore;
  private readonly stopRewriter = new StopRewriter((tracee) => this.io(tracee), (nr) => this.putsBack(nr));
  private readonly ios = new Map<number, DataIO>();
  private readonly threads = new Map<number, ThreadState>();
  private readonly deferredStops: Stop[] = [];
  /** Held calls, by tid: their threads stay stopped until release(). */
  private readonly heldCalls = new Map<number, SyscallCall>();
  /** What the entry of the reported return (the pending event, one at a time) left to undo.
   * A field rather than a WeakMap keyed by the return: a proxy monitor reports a return for
   * most of its calls, and a WeakMap entry for each cost a proxy-mode `find` 8 % (measured). */
  private pendingReturnExit: PendingExit | undefined;
  private readonly toStart: Tracee[] = [];
  private pending: SyscallEvent | undefined;
  private root: Tracee | undefined;
  /** How the first spawned program ended: its wait status, and the signal if one killed it. */
  private rootEnd: { status: number; signal?: number } | undefined;

  constructor(options: SyscallTracerOptions = {}) {
    this.backend = options.backend ?? 'seccomp';
    this.filter = options.filter ?? SyscallFilter.all();
    this.ioFactory = options.io ?? ((tracee) => new TraceeIO(tracee));
    this.letThrough = options.letThrough;
    this.argumentRestore = options.restoreArguments ?? 'always';
    // The tracer's fast lane: such a call is let go at the wait itself, with no Stop made.
    if (this.letThrough && usesSeccomp(this.backend)) this.tracer.letThrough = (tracee, nr, args, sp) => this.passes(tracee, nr, args, sp);
  }

  /** Starts a program under this tracer. It stays stopped until events() is iterated. */
  spawn(program: string, args: readonly string[] = [], options: SpawnOptions = {}): Tracee {
    const filterAtSpawn = usesSeccomp(this.backend) && !this.filter.isEmpty && options.seccompFilter === undefined;
    const tracee = this.tracer.spawn(program, args, filterAtSpawn ? withFilterAtSpawn(options, this.filter) : options);
    try {
      // Refused here, before the program runs, rather than at the first rewrite mid-run.
      if (this.backend === 'seccomp-setinfo' && this.root === undefined && !hasSetSyscallInfo(tracee)) {
        throw new Error(`the 'seccomp-setinfo' backend needs PTRACE_SET_SYSCALL_INFO (Linux 6.16 or later), which this kernel lacks: use 'seccomp'`);
      }
      if (usesSeccomp(this.backend) && !(filterAtSpawn && tracee.seccompFilterInstalled === true)) this.prepareSeccomp(tracee);
    } catch (error) {
      tracee.kill();
      throw error;
    }
    this.root ??= tracee;
    this.toStart.push(tracee);
    return tracee;
  }

  /** A copy of the counters so far. */
  get stats(): Readonly<SysvmStats> {
    return { ...this.counts };
  }

  /** The shell-style exit status of the first spawned program, once it has exited. */
  get exitStatus(): number | undefined {
    return this.rootEnd && shellExitCode(this.rootEnd.status);
  }

  /** The signal that killed the first spawned program, if one did (exitStatus is then 128 + it;
   * a program that exited with that status was not killed). */
  get exitSignal(): number | undefined {
    return this.rootEnd?.signal;
  }

  /** How many calls are held now (SyscallCall.hold). */
  get heldCount(): number {
    return this.heldCalls.size;
  }

  /** Every syscall call, requested return and process event, until no tracee is left. With
   * `interruptible`, an 'interrupted' event when a signal handler interrupted the wait. With
   * `idle`, the wait does not block while calls are held: when no stop is ready, an 'idle' event
   * (while none is held, the wait blocks as usual). Without it, a tracer whose handlers hold
   * calls must release them from other events' handlers: the wait blocks. */
  events(options?: { interruptible?: false; idle?: false }): Generator<SyscallEvent, void, undefined>;
  events(options: { interruptible: true; idle?: false }): Generator<SyscallEvent | InterruptedEvent, void, undefined>;
  events(options: { interruptible?: false; idle: true }): Generator<SyscallEvent | IdleEvent, void, undefined>;
  events(options: { interruptible: true; idle: true }): Generator<SyscallEvent | InterruptedEvent | IdleEvent, void, undefined>;
  *events(options: { interruptible?: boolean; idle?: boolean } = {}): Generator<SyscallEvent | InterruptedEvent | IdleEvent, void, undefined> {
    for (const tracee of this.toStart.splice(0)) this.resume(tracee);
    for (;;) {
      if (this.pending) {
        const event = this.pending;
        this.pending = undefined;
        this.finish(event);
      }
      const deferred = this.deferredStops.shift();
      const nonBlocking = options.idle === true && this.heldCalls.size > 0;
      const stop = deferred ?? this.tracer.wait({ interruptible: true, nonBlocking });
      if (stop === 'interrupted') {
        if (options.interruptible) yield INTERRUPTED;
        continue;
      }
      if (!stop) {
        // A non-blocking wait found nothing ready: held threads (live tracees) remain.
        if (nonBlocking && this.tracer.tracees.size > 0) {
          yield IDLE;
          continue;
        }
        return;
      }
      this.counts.stops++;
      let event: SyscallEvent | undefined;
      try {
        // A stop from the tracer's wait has been through letThrough already (the fast lane).
        event = this.handle(stop, deferred !== undefined || this.tracer.letThrough === undefined);
      } catch (error) {
        // Killed at the stop while we handled it (an exit stop's registers put back, its
        // resume): its death is the next stop we get for it.
        if (!isTraceeGone(error)) throw error;
        continue;
      }
      if (!event) continue;
      this.pending = event;
      yield event;
    }
  }

  /** Runs every tracee to its end, calling `handler` for each event, and blocks the thread
   * until then (hence `Sync`, as in Node's fs); returns the first program's shell-style exit
   * status. A TraceeGoneError from the handler (its tracee was killed while the handler worked
   * on it) ends that event only: the death is reported next. */
  runSync(handler: (event: SyscallEvent) => void = () => {}): number {
    for (const event of this.events()) {
      try {
        handler(event);
      } catch (error) {
        if (!isTraceeGone(error)) throw error;
      }
    }
    return this.exitStatus ?? 0;
  }

  /** Kills what was spawned. */
  close(): void {
    for (const call of this.heldCalls.values()) call.holdState = 'over';
    this.heldCalls.clear();
    this.tracer.close();
  }

  /** The data I/O of a tracee (the one its events' `io` is). */
  io(tracee: Tracee): DataIO {
    let io = this.ios.get(tracee.tid);
    if (!io) {
      io = this.ioFactory(tracee);
      this.ios.set(tracee.tid, io);
    }
    return io;
  }

  // ---- for the events (CallHost) ----

  private inject(tracee: Tracee, position: StopPosition, nr: number, args: readonly (bigint | number)[]): bigint {
    this.counts.injected++;
    return injectSyscall(this.injectionContext(tracee), position, nr, args);
  }

  private addFilter(tracee: Tracee, position: StopPosition, filter: SyscallFilter): void {
    if (!usesSeccomp(this.backend)) return; // every syscall stops already
    this.counts.injected++;
    installFilter(this.injectionContext(tracee), this.io(tracee), position, tracee.getRegisters().sp, filter, { allThreads: true });
  }

  // ---- held calls ----

  private hold(call: SyscallCall): void {
    if (call.holdState === 'held') return;
    // Once carried out (the tracer went on to the next event), the thread is running again.
    if (call.holdState === 'over' || call !== this.pending) throw new Error(`SyscallCall.hold: ${call.name} of tid ${call.tid} can be held only while its handler runs`);
    call.holdState = 'held';
    this.heldCalls.set(call.tid, call);
    this.counts.held++;
  }

  private release(call: SyscallCall): void {
    if (call.holdState !== 'held' || this.heldCalls.get(call.tid) !== call) return;
    this.heldCalls.delete(call.tid);
    call.holdState = 'over';
    // Released from its own handler: the tracer has not gone on yet, and finish() skips it.
    try {
      this.finishCall(call);
    } catch (error) {
      // Killed while held (its death not waited for yet): that death is reported as usual.
      if (!isTraceeGone(error)) throw error;
    }
  }

  /** The thread `tid` died or was replaced by an exec: its held call, if any, is over. */
  private dropHeld(tid: number): void {
    const call = this.heldCalls.get(tid);
    if (call === undefined) return;
    call.holdState = 'over';
    this.heldCalls.delete(tid);
  }

  // ---- stops to events ----

  /** letThrough at the tracer's wait: only for a thread with nothing pending here (a signal
   * to requeue, an exit stop asked for), which resume() would otherwise have to see to. */
  private passes(tracee: Tracee, nr: number, args: ArrayLike<bigint>, sp: bigint): boolean | 'to-exit' {
    const thread = this.threads.get(tracee.tid);
    if (thread !== undefined) {
      if (thread.pendingSignals.length > 0 || thread.pendingExit !== undefined) return false;
      const guard = thread.restartGuard;
      if (guard?.watching === true) {
        if (guard.isRestart(nr, sp, args)) return false; // handle() puts it back
        guard.forget();
      }
    }
    if (!this.asksLetThrough(tracee, nr, args, sp)) return false;
    this.counts.stops++;
    this.counts.calls++;
    return this.stopRewriter.followedCall !== undefined ? 'to-exit' : true;
  }

  /** The letThrough hook's answer for a seccomp stop, with the StopRewrite bound to it; a call
   * the hook followed to its exit (StopRewrite.toExit) leaves what that stop must do. */
  private asksLetThrough(tracee: Tracee, nr: number, args: ArrayLike<bigint>, sp: bigint): boolean {
    const rewrite = this.stopRewriter;
    rewrite.bind(tracee, nr, args, sp);
    try {
      if (!this.letThrough!(tracee, nr, args, rewrite)) return false;
    } catch (error) {
      if (isTraceeGone(error)) return false; // its death is the next stop
      throw error;
    }
    this.counts.letThrough++;
    if (rewrite.count > 0) this.counts.rewrittenAtStop++;
    if (rewrite.skipped) {
      this.counts.skipped++;
      return true;
    }
    const followed = rewrite.followedCall;
    if (followed !== undefined) {
      // resume() sees it and takes the exit stop (PTRACE_SYSCALL); exitStop() carries it out.
      this.thread(tracee).pendingExit = { report: false, restore: followed.restore, nr, args: NO_ARGS, madeNr: nr, onReturn: followed.onReturn };
    } else if (rewrite.rewritten !== 0 && restoresAtRestart(this.argumentRestore, nr)) this.watchRestart(tracee, nr, sp, args, rewrite.values, rewrite.rewritten);
    return true;
  }

  private handle(stop: Stop, consultLetThrough: boolean): SyscallEvent | undefined {
    switch (stop.kind) {
      case 'syscall-enter':
        if (usesSeccomp(this.backend) && !this.filter.stops(stop.nr, stop.args)) {
          // Entry stops only come after a PTRACE_SYSCALL resume; not a call the filter picks.
          this.resume(stop.tracee);
          return undefined;
        }
        this.counts.calls++;
        return SyscallCall.atStop(this.host, stop.tracee, 'entry', stop.nr, stop.args, stop.sp);
      case 'seccomp': {
        this.counts.calls++;
        // A restart put back here is a new call for letThrough too (the wait's fast lane left it).
        const restarted = this.restartedArgs(stop.tracee, stop.nr, stop.sp, stop.args);
        const args = restarted ?? stop.args;
        if ((consultLetThrough || restarted !== undefined) && this.letThrough && this.asksLetThrough(stop.tracee, stop.nr, args, stop.sp)) {
          this.resume(stop.tracee);
          return undefined;
        }
        return SyscallCall.atStop(this.host, stop.tracee, 'seccomp', stop.nr, args, stop.sp);
      }
      case 'syscall-exit':
        this.counts.exitStops++;
        return this.exitStop(stop.tracee, stop.result);
      default:
        if (stop.kind === 'signal' && this.threads.get(stop.tid)?.restartGuard?.putBackIfInterrupted(stop.tracee) === true) this.counts.putBackAtRestart++;
        if (this.heldCalls.size > 0) {
          // A held thread's call is over when it dies, or when another thread's execve kills it
          // (the leader's tid then goes to the thread that exec'd).
          if (stop.kind === 'exited' || stop.kind === 'killed') this.dropHeld(stop.tid);
          else if (stop.kind === 'exec') {
            this.dropHeld(stop.tid);
            this.dropHeld(stop.formerTid);
          }
        }
        return { kind: 'process', stop, tracee: stop.tracee, deliverSignal: true } satisfies ProcessEvent;
    }
  }

  private exitStop(tracee: Tracee, result: bigint): SyscallEvent | undefined {
    const thread = this.thread(tracee);
    const pending = thread.pendingExit;
    thread.pendingExit = undefined;
    if (!pending) {
      this.resume(tracee); // an exit we did not ask to see (execve's, after spawn)
      return undefined;
    }
    if (pending.report) {
      this.pendingReturnExit = pending;
      return SyscallReturn.atExit(this.host, tracee, pending.nr, pending.args, result);
    }
    const edits = this.restoreEdits(pending);
    if (pending.skipResult !== undefined) edits.set(RESULT, pending.skipResult);
    edits.apply(tracee);
    pending.scratch?.restore();
    pending.onReturn?.(result);
    this.resume(tracee);
    return undefined;
  }

  // ---- carrying decisions out ----

  private finish(event: SyscallEvent): void {
    try {
      if (event.kind === 'syscall') {
        // A held call is carried out by release(); one released already, from its handler, was.
        if (event.holdState === 'not-held') this.finishCall(event);
      }
      else if (event.kind === 'syscall-return') {
        const pending = this.pendingReturnExit!;
        this.pendingReturnExit = undefined;
        this.finishReturn(event, pending);
      }
      else this.finishProcessEvent(event);
    } catch (error) {
      // The tracee died while we were at it: its exit stop reports that.
      if (!isTraceeGone(error)) throw error;
    }
  }

  private finishCall(call: SyscallCall): void {
    const { tracee } = call;
    const thread = this.thread(tracee);
    const decision = call.decision;
    const edits = new RegisterEdits();
    if (decision.kind === 'skip') {
      this.counts.skipped++;
      call.scratch?.restore();
      edits.set(SYSCALL_NR, -1n);
      if (this.backend === 'ptrace-syscall') {
        // The 2006 way: the kernel runs nothing for number -1; the result is written at the
        // exit stop that PTRACE_SYSCALL always brings.
        edits.apply(tracee);
        thread.pendingExit = { report: false, skipResult: decision.result, nr: call.nr, args: call.args, madeNr: call.nr };
        this.resume(tracee);
      } else {
        edits.set(RESULT, decision.result);
        edits.apply(tracee);
        this.resume(tracee);
      }
      return;
    }
    const restore = new Map<RegisterName, bigint>();
    /** The arguments rewritten, a bit each (RestartGuard.watch). */
    let rewritten = 0;
    if (call.rewritten) {
      if (this.backend === 'seccomp-setinfo') {
        setSyscallInfo(tracee, call.phase, call.effectiveNr, call.effectiveArgs);
      } else {
        if (call.newNr !== undefined) edits.set(SYSCALL_NR, BigInt(call.newNr));
        call.newArgs.forEach((value, i) => {
          if (value !== undefined) edits.set(arch.SYSCALL_ARG_REGISTERS[i]!, value);
        });
        edits.apply(tracee);
      }
      call.newArgs.forEach((value, i) => {
        if (value === undefined) return;
        restore.set(arch.SYSCALL_ARG_REGISTERS[i]!, call.args[i]!);
        rewritten |= 1 << i;
      });
    }
    // Arguments are put back at an exit stop taken for them, or at one taken anyway; a
    // restartable call's, if the kernel restarts it (its number as it came: the restart runs
    // the number as set).
    const restartable = restore.size > 0 && restoresAtRestart(this.argumentRestore, call.nr);
    const atRestart = restartable && call.newNr === undefined;
    const putBack = ((restore.size > 0 || call.scratch !== undefined) && this.putsBack(call.nr)) || (restartable && !atRestart);
    const needExit = decision.toExit || putBack;
    if (needExit || this.backend === 'ptrace-syscall') {
      thread.pendingExit = {
        report: decision.toExit, restore, scratch: call.scratch, nr: call.effectiveNr, args: call.effectiveArgs, madeNr: call.nr,
      };
    } else if (atRestart) this.watchRestart(tracee, call.nr, call.stackPointer, call.args, call.newArgs, rewritten);
    this.resume(tracee);
  }

  private finishReturn(ret: SyscallReturn, pending: PendingExit): void {
    if (ret.restart) {
      this.restartAtExit(ret, pending);
      return;
    }
    const edits = this.restoreEdits(pending);
    if (ret.newResult !== undefined) edits.set(RESULT, ret.newResult);
    edits.apply(ret.tracee);
    pending.scratch?.restore();
    this.resume(ret.tracee);
  }

  /** SyscallReturn.restartCall: the original call's number and arguments back in place, and
   * either the pc moved back onto the `syscall` instruction (run it again now) or, for a call a
   * signal interrupted, -ERESTARTSYS with the original number in orig_rax, so that the kernel's
   * signal code restarts it or fails it with EINTR as SA_RESTART says. */
  private restartAtExit(ret: SyscallReturn, pending: PendingExit): void {
    const { tracee } = ret;
    const regs = tracee.getRegisters();
    for (const [name, value] of pending.restore ?? []) regs.set(name, value);
    if (isRestartCode(ret.result)) {
      regs.set(SYSCALL_NR, BigInt(pending.madeNr));
      regs.set(RESULT, ERESTARTSYS);
    } else {
      regs.set(PC, regs.get(PC) - BigInt(arch.SYSCALL_INSTRUCTION_SIZE));
      regs.set(RESULT, BigInt(pending.madeNr));
    }
    tracee.setRegisters(regs);
    pending.scratch?.restore();
    this.resume(tracee);
  }

  private finishProcessEvent(event: ProcessEvent): void {
    const { stop, tracee } = event;
    switch (stop.kind) {
      case 'exited':
      case 'killed':
        this.threads.delete(stop.tid);
        this.ios.delete(stop.tid);
        if (stop.tracee === this.root) this.rootEnd = { status: stop.status, ...(stop.kind === 'killed' && { signal: stop.signal }) };
        return;
      case 'group-stop':
        tracee.listen(); // stay stopped, as job control wants; SIGCONT is reported
        return;
      case 'signal':
        this.resume(tracee, event.deliverSignal ? stop.signal : 0, true);
        return;
      case 'exec': {
        this.ios.delete(stop.tid);
        if (stop.formerTid !== stop.tid) {
          this.ios.delete(stop.formerTid);
          const former = this.threads.get(stop.formerTid);
          this.threads.delete(stop.formerTid);
          if (former) this.threads.set(stop.tid, former);
        }
        // The old image is gone: registers to restore and scratch memory belonged to it (the new
        // image's registers, rdx above all, must stay as the kernel set them).
        const thread = this.thread(tracee);
        thread.restartGuard?.forget();
        const pending = thread.pendingExit;
        if (pending) {
          pending.restore = undefined;
          pending.scratch = undefined;
          // An exit stop taken only to put them back has nothing left to do: the execve
          // succeeded, and the thread goes on without it (one stop less an exec: a shell loop's
          // fork+exec makes 12). One whose return a hook asked for is still taken.
          if (!pending.report && pending.onReturn === undefined && this.backend !== 'ptrace-syscall') thread.pendingExit = undefined;
        }
        this.resume(tracee);
        return;
      }
      default:
        this.resume(tracee);
    }
  }

  /** Resumes a tracee the way the backend wants: PTRACE_SYSCALL when an exit stop is needed
   * (always under 'ptrace-syscall'), PTRACE_CONT otherwise.
   *
   * Signals that arrived while a syscall was injected (kept in pendingSignals) are delivered
   * here. Only a signal-delivery-stop can deliver one with the resume itself: from a seccomp
   * stop or another event stop the kernel ignores a resume's signal, so the signals are put
   * back in the thread's queue (tgkill) and come back as signal-delivery-stops of their own. */
  private resume(tracee: Tracee, signal = 0, atSignalStop = false): void {
    const thread = this.thread(tracee);
    let sig = signal;
    if (thread.pendingSignals.length > 0) {
      if (atSignalStop && sig === 0) sig = thread.pendingSignals.shift()!;
      for (const kept of thread.pendingSignals.splice(0)) requeueSignal(tracee, kept);
    }
    if (this.backend === 'ptrace-syscall' || thread.pendingExit) tracee.syscall(sig);
    else tracee.cont(sig);
  }

  /** Whether a rewritten call `nr` has its arguments put back at an exit stop
   * (restoreArguments). */
  private putsBack(nr: number): boolean {
    return restoresAtExit(this.argumentRestore, nr);
  }

  /** A restartable call let go rewritten with no exit stop: watched until the thread's next
   * seccomp stop, to be put back if the kernel restarts it (restart-guard.ts). */
  private watchRestart(tracee: Tracee, nr: number, sp: bigint, own: ArrayLike<bigint>, values: ArrayLike<bigint | undefined>, rewritten: number): void {
    const thread = this.thread(tracee);
    (thread.restartGuard ??= new RestartGuard()).watch(nr, sp, own, values, rewritten);
  }

  /** At a seccomp stop: the program's own arguments, put back, when it is a call of the thread
   * let go rewritten and now restarted by the kernel with no stop in between; undefined
   * otherwise (and a watched call is over). */
  private restartedArgs(tracee: Tracee, nr: number, sp: bigint, args: readonly bigint[]): bigint[] | undefined {
    const guard = this.threads.get(tracee.tid)?.restartGuard;
    if (guard?.watching !== true) return undefined;
    if (!guard.isRestart(nr, sp, args)) {
      guard.forget();
      return undefined;
    }
    this.counts.putBackAtRestart++;
    return guard.putBackAtRestart(tracee);
  }

  private restoreEdits(pending: PendingExit): RegisterEdits {
    const edits = new RegisterEdits();
    for (const [name, value] of pending.restore ?? []) edits.set(name, value);
    return edits;
  }

  private thread(tracee: Tracee): ThreadState {
    let state = this.threads.get(tracee.tid);
    if (!state) {
      state = new ThreadState();
      this.threads.set(tracee.tid, state);
    }
    return state;
  }

  private injectionContext(tracee: Tracee): InjectionContext {
    return {
      tracer: this.tracer,
      tracee,
      pendingSignals: this.thread(tracee).pendingSignals,
      deferredStops: this.deferredStops,
    };
  }

  /** Installs the filter right after exec: at execve's own exit stop, before the dynamic
   * loader runs, so that no syscall of the program escapes it (where the spawn trampoline could
   * not install it: filter/at-spawn.ts). */
  private prepareSeccomp(tracee: Tracee): void {
    // Nothing to stop: no filter at all, so that the tracee's syscalls keep the kernel's fast
    // path (a filter, even one that allows everything, costs every syscall its slow entry).
    if (this.filter.isEmpty) return;
    tracee.syscall();
    const stop = this.tracer.waitFor(tracee);
    if (stop.kind !== 'syscall-exit') throw new Error(`expected execve's exit stop after spawn, got ${stop.kind}`);
    installFilter(this.injectionContext(tracee), this.io(tracee), 'exit', tracee.getRegisters().sp, this.filter);
    this.counts.injected++;
  }
}

/** Queues a signal to a thread again (its sender's details are lost: it arrives from the
 * monitor, SI_TKILL, as a signal re-sent by a tracer does). */
function requeueSignal(tracee: Tracee, signal: number): void {
  try {
    tracee.signal(signal);
  } catch (error) {
    if (!isTraceeGone(error)) throw error;
  }
}
