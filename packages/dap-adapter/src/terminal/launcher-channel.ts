// The adapter's end of the terminal launcher's socket (see launcher.ts): a Unix socket in a
// fresh directory that only this user can reach (mkdtemp makes it 0700), so that no other user
// can pose as the launcher, and removed with it when the launch is over.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateDirectoryProblem } from '@umview/ptrace-core/internal';
import { onLines, type AdapterMessage, type LauncherMessage, type LauncherPlan } from './launcher-messages.js';

export class LauncherChannel {
  private socket: Socket | undefined;
  private readonly messages: LauncherMessage[] = [];
  private waiter: (() => void) | undefined;
  private closedReason: string | undefined;

  private constructor(private readonly directory: string, readonly socketPath: string, private readonly server: Server) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static async open(): Promise<LauncherChannel> {
    const directory = mkdtempSync(join(tmpdir(), 'umview-dap-'));
    try {
      const problem = privateDirectoryProblem(directory);
      if (problem !== undefined) throw new Error(`cannot make a private folder for the terminal launcher: ${problem}`);
      const socketPath = join(directory, 'launcher.sock');
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => resolve());
      });
      return new LauncherChannel(directory, socketPath, server);
    } catch (error) {
      rmSync(directory, { recursive: true, force: true });
      throw error;
    }
  }

  /** The launcher's pid, once it has connected and said hello. */
  async hello(): Promise<number> {
    const message = await this.next();
    if (message.type !== 'hello' || !Number.isSafeInteger(message.pid) || message.pid <= 0) throw this.unexpected(message);
    return message.pid;
  }

  /** Sends what to run; resolves once the launcher has prepared it (and may be seized). */
  async prepare(plan: LauncherPlan): Promise<void> {
    this.send(plan);
    const message = await this.next();
    if (message.type !== 'ready') throw this.unexpected(message);
  }

  /** Tells the seized launcher to exec the program. */
  go(): void {
    this.send({ type: 'go' });
  }

  /** What the launcher said went wrong, if it said anything before it went away. */
  async failure(): Promise<string | undefined> {
    try {
      const message = await this.next();
      return message.type === 'error' ? message.message : undefined;
    } catch {
      return undefined;
    }
  }

  /** Tells the launcher the launch is off (it says why in its terminal and exits). */
  abort(message: string): void {
    if (this.socket !== undefined && !this.socket.destroyed) this.socket.end(`${JSON.stringify({ type: 'abort', message } satisfies AdapterMessage)}\n`);
  }

  /** Ends the wait for a launcher that will not come (rejects what waits). */
  cancel(reason: string): void {
    this.closedReason ??= reason;
    this.waiter?.();
  }

  close(): void {
    this.cancel('the launch is over');
    this.server.close();
    this.socket?.end();
    rmSync(this.directory, { recursive: true, force: true });
  }

  private accept(socket: Socket): void {
    if (this.socket !== undefined) {
      socket.destroy(); // one launcher per launch
      return;
    }
    this.socket = socket;
    this.server.close(); // nobody else may connect
    socket.setEncoding('utf8');
    onLines(socket, (line) => {
      try {
        this.messages.push(JSON.parse(line) as LauncherMessage);
      } catch {
        this.closedReason ??= `the launcher sent a malformed message: ${line.slice(0, 100)}`;
        socket.destroy();
      }
      this.waiter?.();
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => {
      this.closedReason ??= 'the terminal launcher ended before starting the program';
      this.waiter?.();
    });
  }

  private send(message: AdapterMessage): void {
    if (this.socket === undefined || this.socket.destroyed) throw new Error(this.closedReason ?? 'the terminal launcher is not connected');
    this.socket.write(`${JSON.stringify(message)}\n`);
  }

  private async next(): Promise<LauncherMessage> {
    for (;;) {
      const message = this.messages.shift();
      if (message !== undefined) return message;
      if (this.closedReason !== undefined) throw new Error(this.closedReason);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
      this.waiter = undefined;
    }
  }

  private unexpected(message: LauncherMessage): Error {
    return new Error(message.type === 'error' ? message.message : `the terminal launcher said "${message.type}" out of turn`);
  }
}
