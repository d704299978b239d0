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

export interface SourceBreakpointSpec {
  readonly line: number;
  readonly hitCondition?: string;
}

export interface FunctionBreakpointSpec {
  readonly name: string;
  readonly hitCondition?: string;
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

export type StopReason = 'entry' | 'breakpoint' | 'function breakpoint' | 'step' | 'pause' | 'exception';

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
  /** The signal's name, e.g. SIGSEGV. */
  readonly id: string;
  readonly description: string;
}

export interface StartOptions {
  /** Report a stop at the first instruction (launch) or where attach found the process. */
  readonly stopOnEntry: boolean;
  /** Run to the first line of `main` and report a stop there. */
  readonly stopAtMain: boolean;
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
  /** disconnect() is complete: the debuggee was killed and reaped, or detached. */
  | { readonly type: 'disconnected' };

/**
 * The engine's commands, as `AsyncTracer.command(name, ...args)` calls them. Commands run on
 * the tracer thread and return at once: a command that resumes the debuggee answers when it is
 * running, and the stop that ends it arrives later as a `stopped` event.
 */
export interface EngineApi {
  launch(plan: LaunchPlan): LaunchResult;
  attach(pid: number): ProcessInfo;
  setSourceBreakpoints(path: string, specs: readonly SourceBreakpointSpec[]): BreakpointState[];
  setFunctionBreakpoints(specs: readonly FunctionBreakpointSpec[]): BreakpointState[];
  /** configurationDone: stop where asked, or let the debuggee run. */
  start(options: StartOptions): void;
  continue(): void;
  next(threadId: number): void;
  stepIn(threadId: number): void;
  stepOut(threadId: number): void;
  pause(): void;
  threads(): ThreadInfo[];
  stackTrace(threadId: number, startFrame: number, levels: number): StackTraceResult;
  exceptionInfo(threadId: number): ExceptionDetails | undefined;
  /** Kills what was launched (its exit is reported as usual). */
  terminate(): void;
  /**
   * Ends the session: kills the debuggee (default for launch) or detaches from it with every
   * breakpoint removed (default for attach). A `disconnected` event says when it is done.
   */
  disconnect(terminateDebuggee: boolean | undefined): void;
}

export type EngineCommand = keyof EngineApi;
