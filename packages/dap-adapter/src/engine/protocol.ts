// What crosses the thread boundary between the DAP session (main thread) and the debug engine
// (the tracer worker). Everything here survives structured cloning: plain data, addresses as
// hex strings (they go straight into DAP messages), no class instances.

/** The program to start, already validated and with its final environment. */
export interface LaunchPlan {
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string | undefined;
  /** `NAME=value` strings: the whole environment of the debuggee. */
  readonly env: readonly string[];
  /** stdin, stdout and stderr: a file each, or null for the default (no input; output as events). */
  readonly stdio: readonly (StdioRedirect | null)[];
}

/** A file the program gets as one of its standard streams ('r' for stdin, 'w' truncates). */
export interface StdioRedirect {
  readonly path: string;
  readonly flags: 'r' | 'w';
}

export interface ThreadInfo {
  readonly id: number;
  readonly name: string;
}

export interface ProcessInfo {
  readonly pid: number;
  /** The executable's path as the kernel sees it (/proc/PID/exe). */
  readonly program: string | undefined;
  readonly threads: readonly ThreadInfo[];
}

export interface LaunchResult extends ProcessInfo {
  /** The tracer's ends of the debuggee's stdout and stderr pipes (fds of this process). */
  readonly stdio: { readonly stdout?: number; readonly stderr?: number };
}

/** What every kind of user breakpoint may carry. */
export interface BreakpointOptions {
  readonly hitCondition?: string;
  /** A C expression: the breakpoint stops only when it is true (non-zero). */
  readonly condition?: string;
  /** A logpoint: the message is logged, with `{expression}` parts evaluated, and the debuggee goes on. */
  readonly logMessage?: string;
}

export interface SourceBreakpointSpec extends BreakpointOptions {
  readonly line: number;
}

export interface FunctionBreakpointSpec extends BreakpointOptions {
  readonly name: string;
}

export interface InstructionBreakpointSpec extends BreakpointOptions {
  /** Run-time address as 0x-hex (DAP's instructionReference plus offset, already added). */
  readonly address: string;
}

/** A user breakpoint as DAP reports it. */
export interface BreakpointState {
  readonly id: number;
  readonly verified: boolean;
  /** Where it actually is: the requested line moved to the next line that has code. */
  readonly line?: number;
  readonly path?: string;
  readonly message?: string;
  /** The run-time address of its first location, as 0x-hex. */
  readonly instructionReference?: string;
}

export type StopReason = 'entry' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint' | 'step' | 'pause' | 'exception' | 'goto';

/** What dataBreakpointInfo asks about: a child of a variables container, an expression in a frame, or an address. */
export interface DataBreakpointQuery {
  readonly name: string;
  readonly variablesReference?: number;
  readonly threadId?: number;
  readonly frameIndex?: number;
  /** `name` is an address (or an expression whose value is one); `bytes` is the length watched. */
  readonly asAddress?: boolean;
  readonly bytes?: number;
}

export type DataAccessType = 'read' | 'write' | 'readWrite';

export interface DataBreakpointInfoResult {
  /** null when it cannot be watched (`description` says why). */
  readonly dataId: string | null;
  readonly description: string;
  readonly accessTypes?: DataAccessType[];
  readonly canPersist?: boolean;
}

export interface DataBreakpointSpec {
  readonly dataId: string;
  readonly accessType?: DataAccessType;
  readonly condition?: string;
  readonly hitCondition?: string;
}

export interface StackFrameInfo {
  readonly name: string;
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
  /** The frame's pc as 0x-hex: the current instruction in frame 0, a return address above. */
  readonly pc: string;
  readonly module?: string;
}

export interface StackTraceResult {
  readonly frames: readonly StackFrameInfo[];
  readonly totalFrames: number;
}

export interface ExceptionDetails {
  /** The signal's name, e.g. SIGSEGV, or `syscall` for a catchpoint. */
  readonly id: string;
  readonly description: string;
  /** A short type name (`SIGSEGV`, `syscall openat`) and the full message, for DAP's ExceptionDetails. */
  readonly typeName?: string;
  readonly message?: string;
}

export interface ScopeDescription {
  readonly name: string;
  readonly presentationHint?: 'arguments' | 'locals' | 'registers';
  readonly variablesReference: number;
  readonly namedVariables?: number;
  readonly expensive: boolean;
}

export interface VariableDescription {
  name: string;
  value: string;
  type?: string;
  variablesReference: number;
  namedVariables?: number;
  indexedVariables?: number;
  evaluateName?: string;
  memoryReference?: string;
  /** DAP's VariablePresentationHint: a base class, a static member. */
  presentationHint?: { kind?: string; attributes?: string[] };
}

export interface EvaluateDescription {
  readonly result: string;
  readonly type?: string;
  readonly variablesReference: number;
  readonly namedVariables?: number;
  readonly indexedVariables?: number;
  readonly memoryReference?: string;
}

/** Where an evaluation happens: a frame of a thread; without one, the innermost frame of the last stop. */
export interface EvaluationTarget {
  readonly threadId?: number;
  readonly frameIndex?: number;
}

/** What a client asks for after every stop, computed in one go (see `prefetch`). */
export interface PrefetchResult {
  readonly scopes: ScopeDescription[];
  /** The variables of the first scope (Locals), by its reference. */
  readonly locals: { readonly reference: number; readonly variables: VariableDescription[] } | undefined;
  readonly watches: readonly { readonly expression: string; readonly result?: EvaluateDescription; readonly error?: string }[];
}

export interface ValueFormatOptions {
  readonly hex?: boolean;
}

export interface MemoryReadResult {
  /** The address of the first byte of `data` (0x-hex). */
  readonly address: string;
  /** Base64. */
  readonly data?: string;
  readonly unreadableBytes?: number;
}

export interface MemoryWriteResult {
  readonly bytesWritten: number;
}

export interface DisassembledInstructionInfo {
  address: string;
  instructionBytes?: string;
  instruction: string;
  symbol?: string;
  path?: string;
  line?: number;
  column?: number;
  presentationHint?: 'normal' | 'invalid';
}

export interface CatchpointState {
  readonly verified: boolean;
  readonly message?: string;
}

export interface StartOptions {
  /** Report a stop at the first instruction (launch) or where attach found the process. */
  readonly stopOnEntry: boolean;
  /** Run to the first line of `main` and report a stop there. */
  readonly stopAtMain: boolean;
  /** Assembly syntax of `disassemble`: AT&T (gdb's and lldb's default) or Intel. */
  readonly disassemblyFlavor?: 'att' | 'intel';
}

/** A loaded object as DAP's Module (the Modules view). */
export interface ModuleDescription {
  /** Stable for the object while it stays loaded in this session. */
  readonly id: number;
  readonly name: string;
  readonly path: string;
  /** Its load address (0x-hex), as lldb-dap gives it. */
  readonly addressRange: string;
  readonly symbolStatus: string;
  /** The file the debug information comes from, when found. */
  readonly symbolFilePath?: string;
}

export interface ModuleChange {
  readonly reason: 'new' | 'changed' | 'removed';
  readonly module: ModuleDescription;
}

/** One completion candidate; `start` (0-based, within the request's line) and `length` say what it replaces. */
export interface CompletionCandidate {
  readonly label: string;
  readonly type: 'variable' | 'field' | 'function' | 'class' | 'module' | 'value';
  readonly detail?: string;
  /** Keeps the order found (locals before members before globals) where a client sorts by it. */
  readonly sortText: string;
  readonly start: number;
  readonly length: number;
}

/** A place `goto` can move a thread's pc to (valid until the debuggee runs). */
export interface GotoTargetInfo {
  readonly id: number;
  readonly label: string;
  readonly line: number;
  readonly path: string;
  /** The run-time address (0x-hex). */
  readonly address: string;
}

/** Events the engine sends to the session (AsyncTracer.onEvent). */
export type EngineEvent =
  | {
    readonly type: 'stopped';
    readonly reason: StopReason;
    readonly threadId: number;
    readonly description?: string;
    readonly text?: string;
    readonly hitBreakpointIds?: readonly number[];
  }
  | { readonly type: 'thread'; readonly reason: 'started' | 'exited'; readonly threadId: number }
  /** The debuggee is gone: `exitCode` follows the shell (128 + signal when killed). */
  | { readonly type: 'exited'; readonly exitCode: number; readonly signal?: string }
  | { readonly type: 'breakpoint'; readonly breakpoint: BreakpointState }
  | { readonly type: 'log'; readonly text: string }
  /** A logpoint's message (category console), with where it is. */
  | { readonly type: 'output'; readonly text: string; readonly path?: string; readonly line?: number }
  /** disconnect() is complete: the debuggee was killed and reaped, or detached. */
  | { readonly type: 'disconnected' }
  /** Objects loaded or unloaded, in one batch per change of the loader's list (or exec). */
  | { readonly type: 'modules'; readonly changes: readonly ModuleChange[] };

/**
 * The engine's commands, as `AsyncTracer.command(name, ...args)` calls them. Commands run on
 * the tracer thread and return at once: a command that resumes the debuggee answers when it is
 * running, and the stop that ends it arrives later as a `stopped` event.
 */
export interface EngineApi {
  launch(plan: LaunchPlan): LaunchResult;
  attach(pid: number): ProcessInfo;
  /**
   * A launch in the client's terminal, in two steps around the launcher's exec. Seizes the
   * launcher (its main thread, the one that execs) and keeps it stopped.
   */
  seizeLauncher(pid: number): void;
  /** Lets the seized launcher run to the exec of the program, where the debuggee is ready as after `launch`. */
  execLauncher(): LaunchResult;
  /** Lets a seized launcher go (the launch failed before its exec). */
  releaseLauncher(): void;
  setSourceBreakpoints(path: string, specs: readonly SourceBreakpointSpec[]): BreakpointState[];
  setFunctionBreakpoints(specs: readonly FunctionBreakpointSpec[]): BreakpointState[];
  setInstructionBreakpoints(specs: readonly InstructionBreakpointSpec[]): BreakpointState[];
  dataBreakpointInfo(query: DataBreakpointQuery): DataBreakpointInfoResult;
  /** Replaces every data breakpoint (hardware watchpoint). */
  setDataBreakpoints(specs: readonly DataBreakpointSpec[]): BreakpointState[];
  /** Syscall catchpoint: `null` removes it; otherwise the syscall names to stop at (empty: all). */
  setSyscallCatchpoint(names: readonly string[] | null): CatchpointState;
  /** configurationDone: stop where asked, or let the debuggee run. */
  start(options: StartOptions): void;
  continue(): void;
  next(threadId: number): void;
  stepIn(threadId: number): void;
  stepOut(threadId: number): void;
  /** One instruction; `over` runs a call at full speed to its return address. */
  stepInstruction(threadId: number, over: boolean): void;
  pause(): void;
  threads(): ThreadInfo[];
  stackTrace(threadId: number, startFrame: number, levels: number): StackTraceResult;
  exceptionInfo(threadId: number): ExceptionDetails | undefined;
  scopes(threadId: number, frameIndex: number): ScopeDescription[];
  /**
   * The scopes of the innermost frame of a thread, its Locals and the values of watch
   * expressions: what VS Code asks for after every stop, prepared in one message round trip.
   */
  prefetch(threadId: number, watches: readonly string[]): PrefetchResult;
  variables(reference: number, filter: 'indexed' | 'named' | undefined, start: number, count: number, format: ValueFormatOptions): VariableDescription[];
  setVariable(reference: number, name: string, value: string, format: ValueFormatOptions): VariableDescription;
  evaluate(target: EvaluationTarget, expression: string, context: string | undefined, format: ValueFormatOptions): EvaluateDescription;
  setExpression(target: EvaluationTarget, expression: string, value: string, format: ValueFormatOptions): EvaluateDescription;
  readMemory(address: string, offset: number, count: number): MemoryReadResult;
  writeMemory(address: string, offset: number, data: string, allowPartial: boolean): MemoryWriteResult;
  disassemble(address: string, offset: number, instructionOffset: number, count: number, resolveSymbols: boolean): DisassembledInstructionInfo[];
  /**
   * Asks the debuggee to end (SIGTERM, delivered without a stop; a stopped debuggee runs on to
   * take it, and `resumed` is then its pid). Its exit is reported as usual.
   */
  terminate(): { readonly resumed: number | undefined };
  /**
   * Ends the session: kills the debuggee (default for launch) or detaches from it with every
   * breakpoint removed (default for attach). A `disconnected` event says when it is done.
   */
  disconnect(terminateDebuggee: boolean | undefined): void;
  /** The loaded objects, `count` of them (0: all) from `start`, and how many there are. */
  loadedModules(start: number, count: number): { readonly modules: ModuleDescription[]; readonly totalModules: number };
  /** Debug console completions for `text` with the cursor at `offset` (0-based). */
  completions(target: EvaluationTarget, text: string, offset: number): CompletionCandidate[];
  /** Where `goto` can take the last stopped thread for `path:line`, within its innermost function only. */
  gotoTargets(path: string, line: number): GotoTargetInfo[];
  /** Moves the thread's pc to a target of the last gotoTargets (frame 0); a `stopped` event (reason goto) follows. */
  goto(threadId: number, targetId: number): void;
  /** followFork "child"/"both": forked processes are handed to engines of their own (fork-follower.ts). */
  followChildren(on: boolean): void;
}

export type EngineCommand = keyof EngineApi;
