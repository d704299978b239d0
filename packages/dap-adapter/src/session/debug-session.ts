// The DAP session, on the main thread: requests are answered by asking the engine (on the
// tracer thread) and never block; what the engine reports becomes DAP events.
import { existsSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import {
  BreakpointEvent, DebugSession, Event, ExitedEvent, InitializedEvent, OutputEvent, Response, Source, StackFrame,
  TerminatedEvent, Thread, ThreadEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EngineClient } from '../engine/engine-client.js';
import type { BreakpointState, EngineEvent, StartOptions } from '../engine/protocol.js';
import { FrameIds } from './frame-ids.js';
import { attachTarget, launchPlan } from './launch-config.js';
import { OutputForwarder } from './output-forwarder.js';

export interface SessionOptions {
  /** The engine worker script (default: dist/engine-worker.js next to the module). */
  readonly workerPath?: string | URL;
  /** Called once the session is over and cleaned up (the transport closes or exits). */
  readonly onEnd?: () => void;
  /** Where log lines go (default: stderr). */
  readonly log?: (line: string) => void;
}

/** How long the debuggee's last output may take to arrive after it exited. */
const OUTPUT_DRAIN_MS = 1000;
/** How long a disconnect may take (stopping every thread, removing breakpoints, detaching). */
const DISCONNECT_TIMEOUT_MS = 5000;

type Lifecycle = 'new' | 'initialized' | 'ended';

export class UmviewDebugSession extends DebugSession {
  private lifecycle: Lifecycle = 'new';
  private engine: Promise<EngineClient> | undefined;
  private debuggee: 'launched' | 'attached' | undefined;
  private startOptions: StartOptions | undefined;
  private configurationDone = false;
  private output: OutputForwarder | undefined;
  private readonly frames = new FrameIds();
  /** While > 0, events wait: a request's response goes out before the events it caused. */
  private holdCount = 0;
  private readonly heldEvents: DebugProtocol.Event[] = [];
  private disconnected: (() => void) | undefined;
  private readonly log: (line: string) => void;
  private readonly sourcePresence = new Map<string, boolean>();

  constructor(private readonly options: SessionOptions = {}) {
    super();
    this.log = options.log ?? ((line) => process.stderr.write(`umview-dap: ${line}\n`));
    // Lines and columns as the engine has them (1-based); converted for clients that count from 0.
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  // ---- protocol plumbing ----

  /** Answers a request the transport could not hand over (malformed, or out of order). */
  rejectRequest(requestSeq: number, command: string, message: string): void {
    this.log(`rejected request ${requestSeq} (${command}): ${message}`);
    const response = new Response({ seq: requestSeq, type: 'request', command });
    this.fail(response, message);
  }

  /** A message that could not even be read as a request: logged, and shown in the debug console. */
  reportMalformed(message: string): void {
    this.log(`ignored a malformed message: ${message}`);
    this.sendEvent(new OutputEvent(`umview-dap: ignored a malformed message: ${message}\n`, 'console'));
  }

  override sendEvent(event: DebugProtocol.Event): void {
    if (this.holdCount > 0) this.heldEvents.push(event);
    else super.sendEvent(event);
  }

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    if (this.lifecycle === 'new' && request.command !== 'initialize') {
      this.rejectRequest(request.seq, request.command, `"${request.command}" before "initialize": the first request must be "initialize"`);
      return;
    }
    if (request.command === 'initialize') {
      if (this.lifecycle !== 'new') {
        this.rejectRequest(request.seq, request.command, 'the session is already initialized');
        return;
      }
      const args: unknown = request.arguments;
      if (typeof args !== 'object' || args === null) {
        this.rejectRequest(request.seq, request.command, 'initialize: the arguments must be an object');
        return;
      }
      // The protocol's default path format; the base class insists on seeing it.
      (args as DebugProtocol.InitializeRequestArguments).pathFormat ??= 'path';
    }
    super.dispatchRequest(request);
  }

  /** Ends the session: the debuggee is let go as disconnect would, then `onEnd` runs. */
  override shutdown(): void {
    if (this.lifecycle === 'ended') return;
    this.lifecycle = 'ended';
    void this.release().finally(() => this.options.onEnd?.());
  }

  // ---- requests ----

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    this.lifecycle = 'initialized';
    // The worker starts now, while the client prepares its launch request.
    this.engine = EngineClient.start({ workerPath: this.options.workerPath }).then((engine) => {
      engine.onEvent((event) => this.onEngineEvent(event));
      return engine;
    });
    this.engine.catch(() => undefined); // reported by the request that needs it
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsConditionalBreakpoints: false,
      supportsTerminateRequest: true,
      supportTerminateDebuggee: true,
      supportsExceptionInfoRequest: true,
      supportsEvaluateForHovers: false,
      supportsSteppingGranularity: false,
      exceptionBreakpointFilters: [],
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): Promise<void> {
    const ok = await this.answer(response, async () => {
      if (this.debuggee !== undefined) throw new Error('this session already has a debuggee');
      const { plan, options } = launchPlan(args);
      const engine = await this.requireEngine();
      const result = await engine.call('launch', plan);
      this.debuggee = 'launched';
      this.startOptions = options;
      this.output = new OutputForwarder(result.stdio, (category, text) => this.sendEvent(new OutputEvent(text, category)));
      this.sendEvent(new Event('process', { name: result.program ?? plan.program, systemProcessId: result.pid, isLocalProcess: true, startMethod: 'launch' }));
    });
    if (ok) await this.afterStart();
  }

  protected override async attachRequest(response: DebugProtocol.AttachResponse, args: DebugProtocol.AttachRequestArguments): Promise<void> {
    const ok = await this.answer(response, async () => {
      if (this.debuggee !== undefined) throw new Error('this session already has a debuggee');
      const { pid, options } = attachTarget(args);
      const engine = await this.requireEngine();
      const result = await engine.call('attach', pid);
      this.debuggee = 'attached';
      this.startOptions = options;
      this.sendEvent(new Event('process', { name: result.program ?? String(pid), systemProcessId: pid, isLocalProcess: true, startMethod: 'attach' }));
    });
    if (ok) await this.afterStart();
  }

  protected override async setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): Promise<void> {
    await this.answer(response, async () => {
      const path = args?.source?.path;
      const requested: DebugProtocol.SourceBreakpoint[] = args?.breakpoints ?? args?.lines?.map((line) => ({ line })) ?? [];
      if (!Array.isArray(requested) || requested.some((bp) => typeof bp?.line !== 'number')) throw new Error('setBreakpoints: "breakpoints" must be an array of { line }');
      if (typeof path !== 'string' || path === '') {
        response.body = { breakpoints: requested.map(() => ({ verified: false, message: 'the source has no path' })) };
        return;
      }
      const specs = requested.map((bp) => ({ line: this.convertClientLineToDebugger(bp.line), hitCondition: bp.hitCondition }));
      const states = await (await this.requireEngine()).call('setSourceBreakpoints', path, specs);
      response.body = { breakpoints: states.map((state) => this.toDapBreakpoint(state)) };
    });
  }

  protected override async setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): Promise<void> {
    await this.answer(response, async () => {
      const requested = args?.breakpoints;
      if (!Array.isArray(requested) || requested.some((bp) => typeof bp?.name !== 'string')) throw new Error('setFunctionBreakpoints: "breakpoints" must be an array of { name }');
      const states = await (await this.requireEngine()).call('setFunctionBreakpoints', requested.map((bp) => ({ name: bp.name, hitCondition: bp.hitCondition })));
      response.body = { breakpoints: states.map((state) => this.toDapBreakpoint(state)) };
    });
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse): void {
    // Fatal signals always stop (reason "exception"): there are no filters to choose.
    response.body = { breakpoints: [] };
    this.sendResponse(response);
  }

  protected override async configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): Promise<void> {
    await this.control(response, async () => {
      this.configurationDone = true;
      if (this.debuggee !== undefined) await this.startDebuggee();
    });
  }

  protected override async threadsRequest(response: DebugProtocol.ThreadsResponse): Promise<void> {
    await this.answer(response, async () => {
      const threads = this.debuggee === undefined ? [] : await (await this.requireEngine()).call('threads');
      response.body = { threads: threads.map((thread) => new Thread(thread.id, `${thread.name} (${thread.id})`)) };
    });
  }

  protected override async stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): Promise<void> {
    await this.answer(response, async () => {
      const threadId = requireThreadId(args);
      const start = args.startFrame ?? 0;
      const result = await (await this.requireEngine()).call('stackTrace', threadId, start, args.levels ?? 0);
      const stackFrames = result.frames.map((frame, index) => {
        const source = frame.path === undefined ? undefined : this.source(frame.path);
        const line = frame.line === undefined ? 0 : this.convertDebuggerLineToClient(frame.line);
        const column = frame.column === undefined ? 0 : this.convertDebuggerColumnToClient(frame.column);
        const stackFrame: DebugProtocol.StackFrame = new StackFrame(this.frames.idFor(threadId, start + index), frame.name, undefined, line, column);
        if (source !== undefined) stackFrame.source = source;
        stackFrame.instructionPointerReference = frame.pc;
        if (frame.module !== undefined) stackFrame.moduleId = frame.module;
        if (source === undefined) stackFrame.presentationHint = 'subtle';
        return stackFrame;
      });
      response.body = { stackFrames, totalFrames: result.totalFrames };
    });
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    response.body = { scopes: [] };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse): void {
    response.body = { variables: [] };
    this.sendResponse(response);
  }

  protected override async exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): Promise<void> {
    await this.answer(response, async () => {
      const info = await (await this.requireEngine()).call('exceptionInfo', requireThreadId(args));
      if (info === undefined) throw new Error('the thread did not stop on a signal');
      response.body = { exceptionId: info.id, description: info.description, breakMode: 'always' };
    });
  }

  protected override async continueRequest(response: DebugProtocol.ContinueResponse): Promise<void> {
    await this.control(response, async () => {
      await (await this.requireEngine()).call('continue');
      response.body = { allThreadsContinued: true };
    });
  }

  protected override async nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): Promise<void> {
    await this.control(response, async () => (await this.requireEngine()).call('next', requireThreadId(args)));
  }

  protected override async stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): Promise<void> {
    await this.control(response, async () => (await this.requireEngine()).call('stepIn', requireThreadId(args)));
  }

  protected override async stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): Promise<void> {
    await this.control(response, async () => (await this.requireEngine()).call('stepOut', requireThreadId(args)));
  }

  protected override async pauseRequest(response: DebugProtocol.PauseResponse): Promise<void> {
    await this.control(response, async () => (await this.requireEngine()).call('pause'));
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.answer(response, async () => {
      if (this.debuggee === undefined) this.sendEvent(new TerminatedEvent());
      else await (await this.requireEngine()).call('terminate');
    });
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): Promise<void> {
    await this.release(args?.terminateDebuggee);
    this.sendResponse(response);
    this.shutdown();
  }

  // ---- engine events ----

  private onEngineEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'stopped': {
        this.frames.clear();
        const body: DebugProtocol.StoppedEvent['body'] = { reason: event.reason, threadId: event.threadId, allThreadsStopped: true };
        if (event.description !== undefined) body.description = event.description;
        if (event.text !== undefined) body.text = event.text;
        if (event.hitBreakpointIds !== undefined) body.hitBreakpointIds = [...event.hitBreakpointIds];
        this.sendEvent(new Event('stopped', body) as DebugProtocol.StoppedEvent);
        return;
      }
      case 'thread':
        this.sendEvent(new ThreadEvent(event.reason, event.threadId));
        return;
      case 'breakpoint':
        this.sendEvent(new BreakpointEvent('changed', this.toDapBreakpoint(event.breakpoint)));
        return;
      case 'exited':
        void this.debuggeeEnded(event.exitCode);
        return;
      case 'log':
        this.log(event.text);
        this.sendEvent(new OutputEvent(`${event.text}\n`, 'console'));
        return;
      case 'disconnected':
        this.disconnected?.();
        return;
    }
  }

  private async debuggeeEnded(exitCode: number): Promise<void> {
    this.debuggee = undefined;
    this.frames.clear();
    // The last lines it printed come before the news of its death.
    await this.output?.drained(OUTPUT_DRAIN_MS);
    this.sendEvent(new ExitedEvent(exitCode));
    this.sendEvent(new TerminatedEvent());
  }

  // ---- helpers ----

  private async afterStart(): Promise<void> {
    // Now the client may send its breakpoints (they resolve at once in the loaded program).
    this.sendEvent(new InitializedEvent());
    if (this.configurationDone) await this.startDebuggee().catch((error: Error) => this.log(error.message));
  }

  private async startDebuggee(): Promise<void> {
    await (await this.requireEngine()).call('start', this.startOptions!);
  }

  /** Lets the debuggee go as disconnect says (kill or detach), then stops the worker. */
  private async release(terminateDebuggee?: boolean): Promise<void> {
    const engine = await this.engine?.catch(() => undefined);
    if (engine === undefined) return;
    if (this.debuggee !== undefined) {
      const done = new Promise<void>((resolve) => {
        this.disconnected = resolve;
        setTimeout(resolve, DISCONNECT_TIMEOUT_MS).unref();
      });
      try {
        await engine.call('disconnect', terminateDebuggee);
        await done;
      } catch (error) {
        this.log(`disconnect: ${(error as Error).message}`);
      }
      this.debuggee = undefined;
    }
    this.output?.close();
    await engine.close();
  }

  /** Runs a request; its response carries the result, or success: false and the message. */
  private async answer(response: DebugProtocol.Response, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      this.sendResponse(response);
      return true;
    } catch (error) {
      this.fail(response, (error as Error).message ?? String(error));
      return false;
    }
  }

  /** A request that resumes or stops the debuggee: its response precedes the events it causes. */
  private async control(response: DebugProtocol.Response, run: () => Promise<unknown>): Promise<void> {
    this.frames.clear();
    this.holdCount++;
    try {
      await this.answer(response, run);
    } finally {
      this.holdCount--;
      if (this.holdCount === 0) for (const event of this.heldEvents.splice(0)) super.sendEvent(event);
    }
  }

  private fail(response: DebugProtocol.Response, message: string): void {
    response.success = false;
    response.message = message;
    // No format variables: the message is shown as it is.
    response.body = { error: { id: 1, format: message.replace(/[{}]/g, ''), showUser: true } };
    this.sendResponse(response);
  }

  private requireEngine(): Promise<EngineClient> {
    if (this.engine === undefined) return Promise.reject(new Error('the session is not initialized'));
    return this.engine.catch((error: Error) => {
      throw new Error(`cannot start the tracer: ${error.message}`);
    });
  }

  /** A frame's source; de-emphasized when the file is not on this machine (libc's sources,
   * named by its separate debug information, usually are not). */
  private source(path: string): DebugProtocol.Source {
    const source: DebugProtocol.Source = new Source(basename(path), path);
    let present = this.sourcePresence.get(path);
    if (present === undefined) {
      present = isAbsolute(path) && existsSync(path);
      this.sourcePresence.set(path, present);
    }
    if (!present) {
      source.presentationHint = 'deemphasize';
      source.origin = 'not found on this machine';
    }
    return source;
  }

  private toDapBreakpoint(state: BreakpointState): DebugProtocol.Breakpoint {
    const breakpoint: DebugProtocol.Breakpoint = { id: state.id, verified: state.verified };
    if (state.line !== undefined) breakpoint.line = this.convertDebuggerLineToClient(state.line);
    if (state.path !== undefined) breakpoint.source = new Source(basename(state.path), state.path);
    if (state.message !== undefined) breakpoint.message = state.message;
    if (state.instructionReference !== undefined) breakpoint.instructionReference = state.instructionReference;
    return breakpoint;
  }
}

function requireThreadId(args: { threadId?: unknown } | undefined): number {
  const id = args?.threadId;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new Error('"threadId" must be a thread id');
  return id;
}
