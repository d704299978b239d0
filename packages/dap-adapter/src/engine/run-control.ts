// Run control of an all-stop debugger: every thread runs, or every thread is stopped.
//
// Everything is driven by stops, on the tracer thread: a command starts an activity (run
// everything, step one thread one instruction, run to an address, stop everything) and returns;
// each stop that waitpid reports moves the activity on, until it ends with a report to the user
// or with the debuggee running again. No stop ever waits for a message round trip.
//
// Invariants:
// - Controllers (line stepping, step out) run their callbacks only when every thread is stopped.
// - A thread is resumed over an int3 of ours only by single-stepping it alone, with the original
//   byte put back for that one instruction, while every other thread is stopped.
// - A breakpoint SIGTRAP is never delivered to the debuggee.
import { isTraceeGone, signalName, type Registers, type Stop, type SyscallEnterStop, type Tracee } from '@umview/ptrace-core';
import { readProcStatusField } from '@umview/ptrace-core/internal';
import type { SoftwareBreakpoints } from '../breakpoints/software-breakpoints.js';
import type { StopReason } from './protocol.js';
import { describeSignal, signalStops } from './signals.js';
import { classifyStop, type ThreadEvent, type WatchTrapTest } from './thread-events.js';
import { ThreadState, type PendingSignalReport, type ResumeMode } from './thread-state.js';

/** Owner of the temporary breakpoints of steps. */
export const STEP_OWNER = 'step';

export interface StopReport {
  readonly reason: StopReason;
  readonly thread: ThreadState;
  readonly description?: string;
  readonly text?: string;
  readonly hitBreakpointIds?: readonly number[];
}

/** What the run control asks of the engine. */
export interface RunControlHost {
  /** A running thread executed one of our breakpoints: a report if the user must see it. */
  breakpointHit(thread: ThreadState, address: bigint): StopReport | undefined;
  /** A thread exec'd: the address space is new (breakpoints and modules are gone). */
  execed(thread: ThreadState): void;
  /** Every thread is stopped, and this is why. */
  stopped(report: StopReport): void;
  threadStarted(thread: ThreadState): void;
  threadExited(tid: number): void;
  /** The last thread is gone; `exitCode` is the shell's (128 + signal when killed). */
  processExited(exitCode: number, signal: number | undefined): void;
  /** A running thread is about to make a system call (only while `traceSyscalls`): a report if it must stop. */
  syscallEntered(thread: ThreadState, stop: SyscallEnterStop): StopReport | undefined;
  /** A SIGTRAP that is none of our int3s: whether a data breakpoint's debug register fired. */
  watchTrap?(thread: ThreadState): boolean;
  /** A data breakpoint fired in `thread` (the access is done): a report if the user must see it. */
  dataBreakpointHit?(thread: ThreadState): StopReport | undefined;
  /** A new thread's first stop, before it runs (its debug registers are written there). */
  threadReady?(thread: ThreadState): void;
  /** Every thread is stopped and about to be let go: what is armed in them goes (debug registers). */
  beforeDetach?(): void;
  /**
   * A process the debuggee forked, with our int3s taken out of it: a fork child at its parent's
   * fork event (before its own first stop, which its new owner receives), a vfork child at its
   * exec, when it no longer shares our memory (stopped). Only while `followChildren`. True when
   * the host took it over (it is traced by another engine from now on); false lets it go.
   */
  adoptChild?(child: Tracee, how: 'fork' | 'vfork'): boolean;
}

/** Where a step runs to: `thread` reaching `address` with `accept` true (the frame check). */
export interface RunTarget {
  readonly thread: ThreadState;
  readonly address: bigint;
  readonly accept: (registers: Registers) => boolean;
  readonly reached: () => void;
}

type Activity =
  | { readonly kind: 'none' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'running'; readonly target: RunTarget | undefined }
  | { readonly kind: 'stepping'; readonly thread: ThreadState; readonly done: () => void }
  | { readonly kind: 'stopping'; readonly then: () => void }
  | { readonly kind: 'detaching'; readonly waiting: Set<ThreadState>; readonly done: () => void };

export class RunControl {
  readonly threads = new Map<number, ThreadState>();
  private activity: Activity = { kind: 'none' };
  private pid = 0;
  /** A breakpoint taken out for one thread to step over it, put back when that thread stopped. */
  private lifted: bigint | undefined;
  /** Processes forked by the debuggee, traced automatically: detached at their first stop. */
  private readonly foreignChildren = new Map<number, 'fork' | 'vfork' | 'clone'>();
  /** Resume running threads with PTRACE_SYSCALL (a syscall catchpoint is set), not PTRACE_CONT. */
  traceSyscalls = false;
  /** Hand forked processes to the host (followFork) instead of letting them go. */
  followChildren = false;
  /** vfork children run (traced, untouched) to their exec, where the host takes them over. */
  private readonly vforkChildren = new Set<number>();

  /** The host's data-breakpoint test of a SIGTRAP, bound once (not a closure made at every stop). */
  private readonly watchTrap: WatchTrapTest | undefined;

  constructor(private readonly breakpoints: SoftwareBreakpoints, private readonly host: RunControlHost) {
    this.watchTrap = host.watchTrap?.bind(host);
  }

  get processId(): number {
    return this.pid;
  }

  get hasProcess(): boolean {
    return this.activity.kind !== 'none';
  }

  /** Every thread is stopped and the user knows it (or has not started the debuggee yet). */
  get isStopped(): boolean {
    return this.activity.kind === 'stopped';
  }

  /** A live thread, for memory access (the leader while it lives). */
  anyThread(): Tracee {
    const thread = this.threads.get(this.pid) ?? this.threads.values().next().value;
    if (thread === undefined) throw new Error('the debuggee has no live thread');
    return thread.tracee;
  }

  /**
   * Signals to pass on once without a stop: the debugger's own (terminate's SIGTERM, which the
   * program may handle), not something that happened to the program.
   */
  private readonly passOnceSignals = new Set<number>();

  /** The next arrival of `signal` is delivered without a stop. */
  passOnce(signal: number): void {
    this.passOnceSignals.add(signal);
  }

  /** Takes over a stopped process (just spawned or attached): every thread stopped. A forked
   * child handed over at its parent's fork event has its first stop still to come. */
  adopt(pid: number, tracees: readonly Tracee[], firstStopToCome = false): void {
    this.passOnceSignals.clear();
    this.pid = pid;
    this.threads.clear();
    for (const tracee of tracees) {
      const thread = new ThreadState(tracee);
      thread.running = firstStopToCome; // resumed only once that stop has come
      this.threads.set(tracee.tid, thread);
    }
    this.activity = { kind: 'stopped' };
  }

  // ---- commands ----

  /** Lets every thread run (stepping those that sit on a breakpoint over it first). */
  resumeAll(target?: RunTarget): void {
    const reporter = [...this.threads.values()].find((thread) => thread.pendingReport !== undefined);
    if (reporter !== undefined) {
      // A fatal signal that arrived while we were stopping for something else: show it now.
      const pending = reporter.pendingReport!;
      reporter.pendingReport = undefined;
      this.breakpoints.deleteOwner(STEP_OWNER);
      this.activity = { kind: 'stopped' };
      this.host.stopped(this.signalReport(reporter, pending));
      return;
    }
    // A data breakpoint that fired while everything was being stopped for another reason: the
    // access is done and cannot happen again, so it is judged now, not lost.
    for (const watcher of this.threads.values()) {
      if (!watcher.pendingDataHit) continue;
      watcher.pendingDataHit = false;
      const report = this.host.dataBreakpointHit?.(watcher);
      if (report === undefined) continue;
      this.breakpoints.deleteOwner(STEP_OWNER);
      this.activity = { kind: 'stopped' };
      this.host.stopped(report);
      return;
    }
    const overBreakpoints = [...this.threads.values()].filter((thread) => !thread.running && this.needsStepOver(thread));
    const next = (): void => {
      const thread = overBreakpoints.shift();
      if (thread !== undefined) {
        this.stepInstruction(thread, next);
        return;
      }
      this.activity = { kind: 'running', target };
      for (const waiting of this.threads.values()) {
        if (waiting.running) continue;
        const signal = waiting.pendingSignal;
        waiting.pendingSignal = 0;
        this.resume(waiting, 'cont', signal);
      }
    };
    next();
  }

  /** Runs every thread until `target.thread` reaches `target.address` (a temporary breakpoint). */
  runUntil(target: RunTarget): void {
    this.breakpoints.add(target.address, STEP_OWNER);
    this.resumeAll(target);
  }

  /** Executes one instruction of `thread` while every other thread stays stopped. */
  stepInstruction(thread: ThreadState, done: () => void): void {
    const pc = thread.pc;
    if (this.breakpoints.isInserted(pc)) {
      this.breakpoints.suspend(pc);
      this.lifted = pc;
    }
    thread.pendingHitAt = undefined;
    this.activity = { kind: 'stepping', thread, done };
    this.resume(thread, 'step');
  }

  /**
   * Runs `change` with every thread stopped: at once when they are, otherwise after stopping a
   * running debuggee, which then runs on as it was (nothing is reported). While a single step
   * or a stop is under way, false: the caller does it at the next stop.
   */
  withAllStopped(change: () => void): boolean {
    const activity = this.activity;
    if (activity.kind === 'stopped' || activity.kind === 'none') {
      change();
      return true;
    }
    if (activity.kind !== 'running') return false;
    this.stopAll(() => {
      change();
      this.resumeAll(activity.target);
    });
    return true;
  }

  /** Stops every thread, then reports. */
  report(report: StopReport): void {
    this.breakpoints.deleteOwner(STEP_OWNER);
    this.stopAll(() => {
      if (this.threads.has(report.thread.tid)) this.host.stopped(report);
      else this.resumeAll(); // the thread died meanwhile: nothing left to show
    });
  }

  /** Reports `pause` (whatever was going on is abandoned). No-op when already stopped. */
  pause(): void {
    const activity = this.activity;
    if (activity.kind === 'none' || activity.kind === 'stopped' || activity.kind === 'detaching') return;
    const thread = activity.kind === 'stepping' ? activity.thread
      : activity.kind === 'running' && activity.target !== undefined ? activity.target.thread
      : this.threads.get(this.pid) ?? this.threads.values().next().value;
    if (thread !== undefined) this.report({ reason: 'pause', thread });
  }

  /** Removes every breakpoint and detaches from every thread, leaving the process running. */
  detach(done: () => void): void {
    this.breakpoints.deleteOwner(STEP_OWNER);
    const finish = (): void => {
      this.host.beforeDetach?.();
      try {
        this.breakpoints.writeOriginals(this.anyThread());
      } catch {
        // the process is gone
      }
      this.breakpoints.clear();
      // A thread stopped by our interrupt just after it executed an int3 still has that SIGTRAP
      // queued: detached, it would die of it. Let it take the signal while traced, first.
      const trapped = new Set([...this.threads.values()].filter((thread) => hasQueuedTrap(this.pid, thread.tid)));
      for (const thread of this.threads.values()) if (!trapped.has(thread)) this.detachThread(thread, thread.pendingReport?.signal ?? thread.pendingSignal);
      if (trapped.size === 0) {
        this.forget();
        done();
        return;
      }
      this.activity = { kind: 'detaching', waiting: trapped, done };
      for (const thread of trapped) this.resume(thread, 'cont');
    };
    if (this.activity.kind === 'stopped') finish();
    else this.stopAll(finish);
  }

  // ---- stops ----

  onStop(stop: Stop): void {
    if (stop.kind === 'exited' || stop.kind === 'killed') {
      this.onExit(stop.tid, stop.kind === 'exited' ? stop.code : 128 + stop.signal, stop.kind === 'killed' ? stop.signal : undefined);
      return;
    }
    if (this.vforkChildren.has(stop.tid)) {
      this.vforkChildStopped(stop);
      return;
    }
    const foreign = this.foreignChildren.get(stop.tid);
    if (foreign !== undefined) {
      if (foreign === 'vfork' && this.followChildren) this.followVforkChild(stop.tracee);
      else this.releaseForeignChild(stop.tracee, foreign);
      return;
    }
    const thread = this.threads.get(stop.tid);
    if (thread === undefined) {
      // Not ours (a stray child of a process we let go): let it go too.
      try {
        stop.tracee.detach(0);
      } catch {
        // gone
      }
      return;
    }
    thread.running = false;
    let event: ThreadEvent;
    try {
      event = classifyStop(stop, thread, this.breakpoints, this.watchTrap);
      if (event.kind === 'new-child') this.host.threadReady?.(thread);
    } catch (error) {
      if (isTraceeGone(error)) return; // killed meanwhile: its exit comes next
      throw error;
    }
    switch (this.activity.kind) {
      case 'running': return this.whileRunning(thread, event);
      case 'stepping': return this.whileStepping(thread, event);
      case 'detaching': return this.whileDetaching(thread, event);
      case 'stopping':
        this.hold(thread, event);
        this.checkAllStopped();
        return;
      default:
        this.hold(thread, event);
    }
  }

  private whileRunning(thread: ThreadState, event: ThreadEvent): void {
    switch (event.kind) {
      case 'breakpoint':
        return this.onBreakpoint(thread, event.address);
      case 'watch': {
        const report = this.host.dataBreakpointHit?.(thread);
        if (report !== undefined) return this.report(report);
        return this.resume(thread, 'cont');
      }
      case 'signal':
        if (this.stopsFor(event.signal)) {
          const pending = { signal: event.signal, info: event.info };
          return this.report(this.signalReport(thread, pending));
        }
        return this.resume(thread, 'cont', event.signal);
      case 'child':
        this.onChild(event.child, event.how);
        return this.resume(thread, 'cont');
      case 'exec':
        this.onExec(thread);
        return this.resume(thread, 'cont');
      case 'syscall': {
        const report = this.host.syscallEntered(thread, event.stop);
        if (report !== undefined) return this.report(report);
        return this.resume(thread, 'cont');
      }
      case 'interrupt':
        // A late interrupt of ours (the thread reported something else first): nothing to do.
        thread.interruptPending = false;
        return this.resume(thread, 'cont');
      default:
        return this.resume(thread, 'cont');
    }
  }

  private onBreakpoint(thread: ThreadState, address: bigint): void {
    thread.pendingHitAt = undefined; // this is the hit: it is taken now
    const target = this.activity.kind === 'running' ? this.activity.target : undefined;
    const report = this.host.breakpointHit(thread, address);
    if (report !== undefined) {
      this.report(report);
      return;
    }
    if (target !== undefined && target.thread === thread && target.address === address && target.accept(thread.registers())) {
      this.breakpoints.deleteOwner(STEP_OWNER);
      this.stopAll(target.reached);
      return;
    }
    // Nothing to show (a hit count not reached, the loader's hook, someone else's step
    // breakpoint): step this thread over it and let everything run on.
    this.stopAll(() => this.resumeAll(target));
  }

  private whileStepping(thread: ThreadState, event: ThreadEvent): void {
    const activity = this.activity as Extract<Activity, { kind: 'stepping' }>;
    if (thread !== activity.thread) {
      this.hold(thread, event); // a new thread's first stop: it waits with the others
      return;
    }
    switch (event.kind) {
      case 'watch': {
        // The stepped instruction made the access: a stop for the user ends whatever stepped.
        const report = this.host.dataBreakpointHit?.(thread);
        this.putBackLifted();
        this.activity = { kind: 'stopped' };
        if (report === undefined) return activity.done();
        this.breakpoints.deleteOwner(STEP_OWNER);
        return this.host.stopped(report);
      }
      case 'step':
      case 'breakpoint':
        this.putBackLifted();
        this.activity = { kind: 'stopped' };
        return activity.done();
      case 'signal':
        if (this.stopsFor(event.signal)) {
          // The instruction faulted: every other thread is already stopped.
          this.putBackLifted();
          this.breakpoints.deleteOwner(STEP_OWNER);
          this.activity = { kind: 'stopped' };
          return this.host.stopped(this.signalReport(thread, { signal: event.signal, info: event.info }));
        }
        // Delivered at the next PTRACE_CONT: delivered now, it would run its handler inside
        // this single step.
        thread.pendingSignal = event.signal;
        return this.resume(thread, 'step');
      case 'child':
        this.onChild(event.child, event.how);
        return this.resume(thread, 'step');
      case 'exec':
        this.lifted = undefined;
        this.onExec(thread);
        this.activity = { kind: 'stopped' };
        return this.resumeAll();
      case 'interrupt':
        thread.interruptPending = false;
        return this.resume(thread, 'step');
      default:
        return this.resume(thread, 'step');
    }
  }

  private whileDetaching(thread: ThreadState, event: ThreadEvent): void {
    const activity = this.activity as Extract<Activity, { kind: 'detaching' }>;
    if (!activity.waiting.delete(thread)) return this.hold(thread, event);
    const signal = event.kind === 'signal' ? event.signal : thread.pendingReport?.signal ?? thread.pendingSignal;
    this.detachThread(thread, signal);
    if (activity.waiting.size === 0) {
      this.forget();
      activity.done();
    }
  }

  private stopsFor(signal: number): boolean {
    if (this.passOnceSignals.delete(signal)) return false;
    return signalStops(signal);
  }

  /** Book-keeping for a thread that stays stopped. */
  private hold(thread: ThreadState, event: ThreadEvent): void {
    switch (event.kind) {
      case 'breakpoint':
        thread.pendingHitAt = event.address;
        break;
      case 'watch':
        thread.pendingDataHit = true;
        break;
      case 'interrupt':
        thread.interruptPending = false;
        break;
      case 'signal':
        if (this.stopsFor(event.signal)) thread.pendingReport = { signal: event.signal, info: event.info };
        else thread.pendingSignal = event.signal;
        break;
      case 'child':
        this.onChild(event.child, event.how);
        break;
      case 'exec':
        this.onExec(thread);
        break;
      default:
        break;
    }
  }

  private onChild(child: Tracee, how: 'fork' | 'vfork' | 'clone'): void {
    if (how === 'clone' && pidOf(child) === this.pid) {
      const thread = new ThreadState(child);
      thread.running = true; // until its first stop arrives
      this.threads.set(child.tid, thread);
      this.host.threadStarted(thread);
    } else if (how === 'fork' && this.followChildren) {
      this.followForkChild(child);
    } else {
      this.foreignChildren.set(child.tid, how);
    }
  }

  /** Whether this engine holds `tid`: one of its threads, or a child not yet handed over. */
  owns(tid: number): boolean {
    return this.threads.has(tid) || this.foreignChildren.has(tid) || this.vforkChildren.has(tid);
  }

  /**
   * followFork, at the parent's fork event: the child has not run a line yet and has a copy of
   * our int3s, taken out here; it is handed over now, before the parent runs on (so that its
   * session is announced before anything the parent does next, its exit included), and its
   * first stop goes to its new engine.
   */
  private followForkChild(child: Tracee): void {
    try {
      this.breakpoints.writeOriginals(child);
    } catch (error) {
      if (isTraceeGone(error)) return; // killed already: its exit is a stray's
      throw error;
    }
    if (!this.host.adoptChild?.(child, 'fork')) this.foreignChildren.set(child.tid, 'fork'); // let go at its first stop
  }

  /** followFork, at a vfork child's first stop: it shares our memory (and the parent waits for
   * it in the kernel), so it runs untouched to its exec, and is handed over there. */
  private followVforkChild(child: Tracee): void {
    this.foreignChildren.delete(child.tid);
    this.vforkChildren.add(child.tid);
    try {
      child.cont(0);
    } catch (error) {
      if (!isTraceeGone(error)) throw error;
    }
  }

  /** A stop of a vfork child on its way to exec: passed on, until the exec hands it over. */
  private vforkChildStopped(stop: Stop): void {
    const child = stop.tracee;
    try {
      if (stop.kind === 'exec') {
        this.vforkChildren.delete(stop.tid);
        if (!this.host.adoptChild?.(child, 'vfork')) this.detachChild(child);
        return;
      }
      child.cont(stop.kind === 'signal' ? stop.signal : 0);
    } catch (error) {
      if (!isTraceeGone(error)) throw error;
    }
  }

  private detachChild(child: Tracee): void {
    try {
      child.detach(0);
    } catch {
      // it died meanwhile
    }
  }

  /** A process the debuggee started: debugging it is not asked for; it runs on untraced. */
  private releaseForeignChild(child: Tracee, how: 'fork' | 'vfork' | 'clone'): void {
    this.foreignChildren.delete(child.tid);
    try {
      // A fork child has a copy of our int3s. A vfork child shares the parent's memory: the
      // int3s must stay (it execs or exits at once, without running the parent's code).
      if (how === 'fork') this.breakpoints.writeOriginals(child);
      child.detach(0);
    } catch {
      // it died meanwhile
    }
  }

  private onExec(thread: ThreadState): void {
    this.lifted = undefined;
    this.breakpoints.reset();
    this.host.execed(thread);
  }

  private onExit(tid: number, exitCode: number, signal: number | undefined): void {
    if (this.foreignChildren.delete(tid) || this.vforkChildren.delete(tid)) return;
    const thread = this.threads.get(tid);
    if (thread === undefined) return;
    this.threads.delete(tid);
    if (tid === this.pid) {
      // The leader's exit is reported after every other thread's: the process is gone.
      const waiting = this.activity.kind === 'detaching' ? this.activity.done : undefined;
      this.forget();
      if (waiting !== undefined) waiting();
      else this.host.processExited(exitCode, signal);
      return;
    }
    this.host.threadExited(tid);
    const activity = this.activity;
    if (activity.kind === 'stopping') {
      this.checkAllStopped();
    } else if (activity.kind === 'stepping' && activity.thread === thread) {
      // The stepped thread ended (pthread_exit): the step is over, the others run on.
      this.putBackLifted();
      this.activity = { kind: 'stopped' };
      this.resumeAll();
    } else if (activity.kind === 'running' && activity.target?.thread === thread) {
      this.breakpoints.deleteOwner(STEP_OWNER);
      this.activity = { kind: 'running', target: undefined };
    } else if (activity.kind === 'detaching' && activity.waiting.delete(thread) && activity.waiting.size === 0) {
      this.forget();
      activity.done();
    }
  }

  // ---- primitives ----

  private stopAll(then: () => void): void {
    this.activity = { kind: 'stopping', then };
    for (const thread of this.threads.values()) {
      if (!thread.running) continue;
      // Sent again even if one is pending: the kernel may have dropped it when the thread
      // reported another stop first; two interrupts make one stop.
      try {
        thread.tracee.interrupt();
        thread.interruptPending = true;
      } catch (error) {
        if (!isTraceeGone(error)) throw error;
      }
    }
    this.checkAllStopped();
  }

  private checkAllStopped(): void {
    if (this.activity.kind !== 'stopping') return;
    for (const thread of this.threads.values()) if (thread.running) return;
    this.putBackLifted();
    const then = this.activity.then;
    this.activity = { kind: 'stopped' };
    then();
  }

  private resume(thread: ThreadState, mode: ResumeMode, signal = 0): void {
    thread.mode = mode;
    thread.running = true;
    if (mode === 'step') thread.stepTrapOwed = true;
    try {
      if (mode === 'step') thread.tracee.singleStep(0);
      else if (this.traceSyscalls) thread.tracee.syscall(signal);
      else thread.tracee.cont(signal);
    } catch (error) {
      // Killed meanwhile: its exit is the stop that will come.
      if (!isTraceeGone(error)) throw error;
    }
  }

  private putBackLifted(): void {
    if (this.lifted === undefined) return;
    const address = this.lifted;
    this.lifted = undefined;
    try {
      this.breakpoints.resume(address);
    } catch (error) {
      if (!isTraceeGone(error)) throw error;
    }
  }

  /** A thread resumed from one of our breakpoints must first step over it, unless its hit is
   * still to be taken (pendingHitAt). */
  private needsStepOver(thread: ThreadState): boolean {
    try {
      const pc = thread.pc;
      return this.breakpoints.isInserted(pc) && pc !== thread.pendingHitAt;
    } catch (error) {
      if (isTraceeGone(error)) return false;
      throw error;
    }
  }

  private signalReport(thread: ThreadState, pending: PendingSignalReport): StopReport {
    // Resumed, the thread gets its signal: the program's handler runs, or it dies of it.
    thread.pendingSignal = pending.signal;
    thread.lastSignal = pending;
    const text = describeSignal(pending.signal, pending.info);
    thread.lastException = { id: signalName(pending.signal), description: text, typeName: signalName(pending.signal) };
    return { reason: 'exception', thread, description: text, text };
  }

  private detachThread(thread: ThreadState, signal: number): void {
    try {
      thread.tracee.detach(signal);
    } catch {
      // gone
    }
  }

  private forget(): void {
    this.threads.clear();
    this.foreignChildren.clear();
    this.vforkChildren.clear();
    this.lifted = undefined;
    this.activity = { kind: 'none' };
  }
}

function pidOf(tracee: Tracee): number | undefined {
  try {
    return tracee.pid;
  } catch {
    return undefined;
  }
}

/** Whether SIGTRAP is queued for the thread (SigPnd in /proc/PID/task/TID/status). */
function hasQueuedTrap(pid: number, tid: number): boolean {
  const pending = readProcStatusField(pid, 'SigPnd', tid);
  return pending !== undefined && /^[0-9a-f]+$/.test(pending) && (BigInt(`0x${pending}`) & (1n << 4n)) !== 0n;
}
