// The engine of a post-mortem session: the EngineApi of a core file. Everything that looks
// (threads, stacks, scopes, variables, evaluate, readMemory, disassemble) goes through the same
// inspection code as a live program, on the core's threads (CoreThreadAccess); everything that
// would run the program or change it answers that this is a core file.
import { statSync } from 'node:fs';
import type { Stop } from '@umview/ptrace-core';
import { SoftwareBreakpoints } from '../breakpoints/software-breakpoints.js';
import { Disassembler } from '../disassembly/disassembler.js';
import type { FrameEnvironment } from '../inspect/frame-state.js';
import { completionsAt } from '../inspect/completions.js';
import { Inspector } from '../inspect/inspector.js';
import { readMemoryFrom } from '../memory/memory-access.js';
import { moduleChanges, modulePage } from '../modules/module-descriptions.js';
import { ModuleMap } from '../modules/module-map.js';
import { unwindThread } from '../stack/call-stack.js';
import { describeFrame } from '../stack/frame-description.js';
import type { MemoryMapping, UnwindResult } from '../symbols/index.js';
import type {
  BreakpointState, CatchpointState, CompletionCandidate, DataBreakpointInfoResult, DisassembledInstructionInfo, EngineApi, EngineEvent, EvaluateDescription, EvaluationTarget, ExceptionDetails,
  GotoTargetInfo, LaunchResult, MemoryReadResult, ModuleDescription, MemoryWriteResult, PrefetchResult, ProcessInfo, ScopeDescription, StackTraceResult, StartOptions, ThreadInfo,
  ValueFormatOptions, VariableDescription,
} from '../engine/protocol.js';
import { AT_SYSINFO_EHDR, CoreFile } from './core-file.js';
import { CoreMemory } from './core-memory.js';
import type { CoreOpened, CorePlan } from './core-protocol.js';
import { describeCoreSignal } from './core-signal.js';
import { CoreThreadAccess, READ_ONLY } from './core-thread.js';
import { parseAddress } from '../util/hex.js';

export const CANNOT_RUN = 'this is a core file: the program cannot run';

export class CoreEngine implements EngineApi {
  private readonly modules = new ModuleMap();
  private readonly memory: CoreMemory;
  private readonly threadsById = new Map<number, CoreThreadAccess>();
  private readonly stacks = new Map<number, UnwindResult>();
  private readonly inspector: Inspector;
  private readonly breakpoints = new SoftwareBreakpoints(() => {
    throw new Error(READ_ONLY);
  });
  private readonly exception: ExceptionDetails | undefined;
  private readonly problems: string[];
  private disassemblyFlavor: 'att' | 'intel' = 'att';
  private started = false;
  private nextBreakpointId = 1;

  private constructor(private readonly core: CoreFile, plan: CorePlan, private readonly emit: (event: EngineEvent) => void) {
    const executable = core.executablePath;
    // The program the user names stands for the core's executable (moved, or a build elsewhere).
    // A file unlinked since it was mapped (" (deleted)") is not the one at its old path: it stays missing.
    const local = (path: string): string => (plan.program !== undefined && path === executable ? plan.program : path);
    this.memory = new CoreMemory(core, local);
    this.modules.update(this.mappings(local), executable === undefined ? undefined : local(executable), (address, size) => this.memory.read(address, size));
    this.problems = [...core.problems];
    const { missing, deleted } = this.memory.missingFiles();
    const unknown = '(their code and symbols are unknown, frames in them show addresses only)';
    if (missing.length > 0) {
      this.problems.push(`${missing.length === 1 ? 'a file' : 'files'} the program had mapped ${missing.length === 1 ? 'is' : 'are'} missing on this machine or unreadable ${unknown}: ${missing.map(local).join(', ')}`);
    }
    if (deleted.length > 0) this.problems.push(`files the program had mapped were deleted while it ran ${unknown}: ${deleted.join(', ')}`);
    for (const thread of core.threads) this.threadsById.set(thread.tid, new CoreThreadAccess(thread, this.memory));
    const frameEnvironment: FrameEnvironment = { modules: this.modules, breakpoints: this.breakpoints, registersChanged: (tid) => this.stacks.delete(tid) };
    this.inspector = new Inspector({ ...frameEnvironment, stack: (threadId) => this.stackOf(threadId), tracee: (threadId) => this.thread(threadId) }, this.modules);
    if (core.signal !== undefined) {
      const signal = describeCoreSignal(core.signal);
      this.exception = { id: signal.name, description: `${signal.line} ${signal.detail}`, typeName: signal.name, message: signal.detail };
    }
  }

  /** Opens the core: the engine of the session from now on, and what the session announces. */
  static open(plan: CorePlan, emit: (event: EngineEvent) => void): { engine: CoreEngine; opened: CoreOpened } {
    const core = CoreFile.open(plan.coreFile);
    let engine: CoreEngine;
    try {
      engine = new CoreEngine(core, plan, emit);
    } catch (error) {
      core.close();
      throw error;
    }
    for (const problem of engine.problems) emit({ type: 'log', text: `core file: ${problem}` });
    // The Modules view: the objects the core's process had mapped, as a live launch announces them.
    if (engine.modules.all.length > 0) emit({ type: 'modules', changes: moduleChanges(engine.modules.all, []) });
    return { engine, opened: { ...engine.processInfo(), problems: engine.problems } };
  }

  // ---- what cannot be done to a core ----

  launch(): LaunchResult {
    throw new Error('this session already has a debuggee (a core file)');
  }

  attach(): ProcessInfo {
    throw new Error('this session already has a debuggee (a core file)');
  }

  seizeLauncher(): void {
    throw new Error(CANNOT_RUN);
  }

  execLauncher(): LaunchResult {
    throw new Error(CANNOT_RUN);
  }

  releaseLauncher(): void {}

  setSourceBreakpoints(_path: string, specs: readonly unknown[]): BreakpointState[] {
    return specs.map(() => this.unverified());
  }

  setFunctionBreakpoints(specs: readonly unknown[]): BreakpointState[] {
    return specs.map(() => this.unverified());
  }

  setInstructionBreakpoints(specs: readonly unknown[]): BreakpointState[] {
    return specs.map(() => this.unverified());
  }

  /** Nothing runs in a core: nothing can be watched. */
  dataBreakpointInfo(): DataBreakpointInfoResult {
    return { dataId: null, description: `${CANNOT_RUN}: data breakpoints are never hit` };
  }

  setDataBreakpoints(specs: readonly unknown[]): BreakpointState[] {
    return specs.map(() => this.unverified());
  }

  setSyscallCatchpoint(names: readonly string[] | null): CatchpointState {
    return names === null ? { verified: true } : { verified: false, message: CANNOT_RUN };
  }

  continue(): void {
    throw new Error(CANNOT_RUN);
  }

  next(): void {
    throw new Error(CANNOT_RUN);
  }

  stepIn(): void {
    throw new Error(CANNOT_RUN);
  }

  stepOut(): void {
    throw new Error(CANNOT_RUN);
  }

  stepInstruction(): void {
    throw new Error(CANNOT_RUN);
  }

  pause(): void {
    throw new Error(CANNOT_RUN);
  }

  /** A core has no processes to fork: followFork has nothing to follow. */
  followChildren(): void {}

  gotoTargets(): GotoTargetInfo[] {
    throw new Error(CANNOT_RUN);
  }

  goto(): void {
    throw new Error(CANNOT_RUN);
  }

  writeMemory(): MemoryWriteResult {
    throw new Error(READ_ONLY);
  }

  // ---- the post-mortem view ----

  /** configurationDone: the one stop of a core, on the thread that died (the first NT_PRSTATUS). */
  start(options: StartOptions): void {
    this.disassemblyFlavor = options.disassemblyFlavor ?? 'att';
    if (this.started) return;
    this.started = true;
    const threadId = this.core.threads[0]!.tid;
    const exception = this.exception;
    if (exception === undefined) {
      this.emit({ type: 'stopped', reason: 'pause', threadId, description: 'core file', text: 'core file' });
    } else {
      this.emit({ type: 'stopped', reason: 'exception', threadId, description: exception.description, text: exception.description });
    }
  }

  threads(): ThreadInfo[] {
    const name = this.core.process?.name;
    const leader = this.core.process?.pid;
    return [...this.threadsById.keys()].sort((a, b) => a - b).map((tid) => ({
      id: tid, name: name === undefined ? `LWP ${tid}` : tid === leader ? name : `${name} (LWP ${tid})`,
    }));
  }

  stackTrace(threadId: number, startFrame: number, levels: number): StackTraceResult {
    const stack = this.stackOf(threadId);
    const end = levels > 0 ? startFrame + levels : stack.frames.length;
    return { frames: stack.frames.slice(startFrame, end).map((frame) => describeFrame(frame, this.modules)), totalFrames: stack.frames.length };
  }

  exceptionInfo(threadId: number): ExceptionDetails | undefined {
    return threadId === this.core.threads[0]!.tid ? this.exception : undefined;
  }

  scopes(threadId: number, frameIndex: number): ScopeDescription[] {
    return this.inspector.scopes(threadId, frameIndex);
  }

  prefetch(threadId: number, watches: readonly string[]): PrefetchResult {
    return this.inspector.prefetch(threadId, watches);
  }

  variables(reference: number, filter: 'indexed' | 'named' | undefined, start: number, count: number, format: ValueFormatOptions): VariableDescription[] {
    return this.inspector.variables(reference, filter, start, count, format);
  }

  setVariable(reference: number, name: string, value: string, format: ValueFormatOptions): VariableDescription {
    return this.inspector.setVariable(reference, name, value, format);
  }

  evaluate(target: EvaluationTarget, expression: string, context: string | undefined, format: ValueFormatOptions): EvaluateDescription {
    return this.inspector.evaluate(target.threadId ?? this.core.threads[0]!.tid, target.frameIndex ?? 0, expression, context, format);
  }

  setExpression(target: EvaluationTarget, expression: string, value: string, format: ValueFormatOptions): EvaluateDescription {
    return this.inspector.setExpression(target.threadId ?? this.core.threads[0]!.tid, target.frameIndex ?? 0, expression, value, format);
  }

  loadedModules(start: number, count: number): { modules: ModuleDescription[]; totalModules: number } {
    return modulePage(this.modules.all, start, count);
  }

  completions(target: EvaluationTarget, text: string, offset: number): CompletionCandidate[] {
    const threadId = target.threadId ?? this.core.threads[0]!.tid;
    return completionsAt(this.inspector, this.inspector.frame(threadId, target.frameIndex ?? 0), this.modules, text, offset);
  }

  readMemory(address: string, offset: number, count: number): MemoryReadResult {
    return readMemoryFrom(this.memory, this.breakpoints, parseAddress(address) + BigInt(offset), count, (from) => this.memory.unreadableRun(from, count));
  }

  disassemble(address: string, offset: number, instructionOffset: number, count: number, resolveSymbols: boolean): DisassembledInstructionInfo[] {
    const read = (at: bigint, buffer: Buffer): number => this.memory.readAvailable(at, buffer);
    return new Disassembler(read, this.modules, this.disassemblyFlavor).disassemble(parseAddress(address) + BigInt(offset), instructionOffset, count, resolveSymbols);
  }

  /** A core's process is already dead: terminate ends the session as its exit would. */
  terminate(): { resumed: number | undefined } {
    const signal = this.core.signal?.number;
    this.emit({ type: 'exited', exitCode: signal === undefined ? 0 : 128 + signal, ...(this.exception === undefined ? {} : { signal: this.exception.id }) });
    return { resumed: undefined };
  }

  disconnect(): void {
    this.close();
    this.emit({ type: 'disconnected' });
  }

  /** There is no process to stop: no stop ever comes. */
  onStop(_stop: Stop): void {}

  close(): void {
    this.memory.close();
    this.modules.close();
    this.core.close();
  }

  // ---- internals ----

  private processInfo(): ProcessInfo {
    return { pid: this.core.process?.pid ?? this.core.threads[0]!.tid, program: this.modules.mainExecutable?.path, threads: this.threads() };
  }

  /**
   * The core's file mappings as /proc/PID/maps would list them (regular files only: a core may
   * name a FIFO, whose opening would wait forever), and its vDSO (found through AT_SYSINFO_EHDR).
   */
  private mappings(local: (path: string) => string): MemoryMapping[] {
    const mappings: MemoryMapping[] = this.core.files.filter((file) => isRegularFile(local(file.path))).map((file) => ({
      start: file.start, end: file.end, readable: true, writable: false, executable: false, shared: false, offset: file.offset,
      device: 'core', inode: 0, path: local(file.path), deleted: false,
    }));
    const vdso = this.core.auxv.get(AT_SYSINFO_EHDR);
    const segment = vdso === undefined ? undefined : this.core.segmentAt(vdso);
    if (segment !== undefined && segment.start === vdso) {
      mappings.push({ start: segment.start, end: segment.end, readable: true, writable: false, executable: true, shared: false, offset: 0n, device: 'core', inode: 0, path: '[vdso]', deleted: false });
    }
    return mappings;
  }

  private thread(threadId: number): CoreThreadAccess {
    const thread = this.threadsById.get(threadId);
    if (thread === undefined) throw new Error(`no thread ${threadId}`);
    return thread;
  }

  private stackOf(threadId: number): UnwindResult {
    let stack = this.stacks.get(threadId);
    if (stack === undefined) {
      stack = unwindThread(this.thread(threadId), this.modules);
      this.stacks.set(threadId, stack);
    }
    return stack;
  }

  private unverified(): BreakpointState {
    return { id: this.nextBreakpointId++, verified: false, message: `${CANNOT_RUN}: breakpoints are never hit` };
  }
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
