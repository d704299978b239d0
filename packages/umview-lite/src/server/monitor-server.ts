// The warm monitor: a per-user server that runs umview-lite's commands in the process that
// started it, so that each command is monitored by code V8 has already compiled, optimized and
// given feedback to. A new Node process runs the monitor's JavaScript cold: Node's own start,
// then the interpreter and cold inline caches for every stop of the first run (measured on
// `dpkg -i` under -S: 150-180 ms of the monitor's CPU in a fresh process, against ~170 ms for
// the whole run in a monitor that has run it before). Neither a code cache nor a snapshot can
// carry optimized code or feedback; a process that outlives its command can.
//
// How a command comes to it: with UMVIEW_SERVER=1, bin/umview-lite execs the hand-off client
// (ptrace-core's, written here at start) on this server's socket; the client forks a child that
// this server seizes and runs the command in (SpawnOptions.handOff), and exits with the status
// sent back. The client stays the command's parent, so the shell's job control, terminal and
// exit status are as under a monitor it started. The run itself takes the client's working
// directory, environment, umask, standard fds and CPUs for its time (client-session.ts), and
// its command line, parsed as a command line (cli/command-line.ts).
//
// One command at a time: while one runs, the socket is closed (connect() fails at once), and
// other clients run their own monitor, cold. The socket is reopened before a run's status is
// sent, so the next command of a script (which starts when the status arrives) finds the server
// done with the last one: its fake-root store saved, its tree gone. A client this server must not
// serve (another user's credentials, another namespace, another build: client-check.ts) is
// declined and runs its own monitor. The server exits after IDLE_MS without a command, and at
// the first client after its own build or Node was replaced on disk (an upgrade in place): that
// client runs cold and starts a server of the new build for the next runs.
//
// Everything lives in the user's private cache directory (0700: ptrace-core's
// private-directory.ts), where only this user can connect, plant a client, or read a socket.
import { existsSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { arch, handOffClientElf } from '@umview/ptrace-core';
import { makePrivateDirectory, unixPeerCredentials } from '@umview/ptrace-core/internal';
import { atomicWrite } from '../cli/atomic-write.js';
import { runCommandLine, type RunEnd } from '../cli/command-line.js';
import { userCacheDirectory } from '../file-systems/archive/user-cache.js';
import { checkClient, outdated, serverIdentity, type ServerIdentity } from './client-check.js';
import { enterClientSession } from './client-session.js';
import { dupTo } from './client-process.js';

export const SOCKET_NAME = 'monitor.sock';
export const CLIENT_NAME = 'hand-off';
export const PID_NAME = 'monitor.pid';
/** A server with nothing to do for this long exits. */
const IDLE_MS = 30 * 60 * 1000;
/** A client sends its pids as soon as its child has stopped (microseconds after it connects);
 * one that has not after this long is dropped, so that it cannot keep the server from others. */
const HANDSHAKE_MS = 5000;
/** The longest path a unix socket's address holds (sun_path, with its NUL). */
const SOCKET_PATH_MAX = 107;

/** Where this user's server lives, or why it cannot. */
export function serverDirectory(): { dir: string } | { problem: string } {
  const dir = userCacheDirectory();
  if (dir === undefined) return { problem: 'no XDG_CACHE_HOME and no home directory' };
  const problem = makePrivateDirectory(dir);
  return problem === undefined ? { dir } : { problem };
}

/** Runs the server until it has been idle for IDLE_MS; says "ready" on fd 1 once it listens. */
export async function serve(): Promise<void> {
  const where = serverDirectory();
  if ('problem' in where) throw new Error(`--serve: ${where.problem}`);
  const { dir } = where;
  const socketPath = join(dir, SOCKET_NAME);
  if (socketPath.length > SOCKET_PATH_MAX) throw new Error(`--serve: ${socketPath} is too long for a unix socket`);
  process.chdir('/'); // holds no client's directory busy between runs
  const identity = serverIdentity(process.argv[1]!);
  writeClient(join(dir, CLIENT_NAME));
  const state = new ServerState(socketPath, join(dir, PID_NAME), identity);
  if (!(await state.open())) return; // another server answers there
  atomicWrite(state.pidPath, `${process.pid}\n`);
  // Stopped (kill, or ^C in the foreground): the socket and the pid file go with it. A command
  // running then dies with it (PTRACE_O_EXITKILL), and its client says so.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => state.stop());
  writeSync(1, 'ready\n');
  dupTo(openSync('/dev/null', 'w'), 1); // the starter's pipe is not held open
  state.idle();
}

/** The client, rewritten only when it changed (a running client's file cannot be written). */
function writeClient(path: string): void {
  const elf = handOffClientElf();
  try {
    if (readFileSync(path).equals(elf)) return;
  } catch {
    /* not there yet */
  }
  atomicWrite(path, elf, 0o700);
}

class ServerState {
  private server: Server | undefined;
  private busy = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(readonly socketPath: string, readonly pidPath: string, private readonly identity: ServerIdentity) {}

  /** Listens on the socket; false if a live server already does. A socket left by a server that
   * died is replaced. */
  async open(): Promise<boolean> {
    const server = createServer((socket) => this.connection(socket));
    for (let attempt = 0; ; attempt++) {
      const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
        server.once('error', resolve);
        server.listen(this.socketPath, () => {
          server.off('error', resolve);
          resolve(undefined);
        });
      });
      if (error === undefined) break;
      if (error.code !== 'EADDRINUSE' || attempt > 0 || (await answers(this.socketPath))) {
        if (error.code === 'EADDRINUSE') return false;
        throw error;
      }
      unlinkSync(this.socketPath);
    }
    this.server = server;
    return true;
  }

  idle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), IDLE_MS);
  }

  stop(): void {
    this.server?.close();
    this.removePidFile();
    process.exit(0);
  }

  private removePidFile(): void {
    try {
      if (readFileSync(this.pidPath, 'utf8').trim() === String(process.pid)) unlinkSync(this.pidPath);
    } catch {
      /* removed already */
    }
  }

  private connection(socket: Socket): void {
    if (this.busy) {
      socket.destroy(); // declined: it runs its own monitor
      return;
    }
    this.busy = true;
    clearTimeout(this.idleTimer);
    // Closed while a command runs, so that other clients are refused at once, not left waiting.
    this.server!.close();
    this.server = undefined;
    let received = Buffer.alloc(0);
    const onData = (data: Buffer): void => {
      received = Buffer.concat([received, data]);
      if (received.length < 8) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.setTimeout(0);
      void this.session(socket, received.readInt32LE(0), received.readInt32LE(4));
    };
    const onClose = (): void => void this.reopen();
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.setTimeout(HANDSHAKE_MS, () => socket.destroy());
  }

  private async session(socket: Socket, client: number, child: number): Promise<void> {
    const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
    // Gone from the pid file before the client learns it is declined (the connection closes as
    // this process exits), so that its run, which starts a server at its end, finds none here.
    if (outdated(this.identity) !== undefined) this.stop();
    // The pids a client sends are its word; the kernel's record of who connected is not.
    const peer = unixPeerCredentials(fd);
    const check = peer?.uid === process.getuid!() && peer.pid === client ? checkClient(client, child, this.identity) : { declined: `the connection is process ${peer?.pid}'s, uid ${peer?.uid}` };
    let end: RunEnd | undefined;
    let adopted = false;
    const adopt = (): void => {
      if (adopted) return;
      adopted = true;
      writeInt32(fd, arch.HAND_OFF_ADOPTED);
    };
    if ('run' in check) {
      const session = enterClientSession(client, check.run);
      if (session !== undefined) {
        try {
          end = await runCommandLine(check.run.argv, {
            handOff: { child, onSeized: adopt },
            commandStopped: (signal) => writeInt32(fd, arch.HAND_OFF_STOPPED | signal),
            onClientGone: (listener) => {
              // The client sends nothing more: the end of its stream is its exit.
              socket.once('end', listener);
              socket.resume();
            },
          });
          socket.removeAllListeners('end');
        } catch (error) {
          writeSync(2, `umview-lite: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
          end = { status: 1 };
        } finally {
          session.leave();
        }
      }
    } else if (process.env.UMVIEW_DEBUG_SERVER) {
      writeSync(2, `umview-lite: server: client ${client} declined: ${check.declined}\n`);
    }
    await this.reopen();
    if (end === undefined) {
      socket.destroy(); // declined
      return;
    }
    // A run that ended before its command started (--help, a usage error) is this server's too:
    // the client must not run it again.
    adopt();
    // A command killed by a signal: the client dies of it too, as the cold monitor does.
    writeInt32(fd, end.killedBy !== undefined ? arch.HAND_OFF_KILLED | end.killedBy : end.status);
    socket.destroy();
  }

  private async reopen(): Promise<void> {
    if (this.server !== undefined) return;
    if (!(await this.open())) process.exit(0); // another server took the socket meanwhile
    this.busy = false;
    this.idle();
  }
}

/** Whether a server answers on `path`. */
function answers(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A word to the client; a client that is gone (killed meanwhile) hears nothing. */
function writeInt32(fd: number, value: number): void {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32LE(value);
  try {
    writeSync(fd, bytes);
  } catch {
    /* EPIPE, ECONNRESET */
  }
}
