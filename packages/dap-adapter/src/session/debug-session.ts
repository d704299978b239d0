// The DAP session, on the main thread: requests are answered by asking the engine (on the
// tracer thread) and never block; what the engine reports becomes DAP events.
import { existsSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BreakpointEvent, ContinuedEvent, DebugSession, Event, ExitedEvent, InitializedEvent, InvalidatedEvent, ModuleEvent, OutputEvent, Response, Source, StackFrame,
  TerminatedEvent, Thread, ThreadEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EngineClient } from '../engine/engine-client.js';
import type {
  BreakpointOptions, BreakpointState, EngineEvent, EvaluationTarget, PrefetchResult, StartOptions, ValueFormatOptions,
} from '../engine/protocol.js';
import type { FollowForkMode, ForkedEvent } from '../engine/fork-protocol.js';
import { launchInTerminal } from '../terminal/terminal-launch.js';
import { dataBreakpointQuery, dataBreakpointSpecs } from './data-breakpoint-requests.js';
import { ChildSessions, followedChildOf, followForkMode } from './child-sessions.js';
import { FrameIds } from './frame-ids.js';
import { attachTarget, launchPlan } from './launch-config.js';
import { coreTarget, isCoreLaunch } from '../core/core-config.js';
import { openCore } from '../core/core-client.js';
import { OutputForwarder } from './output-forwarder.js';

export interface SessionOptions {
  /** The engine worker script (default: dist/engine-worker.js next to the module). */
  readonly workerPath?: string | URL;
  /** Called once the session is over and cleaned up (the transport closes or exits). */
  readonly onEnd?: () => void;
  /** Where log lines go (default: stderr). */
  readonly log?: (line: string) => void;
  /** The terminal launcher script (default: dist/terminal-launcher.js next to the module). */
  readonly launcherPath?: string | URL;
}

function pathOf(location: string | URL): string {
  return typeof location === 'string' && !location.startsWith('file:') ? location : fileURLToPath(location);
}

function defaultLauncherUrl(): URL {
  // Built as dist/{index,cli}.{js,cjs} next to dist/terminal-launcher.{js,cjs}.
  const here = import.meta.url;
  return new URL(here.endsWith('.cjs') ? './terminal-launcher.cjs' : './terminal-launcher.js', here);
}

/** Watch expressions remembered for prefetching (VS Code evaluates every one at every stop). */
const MAX_WATCHES = 64;

/** How long the debuggee's last output may take to arrive after it exited. */
const OUTPUT_DRAIN_MS = 1000;
/** How long a disconnect may take (stopping every thread, removing breakpoints, detaching). */
const DISCONNECT_TIMEOUT_MS = 5000;

/** How long the client may take to answer startDebugging; without an answer by then the child
 * still waits for its session (until the parent's ends), but the adapter's timer goes. */
const START_DEBUGGING_TIMEOUT_MS = 60_000;

type Lifecycle = 'new' | 'initialized' | 'ended';

export class UmviewDebugSession extends DebugSession {
  private lifecycle: Lifecycle = 'new';
  private engine: Promise<EngineClient> | undefined;
  private debuggee: 'launched' | 'attached' | undefined;
  private startOptions: StartOptions | undefined;
  /** How the debuggee was started, for restart. */
  private lastStart: { readonly request: 'launch' | 'attach'; readonly args: unknown } | undefined;
  private configurationDone = false;
  /** The client said in `initialize` that it can run a program in its terminal. */
  private clientRunsInTerminal = false;
  /** VS Code (and code-server): its debug console reads a completion's `start` its own way (see completionsRequest). */
  private clientIsVsCode = false;
  private output: OutputForwarder | undefined;
  /** The client said in `initialize` that it can start a session for a forked child. */
  private clientStartsSessions = false;
  private followFork: FollowForkMode = 'parent';
  private debuggeePid: number | undefined;
  private readonly children: ChildSessions;
  private readonly frames = new FrameIds();
  /** While > 0, events wait: a request's response goes out before the events it caused. */
  private holdCount = 0;
  private readonly heldEvents: DebugProtocol.Event[] = [];
  private disconnected: (() => void) | undefined;
  private readonly log: (line: string) => void;
  private readonly sourcePresence = new Map<string, boolean>();
  /** Expressions the client evaluates as watches, in the order last seen. */
  private readonly watches = new Set<string>();
  /**
   * When a client asks for the scopes of a stopped thread's top frame, it asks next for the
   * Locals and every watch expression: they are fetched with the scopes (one round trip to the
   * tracer thread instead of one per request) and answered from here. Void when the program
   * runs or anything is changed.
   */
  private prefetched: { readonly threadId: number; readonly result: Promise<PrefetchResult | undefined> } | undefined;

  constructor(private readonly options: SessionOptions = {}) {
    super();
    this.log = options.log ?? ((line) => process.stderr.write(`umview-dap: ${line}\n`));
    this.children = new ChildSessions({
      startDebugging: (configuration, done) => this.sendRequest('startDebugging', { request: 'attach', configuration }, START_DEBUGGING_TIMEOUT_MS, (answer) => done(answer.success ? undefined : answer.message || 'refused')),
      console: (text) => this.sendEvent(new OutputEvent(`${text}\n`, 'console')),
      sessionOptions: { workerPath: options.workerPath, launcherPath: options.launcherPath, log: options.log },
    });
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

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.lifecycle = 'initialized';
    this.clientRunsInTerminal = args.supportsRunInTerminalRequest === true;
    this.clientIsVsCode = args.clientID === 'vscode';
    this.clientStartsSessions = (args as { supportsStartDebuggingRequest?: boolean }).supportsStartDebuggingRequest === true;
    // The worker starts now, while the client prepares its launch request (a followed child's
    // engine is in its parent session's worker).
    const followed = followedChildOf(this.options);
    const client = followed !== undefined ? Promise.resolve(followed.client) : EngineClient.start({ workerPath: this.options.workerPath });
    this.engine = client.then((engine) => {
      engine.onEvent((event) => (event.type === 'forked' ? void this.onForked(event) : this.onEngineEvent(event)));
      return engine;
    });
    this.engine.catch(() => undefined); // reported by the request that needs it
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsTerminateRequest: true,
      supportsRestartRequest: true,
      supportTerminateDebuggee: true,
      supportsExceptionInfoRequest: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsValueFormattingOptions: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsInstructionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      supportsSteppingGranularity: true,
      supportsExceptionFilterOptions: true,
      supportsModulesRequest: true,
      supportsCompletionsRequest: true,
      completionTriggerCharacters: ['.', '>', ':'],
      supportsGotoTargetsRequest: true,
      exceptionBreakpointFilters: [{
        filter: SYSCALL_FILTER,
        label: 'System calls',
        description: 'Stop when the program makes a system call (all of them, or those named in the condition)',
        default: false,
        supportsCondition: true,
        conditionDescription: 'System calls to stop at, e.g. "openat, execve" (empty: every call)',
      }],
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): Promise<void> {
    const ok = await this.answer(response, () => this.startLaunch(args));
    if (ok) await this.afterStart();
  }

  protected override async attachRequest(response: DebugProtocol.AttachResponse, args: DebugProtocol.AttachRequestArguments): Promise<void> {
    const ok = await this.answer(response, () => this.startAttach(args));
    if (ok) await this.afterStart();
  }

  /**
   * DAP's restart: the debuggee is let go as disconnect would (a launched one killed, an
   * attached one detached) and started again, with the configuration the client sends (its
   * latest launch.json) or the last one; the breakpoints stay, and the new debuggee starts
   * as the last one did after configurationDone.
   */
  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    await this.control(response, async () => {
      const last = this.lastStart;
      if (followedChildOf(this.options) !== undefined) throw new Error('a forked child cannot be started again: restart its parent\'s session');
      if (last === undefined) throw new Error('restart before launch or attach: there is nothing to restart');
      const next: unknown = args?.arguments ?? last.args;
      // A configuration that cannot start is refused before the running debuggee is let go.
      if (last.request === 'launch' && isCoreLaunch(next)) coreTarget(next);
      else if (last.request === 'launch') launchPlan(next);
      else attachTarget(next);
      const engine = await this.requireEngine();
      await this.children.endAll(); // the old debuggee's children go with it
      await this.endDebuggee(engine, undefined);
      this.output?.close();
      this.output = undefined;
      if (last.request === 'launch') await this.startLaunch(next);
      else await this.startAttach(next);
      if (this.configurationDone) await this.startDebuggee();
    });
  }

  private async startLaunch(args: unknown): Promise<void> {
    if (this.debuggee !== undefined) throw new Error('this session already has a debuggee');
    if (isCoreLaunch(args)) return this.startCore(args);
    const { plan, options, console: consoleKind, envChanges } = launchPlan(args);
    const followFork = followForkMode(args);
    if (consoleKind !== 'internalConsole' && !this.clientRunsInTerminal) {
      throw new Error(`"console": "${consoleKind}" needs a client that runs programs in its terminals (runInTerminal), and this one does not: use "internalConsole"`);
    }
    const engine = await this.requireEngine();
    const result = consoleKind === 'internalConsole'
      ? await engine.call('launch', plan)
      : await launchInTerminal(engine, {
        kind: consoleKind === 'integratedTerminal' ? 'integrated' : 'external',
        plan,
        envChanges,
        launcherPath: pathOf(this.options.launcherPath ?? defaultLauncherUrl()),
        runInTerminal: (request, timeoutMs) => new Promise((resolve, reject) => {
          this.runInTerminalRequest(request, timeoutMs, (answer) => {
            if (answer.success) resolve(answer as DebugProtocol.RunInTerminalResponse);
            else reject(new Error(answer.message || 'refused'));
          });
        }),
      });
    this.debuggee = 'launched';
    this.debuggeePid = result.pid;
    await this.setUpFollowFork(engine, followFork);
    this.lastStart = { request: 'launch', args };
    this.startOptions = options;
    this.output = new OutputForwarder(result.stdio, (category, text) => this.sendEvent(new OutputEvent(text, category)));
    this.sendEvent(new Event('process', { name: result.program ?? plan.program, systemProcessId: result.pid, isLocalProcess: true, startMethod: 'launch' }));
  }

  /** A post-mortem session: the engine opens the core; configurationDone reports its one stop. */
  private async startCore(args: unknown): Promise<void> {
    const { plan, options } = coreTarget(args);
    const result = await openCore(await this.requireEngine(), plan);
    this.debuggee = 'launched';
    this.lastStart = { request: 'launch', args };
    this.startOptions = options;
    this.sendEvent(new Event('process', { name: result.program ?? plan.coreFile, systemProcessId: result.pid, isLocalProcess: true, startMethod: 'launch' }));
  }

  private async startAttach(args: unknown): Promise<void> {
    if (this.debuggee !== undefined) throw new Error('this session already has a debuggee');
    const { pid, options } = attachTarget(args);
    const followFork = followForkMode(args);
    const engine = await this.requireEngine();
    const followed = followedChildOf(this.options);
    if (followed !== undefined) {
      // A forked child, held stopped by its engine since its first stop.
      if (pid !== followed.pid) throw new Error(`this session is for child process ${followed.pid}, not ${pid}`);
      this.debuggee = followed.origin;
      this.debuggeePid = pid;
      this.startOptions = options;
      await this.setUpFollowFork(engine, followFork);
      this.sendEvent(new Event('process', { name: followed.program ?? String(pid), systemProcessId: pid, isLocalProcess: true, startMethod: 'attachForSuspendedLaunch' }));
      return;
    }
    const result = await engine.call('attach', pid);
    this.debuggee = 'attached';
    this.debuggeePid = pid;
    await this.setUpFollowFork(engine, followFork);
    this.lastStart = { request: 'attach', args };
    this.startOptions = options;
    this.sendEvent(new Event('process', { name: result.program ?? String(pid), systemProcessId: pid, isLocalProcess: true, startMethod: 'attach' }));
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
      const specs = requested.map((bp) => ({ line: this.convertClientLineToDebugger(bp.line), ...breakpointOptions(bp) }));
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
      const states = await (await this.requireEngine()).call('setFunctionBreakpoints', requested.map((bp) => ({ name: bp.name, ...breakpointOptions(bp) })));
      response.body = { breakpoints: states.map((state) => this.toDapBreakpoint(state)) };
    });
  }

  protected override async setInstructionBreakpointsRequest(
    response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments,
  ): Promise<void> {
    await this.answer(response, async () => {
      const requested = args?.breakpoints;
      if (!Array.isArray(requested) || requested.some((bp) => typeof bp?.instructionReference !== 'string')) {
        throw new Error('setInstructionBreakpoints: "breakpoints" must be an array of { instructionReference }');
      }
      const specs = requested.map((bp) => {
        let address: string;
        try {
          address = `0x${(BigInt(bp.instructionReference) + BigInt(bp.offset ?? 0)).toString(16)}`;
        } catch {
          address = bp.instructionReference;
        }
        return { address, ...breakpointOptions(bp) };
      });
      const states = await (await this.requireEngine()).call('setInstructionBreakpoints', specs);
      response.body = { breakpoints: states.map((state) => this.toDapBreakpoint(state)) };
    });
  }

  protected override async dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): Promise<void> {
    await this.answer(response, async () => {
      const query = dataBreakpointQuery(args, (frameId) => this.evaluationTarget(frameId));
      response.body = await (await this.requireEngine()).call('dataBreakpointInfo', query);
    });
  }

  protected override async setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): Promise<void> {
    await this.answer(response, async () => {
      const states = await (await this.requireEngine()).call('setDataBreakpoints', dataBreakpointSpecs(args));
      response.body = { breakpoints: states.map((state) => this.toDapBreakpoint(state)) };
    });
  }

  protected override async setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): Promise<void> {
    // Fatal signals always stop (reason "exception"); the one filter is the syscall catchpoint.
    await this.answer(response, async () => {
      const filters = Array.isArray(args?.filters) ? args.filters : [];
      const options = Array.isArray(args?.filterOptions) ? args.filterOptions : [];
      const option = options.find((candidate) => candidate?.filterId === SYSCALL_FILTER);
      const enabled = option !== undefined || filters.includes(SYSCALL_FILTER);
      const names = enabled ? (option?.condition ?? '').split(/[\s,]+/).filter((name) => name !== '') : null;
      const state = await (await this.requireEngine()).call('setSyscallCatchpoint', names);
      const results: DebugProtocol.Breakpoint[] = [...filters.map(() => ({ verified: true })), ...options.map(() => ({ verified: true }))];
      const index = option !== undefined ? filters.length + options.indexOf(option) : filters.indexOf(SYSCALL_FILTER);
      if (index >= 0) results[index] = { verified: state.verified, ...(state.message === undefined ? {} : { message: state.message }) };
      response.body = { breakpoints: results };
    });
  }

  protected override async configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): Promise<void> {
    await this.control(response, async () => {
      // The client says it is done configuring a debuggee it launched or attached to (after
      // the `initialized` event); before that it would let a later launch run past the
      // breakpoints the client has not set yet.
      if (this.debuggee === undefined) throw new Error('configurationDone before launch or attach: send it after the initialized event');
      this.configurationDone = true;
      await this.startDebuggee();
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

  private startPrefetch(threadId: number): void {
    const result = this.engine!.then((engine) => engine.call('prefetch', threadId, [...this.watches])).catch(() => undefined);
    this.prefetched = { threadId, result };
  }

  /** The prefetched answers, if they are for the top frame `frameId`. */
  private async prefetchFor(frameId: number | undefined): Promise<PrefetchResult | undefined> {
    const prefetched = this.prefetched;
    if (prefetched === undefined || frameId === undefined) return undefined;
    const frame = this.frames.frame(frameId);
    if (frame === undefined || frame.index !== 0 || frame.threadId !== prefetched.threadId) return undefined;
    const result = await prefetched.result;
    return this.prefetched === prefetched ? result : undefined;
  }

  /** Something changed, or the program ran: what was prefetched is stale. */
  private dropPrefetched(): void {
    this.prefetched = undefined;
  }

  protected override async scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): Promise<void> {
    await this.answer(response, async () => {
      const frame = this.requireFrame(args?.frameId);
      if (frame.index === 0 && this.prefetched?.threadId !== frame.threadId) this.startPrefetch(frame.threadId);
      const prefetched = await this.prefetchFor(args.frameId);
      if (prefetched !== undefined) {
        response.body = { scopes: prefetched.scopes.map((scope) => ({ ...scope })) };
        return;
      }
      const scopes = await (await this.requireEngine()).call('scopes', frame.threadId, frame.index);
      response.body = { scopes: scopes.map((scope) => ({ ...scope })) };
    });
  }

  protected override async variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): Promise<void> {
    await this.answer(response, async () => {
      const reference = requireReference(args?.variablesReference);
      const filter = args.filter === 'indexed' || args.filter === 'named' ? args.filter : undefined;
      const locals = this.prefetched === undefined ? undefined : (await this.prefetched.result)?.locals;
      if (locals !== undefined && locals.reference === reference && filter === undefined && !args.start && !args.count && args.format === undefined) {
        response.body = { variables: locals.variables };
        return;
      }
      const variables = await (await this.requireEngine()).call('variables', reference, filter, nonNegative(args.start), nonNegative(args.count), valueFormat(args.format));
      response.body = { variables };
    });
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    await this.answer(response, async () => {
      const reference = requireReference(args?.variablesReference);
      if (typeof args.name !== 'string' || typeof args.value !== 'string') throw new Error('setVariable: "name" and "value" must be strings');
      this.dropPrefetched();
      const variable = await (await this.requireEngine()).call('setVariable', reference, args.name, args.value, valueFormat(args.format));
      response.body = {
        value: variable.value, type: variable.type, variablesReference: variable.variablesReference,
        namedVariables: variable.namedVariables, indexedVariables: variable.indexedVariables, memoryReference: variable.memoryReference,
      };
    });
    this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected override async setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): Promise<void> {
    await this.answer(response, async () => {
      if (typeof args?.expression !== 'string' || typeof args.value !== 'string') throw new Error('setExpression: "expression" and "value" must be strings');
      this.dropPrefetched();
      const result = await (await this.requireEngine()).call('setExpression', this.evaluationTarget(args.frameId), args.expression, args.value, valueFormat(args.format));
      response.body = { value: result.result, type: result.type, variablesReference: result.variablesReference, namedVariables: result.namedVariables, indexedVariables: result.indexedVariables, memoryReference: result.memoryReference };
    });
    this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    await this.answer(response, async () => {
      if (typeof args?.expression !== 'string') throw new Error('evaluate: "expression" must be a string');
      if (this.debuggee === undefined) throw new Error('there is no debuggee');
      if (args.context === 'watch') {
        this.watches.delete(args.expression);
        this.watches.add(args.expression);
        if (this.watches.size > MAX_WATCHES) this.watches.delete(this.watches.values().next().value!);
        const prefetched = args.format === undefined ? await this.prefetchFor(args.frameId) : undefined;
        const watch = prefetched?.watches.find((candidate) => candidate.expression === args.expression);
        if (watch?.result !== undefined) {
          response.body = { ...watch.result };
          return;
        }
        if (watch?.error !== undefined) throw new Error(watch.error);
      } else if (args.context === 'repl' || args.context === undefined) {
        this.dropPrefetched(); // the console may change the program (an assignment)
      }
      const result = await (await this.requireEngine()).call('evaluate', this.evaluationTarget(args.frameId), args.expression, args.context, valueFormat(args.format));
      response.body = { ...result };
    });
  }

  protected override async readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): Promise<void> {
    await this.answer(response, async () => {
      if (typeof args?.memoryReference !== 'string' || typeof args.count !== 'number') throw new Error('readMemory: "memoryReference" and "count" are required');
      const result = await (await this.requireEngine()).call('readMemory', args.memoryReference, integer(args.offset), args.count);
      response.body = { ...result };
    });
  }

  protected override async writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): Promise<void> {
    await this.answer(response, async () => {
      if (typeof args?.memoryReference !== 'string' || typeof args.data !== 'string') throw new Error('writeMemory: "memoryReference" and "data" are required');
      this.dropPrefetched();
      const result = await (await this.requireEngine()).call('writeMemory', args.memoryReference, integer(args.offset), args.data, args.allowPartial === true);
      response.body = { bytesWritten: result.bytesWritten };
    });
    this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected override async disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): Promise<void> {
    await this.answer(response, async () => {
      if (typeof args?.memoryReference !== 'string' || typeof args.instructionCount !== 'number') throw new Error('disassemble: "memoryReference" and "instructionCount" are required');
      const instructions = await (await this.requireEngine()).call(
        'disassemble', args.memoryReference, integer(args.offset), integer(args.instructionOffset), args.instructionCount, args.resolveSymbols !== false,
      );
      response.body = {
        instructions: instructions.map((instruction) => {
          const { path, line, column, ...rest } = instruction;
          const out: DebugProtocol.DisassembledInstruction = { ...rest };
          if (path !== undefined) out.location = this.source(path);
          if (line !== undefined) out.line = this.convertDebuggerLineToClient(line);
          if (column !== undefined) out.column = this.convertDebuggerColumnToClient(column);
          return out;
        }),
      };
    });
  }

  protected override async exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): Promise<void> {
    await this.answer(response, async () => {
      const info = await (await this.requireEngine()).call('exceptionInfo', requireThreadId(args));
      if (info === undefined) throw new Error('the thread did not stop on a signal or a catchpoint');
      response.body = {
        exceptionId: info.id, description: info.description, breakMode: 'always',
        ...(info.typeName === undefined ? {} : { details: { typeName: info.typeName, message: info.message } }),
      };
    });
  }

  protected override async continueRequest(response: DebugProtocol.ContinueResponse): Promise<void> {
    await this.control(response, async () => {
      await (await this.requireEngine()).call('continue');
      response.body = { allThreadsContinued: true };
    });
  }

  protected override async nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): Promise<void> {
    await this.control(response, async () => {
      const engine = await this.requireEngine();
      if (args?.granularity === 'instruction') return engine.call('stepInstruction', requireThreadId(args), true);
      return engine.call('next', requireThreadId(args));
    });
  }

  protected override async stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): Promise<void> {
    await this.control(response, async () => {
      const engine = await this.requireEngine();
      if (args?.granularity === 'instruction') return engine.call('stepInstruction', requireThreadId(args), false);
      return engine.call('stepIn', requireThreadId(args));
    });
  }

  protected override async stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): Promise<void> {
    await this.control(response, async () => (await this.requireEngine()).call('stepOut', requireThreadId(args)));
  }

  protected override async pauseRequest(response: DebugProtocol.PauseResponse): Promise<void> {
    await this.control(response, async () => (await this.requireEngine()).call('pause'));
  }

  /** DAP's terminate: a request to end (SIGTERM, see Engine.terminate); disconnect is the one that kills or detaches. */
  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.control(response, async () => {
      if (this.debuggee === undefined) this.sendEvent(new TerminatedEvent());
      else {
        const { resumed } = await (await this.requireEngine()).call('terminate');
        if (resumed !== undefined) this.sendEvent(new ContinuedEvent(resumed, true));
      }
    });
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): Promise<void> {
    await this.release(args?.terminateDebuggee);
    this.sendResponse(response);
    this.shutdown();
  }

  /** Requests the base class has no method for (DAP's `modules`). */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === 'modules') void this.modulesRequest(response as DebugProtocol.ModulesResponse, args as DebugProtocol.ModulesArguments);
    else super.customRequest(command, response, args);
  }

  protected async modulesRequest(response: DebugProtocol.ModulesResponse, args: DebugProtocol.ModulesArguments): Promise<void> {
    await this.answer(response, async () => {
      if (this.debuggee === undefined) {
        response.body = { modules: [], totalModules: 0 };
        return;
      }
      const result = await (await this.requireEngine()).call('loadedModules', nonNegative(args?.startModule), nonNegative(args?.moduleCount));
      response.body = { modules: result.modules.map((module) => ({ ...module })), totalModules: result.totalModules };
    });
  }

  protected override async completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): Promise<void> {
    await this.answer(response, async () => {
      if (typeof args?.text !== 'string' || typeof args.column !== 'number') throw new Error('completions: "text" and "column" are required');
      if (this.debuggee === undefined) {
        response.body = { targets: [] };
        return;
      }
      // The line of a multi-line text the cursor is on (the first when none is given).
      const lines = args.text.split('\n');
      const text = lines[Math.min(lines.length - 1, Math.max(0, typeof args.line === 'number' ? this.convertClientLineToDebugger(args.line) - 1 : 0))] ?? '';
      const offset = this.convertClientColumnToDebugger(args.column) - 1;
      const candidates = await (await this.requireEngine()).call('completions', this.evaluationTarget(args.frameId), text, offset);
      // VS Code replaces the `length` characters before the cursor and ignores `start` for that,
      // but filters by text.substring(start, start + length) + label, reading `start` as a 0-based
      // offset whatever columnsStartAt1 says: a 1-based start would hide the items. Without
      // `start` it filters by the label, as it should.
      response.body = {
        targets: candidates.map(({ start, ...candidate }) => (this.clientIsVsCode ? { ...candidate } : { ...candidate, start: this.convertDebuggerColumnToClient(start + 1) })),
      };
    });
  }

  protected override async gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): Promise<void> {
    await this.answer(response, async () => {
      const path = args?.source?.path;
      if (typeof path !== 'string' || path === '' || typeof args.line !== 'number') throw new Error('gotoTargets: "source.path" and "line" are required');
      if (this.debuggee === undefined) throw new Error('there is no debuggee');
      const targets = await (await this.requireEngine()).call('gotoTargets', path, this.convertClientLineToDebugger(args.line));
      response.body = {
        targets: targets.map((target) => ({
          id: target.id, label: target.label, line: this.convertDebuggerLineToClient(target.line), instructionPointerReference: target.address,
        })),
      };
    });
  }

  protected override async gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): Promise<void> {
    await this.control(response, async () => {
      if (typeof args?.targetId !== 'number') throw new Error('goto: "targetId" is required');
      await (await this.requireEngine()).call('goto', requireThreadId(args), args.targetId);
    });
  }

  // ---- followFork (child-sessions.ts) ----

  private async setUpFollowFork(engine: EngineClient, mode: FollowForkMode): Promise<void> {
    this.followFork = mode;
    if (this.followFork === 'parent') return;
    if (!this.clientStartsSessions) {
      this.sendEvent(new OutputEvent(`umview: "followFork": "${this.followFork}" needs a client that starts debug sessions (startDebugging), and this one does not: forked processes run on, not debugged\n`, 'console'));
      return;
    }
    await engine.call('followChildren', true);
  }

  /** The debuggee forked and the child is held for a session of its own. In "child" mode the
   * parent is then let go (detached, its breakpoints removed) and this session stays, without
   * a debuggee, until its children's sessions are over (the worker that traces them is this
   * session's). */
  private async onForked(event: ForkedEvent): Promise<void> {
    if (this.lifecycle === 'ended') return; // the worker that holds the child is closing: it goes with it
    try {
      const engine = await this.requireEngine();
      await this.children.open(engine, event, this.debuggee ?? 'launched', this.followFork);
      if (this.followFork !== 'child' || this.debuggee === undefined) return;
      const parent = this.debuggeePid;
      await this.endDebuggee(engine, false);
      this.sendEvent(new OutputEvent(`umview: followFork "child": detached from the parent process ${parent}, which runs on; this session ends with its child's\n`, 'console'));
      this.children.whenAllEnded(() => this.sendEvent(new TerminatedEvent()));
    } catch (error) {
      this.log(`followFork: ${(error as Error).message}`);
    }
  }

  // ---- engine events ----

  private onEngineEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'stopped': {
        this.frames.clear();
        this.dropPrefetched();
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
      case 'output': {
        const output = new OutputEvent(event.text, 'console') as DebugProtocol.OutputEvent;
        if (event.path !== undefined) output.body.source = this.source(event.path);
        if (event.line !== undefined) output.body.line = this.convertDebuggerLineToClient(event.line);
        this.sendEvent(output);
        return;
      }
      case 'disconnected':
        this.disconnected?.();
        return;
      case 'modules':
        for (const change of event.changes) this.sendEvent(new ModuleEvent(change.reason, { ...change.module }));
        return;
    }
  }

  private async debuggeeEnded(exitCode: number): Promise<void> {
    this.debuggee = undefined;
    this.frames.clear();
    this.dropPrefetched();
    // The last lines it printed come before the news of its death.
    await this.output?.drained(OUTPUT_DRAIN_MS);
    this.sendEvent(new ExitedEvent(exitCode));
    // Its forked children's sessions live in this session's worker: it ends with the last of
    // them (a program that forks a daemon and exits keeps the daemon's session).
    this.children.whenAllEnded(() => this.sendEvent(new TerminatedEvent()));
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
    await this.children.endAll();
    await this.endDebuggee(engine, terminateDebuggee);
    this.output?.close();
    await engine.close();
  }

  /** Kills the debuggee or detaches from it (DAP's terminateDebuggee; by default a launched
   * one is killed, an attached one let go) and waits until that is done. */
  private async endDebuggee(engine: EngineClient, terminateDebuggee: boolean | undefined): Promise<void> {
    if (this.debuggee === undefined) return;
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
    this.frames.clear();
    this.dropPrefetched();
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
    this.dropPrefetched();
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

  private requireFrame(frameId: unknown): { threadId: number; index: number } {
    const frame = typeof frameId === 'number' ? this.frames.frame(frameId) : undefined;
    if (frame === undefined) throw new Error(`unknown frame id ${String(frameId)} (the program ran since the stack was shown)`);
    return frame;
  }

  private evaluationTarget(frameId: number | undefined): EvaluationTarget {
    if (frameId === undefined) return {};
    const frame = this.requireFrame(frameId);
    return { threadId: frame.threadId, frameIndex: frame.index };
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

const SYSCALL_FILTER = 'syscall';

function breakpointOptions(bp: { hitCondition?: string; condition?: string; logMessage?: string }): BreakpointOptions {
  const options: { -readonly [K in keyof BreakpointOptions]: BreakpointOptions[K] } = {};
  if (typeof bp.hitCondition === 'string') options.hitCondition = bp.hitCondition;
  if (typeof bp.condition === 'string') options.condition = bp.condition;
  if (typeof bp.logMessage === 'string') options.logMessage = bp.logMessage;
  return options;
}

function requireReference(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new Error('"variablesReference" must be a positive integer');
  return value;
}

function nonNegative(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

function integer(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : 0;
}

function valueFormat(format: DebugProtocol.ValueFormat | undefined): ValueFormatOptions {
  return format?.hex === true ? { hex: true } : {};
}

function requireThreadId(args: { threadId?: unknown } | undefined): number {
  const id = args?.threadId;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new Error('"threadId" must be a thread id');
  return id;
}
