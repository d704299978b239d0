// A DAP client with no manners, for the transport tests: writes whatever bytes it is given and
// collects whatever messages come back.
import { connect, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { whileWaiting } from './helpers.js';

export interface DapMessage {
  type: string;
  seq: number;
  [key: string]: unknown;
}

export class RawClient {
  readonly received: DapMessage[] = [];
  private buffer = Buffer.alloc(0);
  private waiters: { test: (message: DapMessage) => boolean; resolve: (message: DapMessage) => void }[] = [];

  constructor(private readonly output: Writable) {}

  /** Connects to 127.0.0.1:`port`. */
  static connect(port: number): Promise<{ client: RawClient; socket: Socket }> {
    return RawClient.open(() => connect(port, '127.0.0.1'));
  }

  /** Connects to the unix socket at `path`. */
  static connectTo(path: string): Promise<{ client: RawClient; socket: Socket }> {
    return RawClient.open(() => connect(path));
  }

  private static open(connection: () => Socket): Promise<{ client: RawClient; socket: Socket }> {
    return new Promise((resolve, reject) => {
      const socket = connection();
      socket.once('connect', () => {
        const client = new RawClient(socket);
        socket.on('data', (chunk: Buffer) => client.feed(chunk));
        resolve({ client, socket });
      });
      socket.once('error', reject);
    });
  }

  feed(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(this.buffer.toString('latin1', 0, end))![1]);
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.toString('utf8', end + 4, end + 4 + length)) as DapMessage;
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.received.push(message);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.test(message)) return true;
        waiter.resolve(message);
        return false;
      });
    }
  }

  /** Writes raw bytes. */
  raw(text: string): void {
    this.output.write(text);
  }

  /** Writes one well-framed message. */
  send(message: unknown): void {
    const body = JSON.stringify(message);
    this.raw(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  /** The first message (already received or to come) that passes `test`. No deadline: if the
   * test times out meanwhile, what came instead is printed. */
  next(test: (message: DapMessage) => boolean, what = 'a matching message'): Promise<DapMessage> {
    const seen = this.received.find(test);
    if (seen !== undefined) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    const done = whileWaiting(() => `${what}; got ${JSON.stringify(this.received).slice(0, 4000)}`);
    return new Promise((resolve) => {
      this.waiters.push({
        test, resolve: (message) => {
          done();
          this.received.splice(this.received.indexOf(message), 1);
          resolve(message);
        },
      });
    });
  }

  response(requestSeq: number): Promise<DapMessage> {
    return this.next((message) => message.type === 'response' && message.request_seq === requestSeq, `the response to request ${requestSeq}`);
  }

  event(name: string): Promise<DapMessage> {
    return this.next((message) => message.type === 'event' && message.event === name, `the event '${name}'`);
  }
}
