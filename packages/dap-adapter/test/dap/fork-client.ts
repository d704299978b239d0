// A DAP test client that answers the adapter's reverse requests, as VS Code does: above all
// `startDebugging` (followFork), which it answers by connecting a client of its own to the
// unix socket the configuration names, as the extension's DebugAdapterNamedPipeServer makes
// VS Code do.
import { connect, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { PatientDebugClient, adapterCli, whileWaiting } from './helpers.js';

/** The configuration field naming a child's socket (src/session/child-sessions.ts). */
const CHILD_SESSION_FIELD = 'umviewChildSession';

export interface StartDebuggingConfiguration {
  type: string;
  request: string;
  name: string;
  pid: number;
  followFork?: string;
  [CHILD_SESSION_FIELD]: { socket: string; pid: number };
}

interface ProtocolInternals {
  dispatch(body: string): void;
  outputStream: Writable;
  connect(readable: NodeJS.ReadableStream, writable: Writable): void;
}

export class ForkClient extends PatientDebugClient {
  /** startDebugging requests not yet taken by `nextChild`. */
  private readonly startRequests: DebugProtocol.Request[] = [];
  private waiters: ((request: DebugProtocol.Request) => void)[] = [];
  /** Whether `initialize` says the client supports startDebugging (VS Code does). */
  startsSessions = true;
  /** Answers startDebugging with a failure (as a user who cancels it). */
  refusesSessions = false;
  private socket: Socket | undefined;
  /** Resolves when a child client's connection is closed (by either end). */
  closed: Promise<void> = Promise.resolve();
  private responseSeq = 1_000_000;

  constructor() {
    super(process.execPath, adapterCli, 'umview');
    const internals = this as unknown as ProtocolInternals;
    const dispatch = internals.dispatch.bind(this);
    internals.dispatch = (body: string) => {
      const message = JSON.parse(body) as { type: string };
      if (message.type === 'request') this.onReverseRequest(message as DebugProtocol.Request);
      else dispatch(body);
    };
  }

  /** A client of the session the adapter serves on a child's socket. */
  static async connectTo(path: string): Promise<ForkClient> {
    const client = new ForkClient();
    await new Promise<void>((resolve, reject) => {
      const socket = connect(path);
      socket.once('connect', () => {
        client.socket = socket;
        client.closed = new Promise((done) => socket.once('close', () => done()));
        (client as unknown as ProtocolInternals).connect(socket, socket);
        resolve();
      });
      socket.once('error', reject);
    });
    return client;
  }

  override initializeRequest(args?: DebugProtocol.InitializeRequestArguments): Promise<DebugProtocol.InitializeResponse> {
    return super.initializeRequest({
      adapterID: 'umview', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path',
      ...(this.startsSessions ? { supportsStartDebuggingRequest: true } : {}), ...args,
    } as DebugProtocol.InitializeRequestArguments);
  }

  /** The next startDebugging request (already received or to come), answered with success
   * (or, `answer` false, left unanswered, as a client that never gets to it). */
  nextStartDebugging(answer = true): Promise<StartDebuggingConfiguration> {
    const take = (request: DebugProtocol.Request): StartDebuggingConfiguration => {
      if (answer) this.respond(request, true);
      return (request.arguments as DebugProtocol.StartDebuggingRequestArguments).configuration as unknown as StartDebuggingConfiguration;
    };
    const seen = this.startRequests.shift();
    if (seen !== undefined) return Promise.resolve(take(seen));
    const done = whileWaiting(() => 'a startDebugging request');
    return new Promise((resolve) => {
      this.waiters.push((request) => {
        done();
        resolve(take(request));
      });
    });
  }

  /** How many startDebugging requests came and were not taken. */
  get unansweredStartRequests(): number {
    return this.startRequests.length;
  }

  /**
   * Starts the child session of a startDebugging request as VS Code does: initialize, attach
   * with the configuration, and the breakpoints before configurationDone. Resolves once the
   * configuration is done (the child then runs).
   */
  static async attachChild(configuration: StartDebuggingConfiguration, breakpoints: Record<string, number[]>): Promise<ForkClient> {
    const child = await ForkClient.connectTo(configuration[CHILD_SESSION_FIELD].socket);
    await child.initializeRequest();
    const initialized = child.waitForEvent('initialized');
    await child.attachRequest(configuration as unknown as DebugProtocol.AttachRequestArguments);
    await initialized;
    for (const [path, lines] of Object.entries(breakpoints)) {
      await child.setBreakpointsRequest({ source: { path }, breakpoints: lines.map((line) => ({ line })) });
    }
    return child;
  }

  /** Disconnects a child session (unless its connection is gone already) and closes it. */
  async end(): Promise<void> {
    await Promise.race([this.disconnectRequest().catch(() => undefined), this.closed]);
    this.socket?.end();
    await this.closed;
  }

  private onReverseRequest(request: DebugProtocol.Request): void {
    if (request.command !== 'startDebugging' || this.refusesSessions) {
      this.respond(request, false, `the test client does not do ${request.command}`);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(request);
    else this.startRequests.push(request);
  }

  private respond(request: DebugProtocol.Request, success: boolean, message?: string): void {
    const response: DebugProtocol.Response = {
      type: 'response', seq: this.responseSeq++, request_seq: request.seq, command: request.command, success, ...(message === undefined ? {} : { message }),
    };
    const body = JSON.stringify(response);
    (this as unknown as ProtocolInternals).outputStream.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
}
