// The debug engine: the state of one debuggee and the commands of the session, on the tracer
// thread. It composes the run control (all-stop, stepping over breakpoints), the breakpoints,
// the loaded modules and the stack, and turns what happens into events for the session.
import { writeSync } from 'node:fs';
import { TraceeGoneError, describeStop, signalName, type Stop, type Tracee, type Tracer } from '@umview/ptrace-core';
import { functionAddresses } from '../breakpoints/locations.js';
import { SoftwareBreakpoints } from '../breakpoints/software-breakpoints.js';
import { UserBreakpoints } from '../breakpoints/user-breakpoints.js';
import { LOADER_OWNER, LoaderHook } from '../modules/loader-hook.js';
import { ModuleMap } from '../modules/module-map.js';
import { describeFrame } from '../stack/frame-description.js';
import { unwindThread } from '../stack/call-stack.js';
import { LineStep, type StepContext } from '../stepping/line-step.js';
import { stepOut } from '../stepping/step-out.js';
import type { UnwindResult } from '../symbols/index.js';
import type {
  BreakpointState, EngineApi, EngineEvent, ExceptionDetails, FunctionBreakpointSpec, LaunchPlan, LaunchResult, ProcessInfo,
  SourceBreakpointSpec, StackTraceResult, StartOptions, ThreadInfo,
} from './protocol.js';
import { RunControl, type RunControlHost, type StopReport } from './run-control.js';
import { describeSignal } from './signals.js';
import type { ThreadState } from './thread-state.js';

type Origin = 'launched' | 'attached';

/** UMVIEW_DAP_TRACE=1 logs every stop to stderr. */
const TRACE = process.env.UMVIEW_DAP_TRACE === '1';

export class Engine implements EngineApi, RunControlHost {
  private readonly breakpoints: SoftwareBreakpoints;
  private readonly run: RunControl;
  private readonly modules = new ModuleMap();
  private readonly userBreakpoints: UserBreakpoints;
  private readonly loaderHook = new LoaderHook();
  private origin: Origin | undefined;
  /** Unwound stacks of the current stop, by thread. */
  private readonly stacks = new Map<number, UnwindResult>();
  /** disconnect() was asked: the end of the debuggee is not reported as an exit. */
  private disconnecting = false;

  constructor(private readonly tracer: Tracer, private readonly emit: (event: EngineEvent) => void) {
    this.breakpoints = new SoftwareBreakpoints(() => this.run.anyThread());
    this.run = new RunControl(this.breakpoints, this);
    this.userBreakpoints = new UserBreakpoints(this.breakpoints);
  }

  // ---- EngineApi ----

  launch(plan: LaunchPlan): LaunchResult {
    this.assertNoProcess();
    const tracee = this.tracer.spawn(plan.program, plan.args, {
      cwd: plan.cwd, env: [...plan.env], stdin: 'ignore', stdout: 'pipe', stderr: 'pipe',
    });
    this.origin = 'launched';
    this.adopt(tracee.pid, [tracee]);
    return { ...this.processInfo(), stdio: { stdout: tracee.stdio.stdout, stderr: tracee.stdio.stderr } };
  }

  attach(pid: number): ProcessInfo {
    this.assertNoProcess();
    if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`invalid pid ${pid}`);
    const leader = this.tracer.attach(pid);
    this.origin = 'attached';
    this.adopt(leader.pid, [...this.tracer.tracees.values()].filter((tracee) => tracee.pidIfKnown === leader.pid));
    return this.processInfo();
  }

  setSourceBreakpoints(path: string, specs: readonly SourceBreakpointSpec[]): BreakpointState[] {
    return this.userBreakpoints.setSourceBreakpoints(path, specs);
  }

  setFunctionBreakpoints(specs: readonly FunctionBreakpointSpec[]): BreakpointState[] {
    return this.userBreakpoints.setFunctionBreakpoints(specs);
  }

  start(options: StartOptions): void {
    this.assertStopped();
    const leader = this.run.threads.get(this.run.processId)!;
    if (options.stopOnEntry) {
      this.stopped({ reason: this.origin === 'attached' ? 'pause' : 'entry', thread: leader });
      return;
    }
    const main = options.stopAtMain ? this.mainBody() : undefined;
    if (main === undefined) {
      if (options.stopAtMain) this.log('stopAtMain: the program has no function main; running on');
      this.run.resumeAll();
      return;
    }
    this.run.runUntil({ thread: leader, address: main, accept: () => true, reached: () => this.run.report({ reason: 'entry', thread: leader }) });
  }

  continue(): void {
    this.assertStopped();
    this.stacks.clear();
    this.run.resumeAll();
  }

  next(threadId: number): void {
    new LineStep(this.stepContext(), this.stoppedThread(threadId), 'over').start();
  }

  stepIn(threadId: number): void {
    new LineStep(this.stepContext(), this.stoppedThread(threadId), 'into').start();
  }

  stepOut(threadId: number): void {
    stepOut(this.stepContext(), this.stoppedThread(threadId));
  }

  pause(): void {
    this.run.pause();
  }

  threads(): ThreadInfo[] {
    const pid = this.run.processId;
    return [...this.run.threads.values()]
      .sort((a, b) => a.tid - b.tid)
      .map((thread) => ({ id: thread.tid, name: thread.name(pid) }));
  }

  stackTrace(threadId: number, startFrame: number, levels: number): StackTraceResult {
    const thread = this.stoppedThread(threadId);
    let stack = this.stacks.get(threadId);
    if (stack === undefined) {
      stack = unwindThread(thread.tracee, this.modules);
      this.stacks.set(threadId, stack);
    }
    const end = levels > 0 ? startFrame + levels : stack.frames.length;
    const frames = stack.frames.slice(startFrame, end).map((frame) => describeFrame(frame, this.modules));
    return { frames, totalFrames: stack.frames.length };
  }

  exceptionInfo(threadId: number): ExceptionDetails | undefined {
    const last = this.run.threads.get(threadId)?.lastSignal;
    return last === undefined ? undefined : { id: signalName(last.signal), description: describeSignal(last.signal, last.info) };
  }

  terminate(): void {
    if (!this.run.hasProcess) return;
    this.run.anyThread().kill();
  }

  disconnect(terminateDebuggee: boolean | undefined): void {
    if (!this.run.hasProcess) {
      this.emit({ type: 'disconnected' });
      return;
    }
    this.disconnecting = true;
    if (terminateDebuggee ?? this.origin === 'launched') {
      this.run.anyThread().kill(); // its exit (processExited) completes the disconnect
      return;
    }
    this.run.detach(() => {
      this.afterProcess();
      this.emit({ type: 'disconnected' });
    });
  }

  // ---- RunControlHost ----

  breakpointHit(thread: ThreadState, address: bigint): StopReport | undefined {
    const owners = this.breakpoints.ownersAt(address);
    if (owners === undefined) return undefined; // removed meanwhile: it was ours, and is gone
    if (owners.has(LOADER_OWNER) && this.loaderHook.isConsistent(thread.tracee)) this.refreshModules();
    const hit = this.userBreakpoints.hit(owners);
    return hit === undefined ? undefined : { reason: hit.reason, thread, hitBreakpointIds: hit.ids };
  }

  execed(): void {
    this.modules.clear();
    this.loadProcess();
  }

  stopped(report: StopReport): void {
    this.stacks.clear();
    this.emit({
      type: 'stopped', reason: report.reason, threadId: report.thread.tid,
      ...(report.description === undefined ? {} : { description: report.description, text: report.text }),
      ...(report.hitBreakpointIds === undefined ? {} : { hitBreakpointIds: report.hitBreakpointIds }),
    });
  }

  threadStarted(thread: ThreadState): void {
    this.emit({ type: 'thread', reason: 'started', threadId: thread.tid });
  }

  threadExited(tid: number): void {
    this.stacks.delete(tid);
    this.emit({ type: 'thread', reason: 'exited', threadId: tid });
  }

  processExited(exitCode: number, signal: number | undefined): void {
    const wasDisconnecting = this.disconnecting;
    this.afterProcess();
    if (wasDisconnecting) this.emit({ type: 'disconnected' });
    else this.emit({ type: 'exited', exitCode, ...(signal === undefined ? {} : { signal: signalName(signal) }) });
  }

  /** Sees every stop first; exceptions must not kill the tracer thread. */
  onStop(stop: Stop): void {
    // writeSync: the worker's event loop never runs (it waits in waitpid), so stream writes would never leave.
    if (TRACE) writeSync(2, `umview-dap engine: ${describeStop(stop)}\n`);
    try {
      this.run.onStop(stop);
    } catch (error) {
      if (error instanceof TraceeGoneError) return; // its exit is the next stop
      this.log(`internal error on a stop of thread ${stop.tid}: ${(error as Error).stack ?? error}`);
      // Whatever was going on is abandoned; if everything is stopped, say so, or the user
      // would wait for a stop that never comes.
      const thread = this.run.threads.get(stop.tid) ?? this.run.threads.get(this.run.processId);
      if (this.run.isStopped && thread !== undefined) {
        const text = `internal error: ${(error as Error).message}`;
        this.stopped({ reason: 'pause', thread, description: text, text });
      }
    }
  }

  // ---- internals ----

  private adopt(pid: number, tracees: readonly Tracee[]): void {
    this.disconnecting = false;
    this.run.adopt(pid, tracees);
    this.loadProcess();
  }

  /** Reads the modules of a new address space, plants the loader hook and the breakpoints. */
  private loadProcess(): void {
    this.modules.refresh(this.run.anyThread());
    this.loaderHook.install(this.modules, this.breakpoints);
    for (const breakpoint of this.userBreakpoints.attachTo(this.modules.all)) this.emit({ type: 'breakpoint', breakpoint });
  }

  private refreshModules(): void {
    const { added, removed } = this.modules.refresh(this.run.anyThread());
    if (added.length === 0 && removed.length === 0) return;
    for (const breakpoint of this.userBreakpoints.modulesLoaded(this.modules.all, added, removed)) {
      this.emit({ type: 'breakpoint', breakpoint });
    }
  }

  private afterProcess(): void {
    this.disconnecting = false;
    this.origin = undefined;
    this.stacks.clear();
    this.userBreakpoints.detach();
    this.breakpoints.reset();
    this.modules.clear();
  }

  /** The run-time address of main's body (after its prologue when there is DWARF). */
  private mainBody(): bigint | undefined {
    const main = this.modules.mainExecutable;
    const address = main === undefined ? undefined : functionAddresses(main, 'main')[0];
    return address === undefined ? undefined : address + main!.bias;
  }

  private processInfo(): ProcessInfo {
    return { pid: this.run.processId, program: this.modules.mainExecutable?.path, threads: this.threads() };
  }

  private stepContext(): StepContext {
    this.stacks.clear();
    return { run: this.run, modules: this.modules, breakpoints: this.breakpoints };
  }

  private stoppedThread(threadId: number): ThreadState {
    this.assertStopped();
    const thread = this.run.threads.get(threadId);
    if (thread === undefined) throw new Error(`no thread ${threadId}`);
    return thread;
  }

  private assertStopped(): void {
    if (!this.run.hasProcess) throw new Error('there is no debuggee');
    if (!this.run.isStopped) throw new Error('the debuggee is running');
  }

  private assertNoProcess(): void {
    if (this.run.hasProcess) throw new Error('this session already has a debuggee');
  }

  private log(text: string): void {
    this.emit({ type: 'log', text });
  }
}
