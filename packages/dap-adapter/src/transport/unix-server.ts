// `--socket PATH`: DAP over a unix socket, for a machine shared with other users: the socket is
// created with mode 0600 in a directory only the adapter's user can change, and each
// connection's peer is checked with SO_PEERCRED as well (connection-policy.ts).
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { privateDirectoryProblem } from '@umview/ptrace-core/internal';
import type { SessionOptions } from '../session/debug-session.js';
import { PeerPolicy, type PeerPolicyOptions } from './connection-policy.js';
import { serveConnection } from './connection.js';
import { unixPeerUid } from './peer-uid.js';

export type ListenSocketOptions = Omit<SessionOptions, 'onEnd'> & PeerPolicyOptions;

export async function listenOnSocket(path: string, options: ListenSocketOptions = {}): Promise<Server> {
  const socketPath = resolve(path);
  const problem = privateDirectoryProblem(dirname(socketPath));
  if (problem !== undefined) {
    throw new Error(`cannot serve on ${socketPath}: ${problem}; pick a directory only you can write, such as $XDG_RUNTIME_DIR`);
  }
  await removeStaleSocket(socketPath);
  const policy = new PeerPolicy(options);
  const server = createServer({ pauseOnConnect: true }, (socket: Socket) => {
    socket.on('error', () => {});
    if (!policy.admit(socket, unixPeerUid(socket), socketPath)) return;
    serveConnection(socket, socket, { ...options, onEnd: () => socket.end() });
    socket.resume();
  });
  await listenPrivately(server, socketPath);
  chmodSync(socketPath, 0o600);
  // The socket file goes when the server closes or the process exits, unless another server
  // has taken the path meanwhile (the inode tells).
  const inode = lstatSync(socketPath).ino;
  const remove = (): void => {
    try {
      if (lstatSync(socketPath).ino === inode) unlinkSync(socketPath);
    } catch {
      /* removed already */
    }
  };
  server.once('close', remove);
  process.once('exit', remove);
  return server;
}

/** Listens on a unix socket file that is 0600 from its first instant (bind makes the file: the
 * umask around it decides its mode). */
export function listenPrivately(server: Server, socketPath: string): Promise<void> {
  return new Promise<void>((done, reject) => {
    server.once('error', reject);
    const umask = process.umask(0o177);
    try {
      server.listen(socketPath, () => {
        server.off('error', reject);
        done();
      });
    } finally {
      process.umask(umask);
    }
  });
}

/** A socket file left by an adapter that is gone is replaced; a live one, or a file that is not
 * a socket, is an error (never remove what another program uses). */
async function removeStaleSocket(path: string): Promise<void> {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return; // nothing there
  }
  if (!stats.isSocket()) throw new Error(`cannot serve on ${path}: it exists and is not a socket`);
  const live = await new Promise<boolean>((done) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      done(true);
    });
    probe.once('error', () => done(false));
  });
  if (live) throw new Error(`cannot serve on ${path}: another server is listening on it`);
  unlinkSync(path);
}
