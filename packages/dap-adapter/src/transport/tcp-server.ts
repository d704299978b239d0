// `--port N`: DAP over TCP on 127.0.0.1 only (a debugger server must not be reachable from
// other hosts), one session with its own tracer worker per connection.
import { createServer, type Server, type Socket } from 'node:net';
import type { SessionOptions } from '../session/debug-session.js';
import { serveConnection } from './connection.js';

export function listen(port: number, options: Omit<SessionOptions, 'onEnd'> = {}): Promise<Server> {
  const server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    serveConnection(socket, socket, { ...options, onEnd: () => socket.end() });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
