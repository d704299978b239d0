// `--port N`: DAP over TCP on 127.0.0.1 only (a debugger server must not be reachable from
// other hosts), one session with its own tracer worker per connection, served only to the
// adapter's own user (connection-policy.ts).
import { createServer, type Server, type Socket } from 'node:net';
import type { SessionOptions } from '../session/debug-session.js';
import { PeerPolicy, type PeerPolicyOptions } from './connection-policy.js';
import { serveConnection } from './connection.js';
import { tcpPeerUid } from './peer-uid.js';

export type ListenOptions = Omit<SessionOptions, 'onEnd'> & PeerPolicyOptions;

export function listen(port: number, options: ListenOptions = {}): Promise<Server> {
  const policy = new PeerPolicy(options);
  // pauseOnConnect: nothing is read from a connection until its owner is known.
  const server = createServer({ pauseOnConnect: true }, (socket: Socket) => {
    socket.on('error', () => {}); // a client gone while it is checked; the session reports its own
    void tcpPeerUid(socket).then((uid) => {
      if (!policy.admit(socket, uid, `127.0.0.1:${socket.localPort}`)) return;
      socket.setNoDelay(true);
      serveConnection(socket, socket, { ...options, onEnd: () => socket.end() });
      socket.resume();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
