// followFork on the main thread: a process the debuggee forked is held stopped by an engine of
// its own in this adapter's tracer worker (only that thread may trace it), so its session must
// be served by this adapter process too. For each child a one-connection unix socket is opened
// in a fresh 0700 directory, served to this adapter's own uid only (the local-users rule of
// transport/connection-policy.ts), and the client is asked with DAP's `startDebugging` to start
// an `attach` session on it: VS Code connects it through the extension's
// DebugAdapterNamedPipeServer; another client connects to the socket itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { TerminatedEvent } from '@vscode/debugadapter';
import { privateDirectoryProblem } from '@umview/ptrace-core/internal';
import type { EngineClient } from '../engine/engine-client.js';
import type { FollowForkMode, ForkedEvent } from '../engine/fork-protocol.js';
import { PeerPolicy } from '../transport/connection-policy.js';
import { serveConnection } from '../transport/connection.js';
import { unixPeerUid } from '../transport/peer-uid.js';
import { listenPrivately } from '../transport/unix-server.js';
import type { SessionOptions, UmviewDebugSession } from './debug-session.js';

/** The configuration field that names a child's socket (the extension looks for it). */
export const CHILD_SESSION_FIELD = 'umviewChildSession';

/** What a child's session is bound to (SessionOptions.followedChild). */
export interface FollowedChild {
  readonly client: EngineClient;
  readonly pid: number;
  readonly program: string | undefined;
  /** The parent's: a launched tree is killed at the end, an attached one let go. */
  readonly origin: 'launched' | 'attached';
  readonly mode: FollowForkMode;
}

export interface ChildSessionHost {
  /** Sends DAP's startDebugging; `done` gets the client's refusal, or undefined. */
  startDebugging(configuration: Record<string, unknown>, done: (refusal: string | undefined) => void): void;
  /** A line in the debug console. */
  console(text: string): void;
  /** Options of the child sessions (the worker and launcher paths, the log). */
  readonly sessionOptions: SessionOptions;
}

/** The child each child session's options stand for: kept out of the public SessionOptions. */
const followed = new WeakMap<SessionOptions, FollowedChild>();

/** The forked child a session with these options debugs (undefined: an ordinary session). */
export function followedChildOf(options: SessionOptions): FollowedChild | undefined {
  return followed.get(options);
}

/** Socket directories of children nobody connected to yet: they go with the adapter. */
const directoriesToRemove = new Set<string>();
let exitHookInstalled = false;

function removedAtExit(directory: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const path of directoriesToRemove) rmSync(path, { recursive: true, force: true });
    });
  }
  directoriesToRemove.add(directory);
}

interface Pending {
  readonly server: Server;
  readonly directory: string;
  readonly child: EngineClient;
}

/** Reads `followFork` from a launch or attach configuration. */
export function followForkMode(args: unknown): FollowForkMode {
  const value = typeof args === 'object' && args !== null ? (args as Record<string, unknown>).followFork : undefined;
  if (value === undefined || value === null || value === 'parent') return 'parent';
  if (value === 'child' || value === 'both') return value;
  throw new Error(`"followFork" must be "parent", "child" or "both", not ${JSON.stringify(value)}`);
}

export class ChildSessions {
  private readonly pending = new Set<Pending>();
  /** Live child sessions, and the promise of the end of each. */
  private readonly sessions = new Map<UmviewDebugSession, { readonly ended: Promise<void>; withParent: boolean }>();
  private allEnded: (() => void) | undefined;

  constructor(private readonly host: ChildSessionHost) {}

  /** How many children have a session, or are waiting for one. */
  get size(): number {
    return this.pending.size + this.sessions.size;
  }

  /** Calls `then` once, when the last child session is over (at once if there is none); a
   * later call replaces an earlier one still waiting. */
  whenAllEnded(then: () => void): void {
    if (this.size === 0) then();
    else this.allEnded = then;
  }

  /** Opens a session for the child of `event` (its engine holds it stopped). */
  async open(parent: EngineClient, event: ForkedEvent, origin: 'launched' | 'attached', mode: FollowForkMode): Promise<void> {
    const child = parent.forEngine(event.child);
    const base = process.env.XDG_RUNTIME_DIR !== undefined && privateDirectoryProblem(process.env.XDG_RUNTIME_DIR) === undefined ? process.env.XDG_RUNTIME_DIR : tmpdir();
    const directory = mkdtempSync(join(base, 'umview-dap-child-')); // mode 0700
    const socketPath = join(directory, 'dap.sock');
    const policy = new PeerPolicy({ log: (line) => this.host.sessionOptions.log?.(line) });
    const followedChild: FollowedChild = { client: child, pid: event.pid, program: event.program, origin, mode };
    const server = createServer({ pauseOnConnect: true }, (socket: Socket) => {
      socket.on('error', () => {});
      if (!policy.admit(socket, unixPeerUid(socket), socketPath)) return;
      // One session per child: the socket goes once it is taken.
      this.closePending(entry);
      let ended!: () => void;
      const state = { ended: new Promise<void>((resolve) => { ended = resolve; }), withParent: false };
      const options: SessionOptions = {
        ...this.host.sessionOptions,
        onEnd: () => {
          // Ended with its parent's session: the client learns it here (its own disconnect
          // did not end it).
          if (state.withParent) session.sendEvent(new TerminatedEvent());
          socket.end();
          this.sessions.delete(session);
          ended();
          this.checkAllEnded();
        },
      };
      followed.set(options, followedChild);
      const session = serveConnection(socket, socket, options);
      this.sessions.set(session, state);
      socket.resume();
    });
    const entry: Pending = { server, directory, child };
    this.pending.add(entry);
    removedAtExit(directory);
    await listenPrivately(server, socketPath).catch(async (error: Error) => {
      // No way to serve its session: it runs free, as it would without followFork.
      this.host.console(`umview: cannot serve a session for child process ${event.pid} (${error.message}); it runs on, not debugged`);
      await this.letGo(entry, false);
      throw error;
    });
    const name = `${event.program === undefined ? 'child' : basename(event.program)} (pid ${event.pid})`;
    const configuration = {
      type: 'umview', request: 'attach', name, pid: event.pid, followFork: mode,
      [CHILD_SESSION_FIELD]: { socket: socketPath, pid: event.pid },
    };
    this.host.startDebugging(configuration, (refusal) => {
      if (refusal === undefined || !this.pending.has(entry)) return;
      if (refusal === 'timeout') {
        // No answer yet: the child stays held for the session the client may still start.
        this.host.console(`umview: the client has not answered startDebugging for child process ${event.pid}; it stays stopped until its session starts or this one ends`);
        return;
      }
      // Nobody will debug it: it runs free, as it would without followFork.
      this.host.console(`umview: the client did not start a session for child process ${event.pid} (${refusal}); it runs on, not debugged`);
      void this.letGo(entry, false);
    });
  }

  /** Ends every child session with the parent's: each child is killed (a launched program's)
   * or detached (an attached one's), and a child still waiting for its session the same way. */
  async endAll(): Promise<void> {
    await Promise.all([
      ...[...this.pending].map((entry) => this.letGo(entry, undefined)),
      ...[...this.sessions].map(([session, state]) => {
        state.withParent = true;
        session.shutdown();
        return state.ended;
      }),
    ]);
  }

  private async letGo(entry: Pending, terminateDebuggee: boolean | undefined): Promise<void> {
    this.closePending(entry);
    try {
      await entry.child.call('disconnect', terminateDebuggee);
    } catch {
      // its process is gone already
    }
    await entry.child.close();
    this.checkAllEnded();
  }

  private closePending(entry: Pending): void {
    if (!this.pending.delete(entry)) return;
    entry.server.close();
    rmSync(entry.directory, { recursive: true, force: true });
    directoriesToRemove.delete(entry.directory);
  }

  private checkAllEnded(): void {
    if (this.size > 0 || this.allEnded === undefined) return;
    const then = this.allEnded;
    this.allEnded = undefined;
    then();
  }
}
