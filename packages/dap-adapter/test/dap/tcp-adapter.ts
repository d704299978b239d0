// The adapter listening on 127.0.0.1 (`--port 0`, the port it picked read from its stderr), for
// the tests of a file or describe block: started before them, killed after them together with
// every connection they opened.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { adapterCli } from './helpers.js';
import { RawClient } from './raw-client.js';

export interface TcpAdapter {
  readonly server: ChildProcess;
  readonly port: number;
  /** A new connection, closed after the tests. */
  connect(): Promise<{ client: RawClient; socket: Socket }>;
}

export function tcpAdapter(): TcpAdapter {
  let server: ChildProcess | undefined;
  let port = 0;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    const child = spawn(process.execPath, [adapterCli, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    server = child;
    port = await new Promise<number>((resolve, reject) => {
      let text = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`the adapter exited (${code}): ${text}`)));
    });
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    server?.kill('SIGKILL');
  });
  return {
    get server() {
      if (!server) throw new Error('the adapter is started in beforeAll');
      return server;
    },
    get port() {
      return port;
    },
    async connect() {
      const connection = await RawClient.connect(port);
      sockets.push(connection.socket);
      return connection;
    },
  };
}
