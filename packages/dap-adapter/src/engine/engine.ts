// The debug engine: the state of one debuggee and the commands of the session, on the tracer
// thread. It composes the run control (all-stop, stepping over breakpoints), the breakpoints,
// the loaded modules and the stack, and turns what happens into events for the session.
import { writeSync } from 'node:fs';
import { constants } from 'node:os';
import {
  DEFAULT_PTRACE_OPTIONS, describeStop, isTraceeGone, signalName, syscallName, syscallNumber, type Stop, type SyscallEnterStop, type Tracee, type Tracer,
} from '@umview/ptrace-core';
import { formatSyscallEntry, signatureFor, syscallMemory } from '@umview/sysvm/format';
import { Disassembler } from '../disassembly/disassembler.js';
import { isTruthy } from '../expressions/evaluate.js';
import { FrameState, type FrameEnvironment } from '../inspect/frame-state.js';
import { Inspector } from '../inspect/inspector.js';
import { readMemory, writeMemory } from '../memory/memory-access.js';
import { formatValue } from '../values/format-value.js';
import type { HitJudge } from '../breakpoints/user-breakpoints.js';
import { functionAddresses } from '../breakpoints/locations.js';
import { SoftwareBreakpoints } from '../breakpoints/software-breakpoints.js';
import { DataBreakpoints } from '../breakpoints/data-breakpoints.js';
import { queryTarget } from '../breakpoints/data-targets.js';
import { UserBreakpoints } from '../breakpoints/user-breakpoints.js';
import { LOADER_OWNER, LoaderHook } from '../modules/loader-hook.js';
import { ModuleMap, type LoadedModule } from '../modules/module-map.js';
import { moduleChanges, modulePage } from '../modules/module-descriptions.js';
import { completionsAt } from '../inspect/completions.js';
import { GotoTargets } from '../stepping/goto-targets.js';
import { describeFrame } from '../stack/frame-description.js';
import { unwindThread } from '../stack/call-stack.js';
import { LineStep, type StepContext } from '../stepping/line-step.js';
import { stepOut } from '../stepping/step-out.js';
import type { UnwindResult } from '../symbols/index.js';
import type {
  BreakpointState, CatchpointState, DataBreakpointInfoResult, DataBreakpointQuery, DataBreakpointSpec, DisassembledInstructionInfo, EngineApi, EngineEvent,
  EvaluateDescription, EvaluationTarget, ExceptionDetails,
  CompletionCandidate, GotoTargetInfo, ModuleDescription,
  FunctionBreakpointSpec, InstructionBreakpointSpec, LaunchPlan, LaunchResult, MemoryReadResult, MemoryWriteResult, ProcessInfo,
  PrefetchResult, ScopeDescription, SourceBreakpointSpec, StackFrameInfo, StackTraceResult, StartOptions, ThreadInfo, ValueFormatOptions, VariableDescription,
} from './protocol.js';
import { RunControl, type RunControlHost, type StopReport } from './run-control.js';
import type { ThreadState } from './thread-state.js';
import { parseAddress } from '../util/hex.js';

export type Origin = 'launched' | 'attached';

/** UMVIEW_DAP_TRACE=1 logs every stop to stderr. */
const TRACE = process.env.UMVIEW_DAP_TRACE === '1';

export class Engine implements EngineApi, RunControlHost {
  private readonly breakpoints: SoftwareBreakpoints;
  private readonly run: RunControl;
  private readonly modules = new ModuleMap();
  private readonly userBreakpoints: UserBreakpoints;
  private readonly dataBreakpoints: DataBreakpoints;
  private readonly loaderHook = new LoaderHook();
  private origin: Origin | undefined;
  /** Unwound stacks of the current stop, by thread. */
  private readonly stacks = new Map<number, UnwindResult>();
  /** disconnect() was asked: the end of the debuggee is not reported as an exit. */
  private disconnecting = false;
  private readonly inspector: Inspector;
  private readonly frameEnvironment: FrameEnvironment;
  /** The thread of the last reported stop: evaluations without a frame happen there. */
  private lastStoppedThread: number | undefined;
  /** Syscall numbers a catchpoint stops at ('all' for every call), or undefined when none is set. */
  private syscallCatch: ReadonlySet<number> | 'all' | undefined;
  private disassemblyFlavor: 'att' | 'intel' = 'att';
  /** Descriptions of frames by pc, valid while the loaded modules stay the same. */
  private readonly frameDescriptions = new Map<string, StackFrameInfo>();
  /** The terminal launcher between seizeLauncher and execLauncher. */
  private launcher: Tracee | undefined;
  private readonly gotoTargetList = new GotoTargets();
  /** followFork: who takes over a forked child (the engine host, see fork-follower.ts). */
  childFollower: ((child: Tracee, origin: Origin, how: 'fork' | 'vfork') => boolean) | undefined;

  constructor(private readonly tracer: Tracer, private readonly emit: (event: EngineEvent) => void) {
    this.breakpoints = new SoftwareBreakpoints(() => this.run.anyThread());
    this.run = new RunControl(this.breakpoints, this);
    this.userBreakpoints = new UserBreakpoints(this.breakpoints);
    this.dataBreakpoints = new DataBreakpoints({
      threads: () => this.run.threads.values(), hasProcess: () => this.run.hasProcess,
      breakpoints: this.breakpoints, nextId: () => this.userBreakpoints.allocateId(), withAllStopped: (change) => this.run.withAllStopped(change),
    });
    this.frameEnvironment = {
      modules: this.modules,
      breakpoints: this.breakpoints,
      registersChanged: (tid) => this.stacks.delete(tid),
    };
    this.inspector = new Inspector({
      ...this.frameEnvironment,
      stack: (threadId) => this.stackOf(threadId),
      tracee: (threadId) => this.stoppedThread(threadId).tracee,
    }, this.modules);
  }

  // ---- EngineApi ----

  launch(plan: LaunchPlan): LaunchResult {
    this.assertNoProcess();
    const [stdin, stdout, stderr] = plan.stdio;
    const tracee = this.tracer.spawn(plan.program, plan.args, {
      cwd: plan.cwd, env: [...plan.env], stdin: stdin ?? 'ignore', stdout: stdout ?? 'pipe', stderr: stderr ?? 'pipe',
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

  seizeLauncher(pid: number): void {
    this.assertNoProcess();
    if (this.launcher !== undefined) throw new Error('a terminal launcher is already seized');
    if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`invalid pid ${pid}`);
    // Only the thread that execs: the launcher's other threads (Node's) end with the exec, and
    // nothing it starts before then is followed. Killed with the adapter, as a launched program is.
    this.launcher = this.tracer.attach(pid, { allThreads: false, followChildren: false, exitKill: true });
  }

  execLauncher(): LaunchResult {
    const tracee = this.launcher;
    if (tracee === undefined) throw new Error('no terminal launcher is seized');
    this.launcher = undefined;
    let signal = 0;
    for (;;) {
      tracee.cont(signal);
      signal = 0;
      const stop = this.tracer.waitFor(tracee);
      if (stop.kind === 'exec') break;
      if (stop.kind === 'exited') throw new Error(`the terminal launcher exited with status ${stop.code} before starting the program`);
      if (stop.kind === 'killed') throw new Error(`the terminal launcher was killed by ${signalName(stop.signal)} before starting the program`);
      // A signal for the launcher (the terminal resized, ^C): delivered as it would be untraced.
      if (stop.kind === 'signal') signal = stop.signal;
    }
    // From here on the program is followed as a launched one is: its threads and children.
    tracee.setOptions(DEFAULT_PTRACE_OPTIONS);
    this.origin = 'launched';
    this.adopt(tracee.pid, [tracee]);
    return { ...this.processInfo(), stdio: {} };
  }

  releaseLauncher(): void {
    const tracee = this.launcher;
    this.launcher = undefined;
    if (tracee === undefined) return;
    try {
      tracee.detach();
    } catch {
      // gone already
    }
  }

  followChildren(on: boolean): void {
    this.run.followChildren = on && this.childFollower !== undefined;
  }

  /** A forked child handed over by its parent's engine, our int3s out of it: at the fork
   * event (its first stop still to come) or, a vfork child, stopped at its exec. */
  adoptForked(child: Tracee, origin: Origin, firstStopToCome: boolean): void {
    this.assertNoProcess();
    this.origin = origin;
    this.adopt(child.pid, [child], firstStopToCome);
  }

  /** Whether a stop of `tid` is this engine's. */
  owns(tid: number): boolean {
    return this.run.owns(tid);
  }

  /** The debuggee's pid and program, as the session shows them. */
  describeProcess(): ProcessInfo {
    return this.processInfo();
  }

  setSourceBreakpoints(path: string, specs: readonly SourceBreakpointSpec[]): BreakpointState[] {
    return this.userBreakpoints.setSourceBreakpoints(path, specs);
  }

  setFunctionBreakpoints(specs: readonly FunctionBreakpointSpec[]): BreakpointState[] {
    return this.userBreakpoints.setFunctionBreakpoints(specs);
  }

  setInstructionBreakpoints(specs: readonly InstructionBreakpointSpec[]): BreakpointState[] {
    return this.userBreakpoints.setInstructionBreakpoints(specs);
  }

  dataBreakpointInfo(query: DataBreakpointQuery): DataBreakpointInfoResult {
    const unavailable = this.dataBreakpoints.unavailableReason;
    if (unavailable !== undefined) return { dataId: null, description: unavailable };
    if (typeof query?.name !== 'string' || query.name.trim() === '') throw new Error('dataBreakpointInfo: "name" must be a non-empty string');
    let target;
    try {
      target = queryTarget(query, {
        inspector: this.inspector, environment: this.frameEnvironment, stopped: this.run.isStopped, where: (where) => this.evaluationTarget(where),
      });
    } catch (error) {
      return { dataId: null, description: (error as Error).message };
    }
    const thread = this.run.isStopped ? this.run.threads.get(this.run.processId) ?? this.run.threads.values().next().value : undefined;
    return this.dataBreakpoints.info(target, thread);
  }

  setDataBreakpoints(specs: readonly DataBreakpointSpec[]): BreakpointState[] {
    return this.dataBreakpoints.set(specs);
  }

  setSyscallCatchpoint(names: readonly string[] | null): CatchpointState {
    if (names === null) {
      this.syscallCatch = undefined;
      this.run.traceSyscalls = false;
      return { verified: true };
    }
    const numbers = new Set<number>();
    const unknown: string[] = [];
    for (const name of names) {
      const number = syscallNumber(name);
      if (number === undefined || number < 0) unknown.push(name);
      else numbers.add(number);
    }
    if (unknown.length > 0) return { verified: false, message: `unknown system call${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}` };
    this.syscallCatch = numbers.size === 0 ? 'all' : numbers;
    this.run.traceSyscalls = true;
    return { verified: true };
  }

  start(options: StartOptions): void {
    this.assertStopped();
    this.disassemblyFlavor = options.disassemblyFlavor ?? 'att';
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
    this.forgetStop();
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

  stepInstruction(threadId: number, over: boolean): void {
    const thread = this.stoppedThread(threadId);
    new LineStep(this.stepContext(), thread, 'over').stepOneInstruction(over);
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
    const stack = this.stackOf(threadId);
    const end = levels > 0 ? startFrame + levels : stack.frames.length;
    const frames = stack.frames.slice(startFrame, end).map((frame) => {
      // The same return addresses come back at every stop: their descriptions are kept.
      const key = `${frame.pc}:${frame.lookupPc}`;
      let described = this.frameDescriptions.get(key);
      if (described === undefined) {
        described = describeFrame(frame, this.modules);
        if (this.frameDescriptions.size >= 4096) this.frameDescriptions.clear();
        this.frameDescriptions.set(key, described);
      }
      return described;
    });
    return { frames, totalFrames: stack.frames.length };
  }

  exceptionInfo(threadId: number): ExceptionDetails | undefined {
    const last = this.run.threads.get(threadId)?.lastException;
    return last === undefined ? undefined : { id: last.id, description: last.description, typeName: last.typeName, message: last.description };
  }

  scopes(threadId: number, frameIndex: number): ScopeDescription[] {
    this.assertStopped();
    return this.inspector.scopes(threadId, frameIndex);
  }

  prefetch(threadId: number, watches: readonly string[]): PrefetchResult {
    this.assertStopped();
    return this.inspector.prefetch(threadId, watches);
  }

  variables(reference: number, filter: 'indexed' | 'named' | undefined, start: number, count: number, format: ValueFormatOptions): VariableDescription[] {
    this.assertStopped();
    return this.inspector.variables(reference, filter, start, count, format);
  }

  setVariable(reference: number, name: string, value: string, format: ValueFormatOptions): VariableDescription {
    this.assertStopped();
    return this.inspector.setVariable(reference, name, value, format);
  }

  evaluate(target: EvaluationTarget, expression: string, context: string | undefined, format: ValueFormatOptions): EvaluateDescription {
    const { threadId, frameIndex } = this.evaluationTarget(target);
    return this.inspector.evaluate(threadId, frameIndex, expression, context, format);
  }

  setExpression(target: EvaluationTarget, expression: string, value: string, format: ValueFormatOptions): EvaluateDescription {
    const { threadId, frameIndex } = this.evaluationTarget(target);
    return this.inspector.setExpression(threadId, frameIndex, expression, value, format);
  }

  readMemory(address: string, offset: number, count: number): MemoryReadResult {
    if (!this.run.hasProcess) throw new Error('there is no debuggee');
    return readMemory(this.run.anyThread(), this.breakpoints, parseAddress(address) + BigInt(offset), count);
  }

  writeMemory(address: string, offset: number, data: string, allowPartial: boolean): MemoryWriteResult {
    if (!this.run.hasProcess) throw new Error('there is no debuggee');
    const result = writeMemory(this.breakpoints, parseAddress(address) + BigInt(offset), Buffer.from(data, 'base64'), allowPartial);
    this.stacks.clear();
    return result;
  }

  disassemble(address: string, offset: number, instructionOffset: number, count: number, resolveSymbols: boolean): DisassembledInstructionInfo[] {
    if (!this.run.hasProcess) throw new Error('there is no debuggee');
    const tracee = this.run.anyThread();
    const read = (at: bigint, buffer: Buffer): number => {
      let length: number;
      try {
        length = tracee.memory.readAvailable(at, buffer);
      } catch {
        return 0;
      }
      this.breakpoints.unpatch(at, buffer.subarray(0, length));
      return length;
    };
    return new Disassembler(read, this.modules, this.disassemblyFlavor).disassemble(parseAddress(address) + BigInt(offset), instructionOffset, count, resolveSymbols);
  }

  terminate(): { resumed: number | undefined } {
    if (!this.run.hasProcess) return { resumed: undefined };
    // DAP's terminate is a request to end: SIGTERM, which the program may handle (or ignore,
    // and the session goes on). It is delivered without a stop, and a stopped program is let
    // run to take it.
    this.run.passOnce(constants.signals.SIGTERM);
    process.kill(this.run.processId, 'SIGTERM');
    if (!this.run.isStopped) return { resumed: undefined };
    this.forgetStop();
    this.run.resumeAll();
    return { resumed: this.run.processId };
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

  loadedModules(start: number, count: number): { modules: ModuleDescription[]; totalModules: number } {
    return modulePage(this.modules.all, start, count);
  }

  completions(target: EvaluationTarget, text: string, offset: number): CompletionCandidate[] {
    const { threadId, frameIndex } = this.evaluationTarget(target);
    return completionsAt(this.inspector, this.inspector.frame(threadId, frameIndex), this.modules, text, offset);
  }

  gotoTargets(path: string, line: number): GotoTargetInfo[] {
    const { threadId } = this.evaluationTarget({});
    return this.gotoTargetList.find(this.modules, this.stoppedThread(threadId).pc, path, line);
  }

  goto(threadId: number, targetId: number): void {
    const thread = this.stoppedThread(threadId);
    const address = this.gotoTargetList.take(this.modules, targetId, thread.pc);
    const registers = thread.tracee.getRegisters();
    registers.set('rip', address);
    thread.tracee.setRegisters(registers);
    thread.pendingHitAt = undefined; // a hit at the old pc is not taken from elsewhere
    this.stopped({ reason: 'goto', thread });
  }

  // ---- RunControlHost ----

  breakpointHit(thread: ThreadState, address: bigint): StopReport | undefined {
    const owners = this.breakpoints.ownersAt(address);
    if (owners === undefined) return undefined; // removed meanwhile: it was ours, and is gone
    if (owners.has(LOADER_OWNER) && this.loaderHook.isConsistent(thread.tracee)) this.refreshModules();
    const scopeEnd = this.dataBreakpoints.scopeExit(owners, thread);
    if (scopeEnd !== undefined) {
      for (const breakpoint of scopeEnd.removed) this.emit({ type: 'breakpoint', breakpoint });
      return { reason: 'data breakpoint', thread, hitBreakpointIds: scopeEnd.ids, description: scopeEnd.description, text: scopeEnd.description };
    }
    const hit = this.userBreakpoints.hit(owners, this.judgeIn(thread));
    if (hit === undefined) return undefined;
    return { reason: hit.reason, thread, hitBreakpointIds: hit.ids, ...(hit.description === undefined ? {} : { description: hit.description, text: hit.description }) };
  }

  syscallEntered(thread: ThreadState, stop: SyscallEnterStop): StopReport | undefined {
    const wanted = this.syscallCatch;
    if (wanted === undefined || (wanted !== 'all' && !wanted.has(stop.nr))) return undefined;
    let call: string;
    try {
      const entry = formatSyscallEntry({ nr: stop.nr, args: stop.args, sp: stop.sp }, syscallMemory(thread.tracee.memory));
      call = `${entry}${exitOnlyArguments(stop.nr) ? ', ...' : ''})`;
    } catch {
      call = `${syscallName(stop.nr)}(...)`;
    }
    const description = `syscall ${call}`;
    thread.lastException = { id: 'syscall', description, typeName: `syscall ${syscallName(stop.nr)}` };
    return { reason: 'exception', thread, description, text: description };
  }

  watchTrap(thread: ThreadState): boolean {
    return this.dataBreakpoints.trapped(thread);
  }

  dataBreakpointHit(thread: ThreadState): StopReport | undefined {
    const hit = this.dataBreakpoints.hit(thread, this.judgeIn(thread));
    if (hit === undefined) return undefined;
    return { reason: 'data breakpoint', thread, hitBreakpointIds: hit.ids, description: hit.description, text: hit.description };
  }

  threadReady(thread: ThreadState): void {
    this.dataBreakpoints.threadReady(thread);
  }

  beforeDetach(): void {
    this.dataBreakpoints.disarm();
  }

  adoptChild(child: Tracee, how: 'fork' | 'vfork'): boolean {
    return this.origin !== undefined && this.childFollower !== undefined && this.childFollower(child, this.origin, how);
  }

  execed(): void {
    // The watched memory is gone with the old image (the kernel clears the debug registers at exec).
    for (const breakpoint of this.dataBreakpoints.clear('the program called exec')) this.emit({ type: 'breakpoint', breakpoint });
    const gone = this.modules.all;
    this.modules.clear();
    this.loadProcess(gone);
  }

  stopped(report: StopReport): void {
    this.dataBreakpoints.sync();
    this.forgetStop();
    this.lastStoppedThread = report.thread.tid;
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
    this.inspector.reset();
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
      if (isTraceeGone(error)) return; // its exit is the next stop
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

  private adopt(pid: number, tracees: readonly Tracee[], firstStopToCome = false): void {
    this.disconnecting = false;
    this.run.adopt(pid, tracees, firstStopToCome);
    this.loadProcess();
  }

  /** Reads the modules of a new address space, plants the loader hook and the breakpoints. */
  private loadProcess(gone: readonly LoadedModule[] = []): void {
    this.frameDescriptions.clear();
    const { added } = this.modules.refresh(this.run.anyThread());
    this.emitModuleChanges(added, gone);
    this.loaderHook.install(this.modules, this.breakpoints);
    for (const breakpoint of this.userBreakpoints.attachTo(this.modules.all)) this.emit({ type: 'breakpoint', breakpoint });
  }

  private refreshModules(): void {
    const { added, removed } = this.modules.refresh(this.run.anyThread());
    if (added.length === 0 && removed.length === 0) return;
    this.emitModuleChanges(added, removed);
    this.frameDescriptions.clear();
    for (const breakpoint of this.userBreakpoints.modulesLoaded(this.modules.all, added, removed)) {
      this.emit({ type: 'breakpoint', breakpoint });
    }
  }

  private emitModuleChanges(added: readonly LoadedModule[], removed: readonly LoadedModule[]): void {
    if (added.length === 0 && removed.length === 0) return;
    this.emit({ type: 'modules', changes: moduleChanges(added, removed) });
  }

  private afterProcess(): void {
    this.disconnecting = false;
    this.origin = undefined;
    this.forgetStop();
    this.lastStoppedThread = undefined;
    this.userBreakpoints.detach();
    this.dataBreakpoints.clear();
    this.breakpoints.reset();
    const gone = this.modules.all;
    this.modules.clear();
    this.emitModuleChanges([], gone); // a restart's new process must not show beside the old one
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
    this.forgetStop();
    return { run: this.run, modules: this.modules, breakpoints: this.breakpoints };
  }

  /** Stacks and variable references describe one stop: the debuggee runs, they go. */
  private forgetStop(): void {
    this.stacks.clear();
    this.gotoTargetList.reset();
    this.inspector.reset();
  }

  private stackOf(threadId: number): UnwindResult {
    const thread = this.stoppedThread(threadId);
    let stack = this.stacks.get(threadId);
    if (stack === undefined) {
      stack = unwindThread(thread.tracee, this.modules);
      this.stacks.set(threadId, stack);
    }
    return stack;
  }

  private evaluationTarget(target: EvaluationTarget): { threadId: number; frameIndex: number } {
    this.assertStopped();
    const threadId = target.threadId ?? (this.lastStoppedThread !== undefined && this.run.threads.has(this.lastStoppedThread) ? this.lastStoppedThread : this.run.processId);
    return { threadId, frameIndex: target.frameIndex ?? 0 };
  }

  /** Breakpoint conditions and logpoints, evaluated in the innermost frame of the thread that hit. */
  private judgeIn(thread: ThreadState): HitJudge {
    let frame: FrameState | undefined;
    const frameOf = (): FrameState => (frame ??= FrameState.innermost(thread.tracee, this.frameEnvironment));
    return {
      condition: (expression) => {
        try {
          const current = frameOf();
          return isTruthy(this.inspector.evaluateInFrame(current, expression), current);
        } catch (error) {
          return (error as Error).message;
        }
      },
      log: (message, where) => {
        const text = interpolate(message, (expression) => {
          try {
            const current = frameOf();
            return formatValue(this.inspector.evaluateInFrame(current, expression), current);
          } catch (error) {
            return `<error: ${(error as Error).message}>`;
          }
        });
        this.emit({ type: 'output', text: `${text}\n`, ...where });
      },
    };
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

/** Whether a syscall shows some arguments only at its exit (buffers the kernel fills). */
function exitOnlyArguments(nr: number): boolean {
  return signatureFor(nr).args.some((spec) => {
    const kind = (spec as { kind: string }).kind;
    if (kind === 'buf_out' || kind === 'cstring_out' || kind === 'fd_pair') return true;
    if (kind === 'struct' || kind === 'int_ptr' || kind === 'iovec') return (spec as { dir: string }).dir !== 'in';
    if (kind === 'custom') return (spec as { at?: string }).at === 'exit';
    return false;
  });
}

/** A logpoint message with each `{expression}` replaced by its value; `\{` and `\}` are braces. */
export function interpolate(message: string, evaluate: (expression: string) => string): string {
  let out = '';
  for (let index = 0; index < message.length; index++) {
    const c = message[index]!;
    if (c === '\\' && (message[index + 1] === '{' || message[index + 1] === '}')) {
      out += message[++index];
    } else if (c === '{') {
      const end = message.indexOf('}', index + 1);
      if (end < 0) {
        out += message.slice(index);
        break;
      }
      out += evaluate(message.slice(index + 1, end));
      index = end;
    } else {
      out += c;
    }
  }
  return out;
}
