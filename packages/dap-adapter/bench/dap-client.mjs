// A minimal DAP client over an adapter's stdio, for the benchmark: requests are promises,
// events can be awaited, and nothing else runs on the event loop.
import { spawn } from 'node:child_process';

export class DapClient {
  constructor(command, args) {
    this.process = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    this.seq = 1;
    this.pending = new Map();
    this.waiters = [];
    this.buffer = Buffer.alloc(0);
    this.process.stdout.on('data', (chunk) => this.onData(chunk));
    this.exited = new Promise((resolve) => this.process.once('exit', resolve));
  }

  request(command, args = {}) {
    const seq = this.seq++;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.process.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return new Promise((resolve, reject) => this.pending.set(seq, { resolve, reject, command }));
  }

  /** The next event named `event` (and passing `test`), from now on; rejected after `timeoutMs`
   * (a bench's hang guard), or never with 0 (a test's: vitest's timeout is the guard there). */
  event(event, test = () => true, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const timer = timeoutMs > 0 ? setTimeout(() => reject(new Error(`no ${event} event within ${timeoutMs} ms`)), timeoutMs) : undefined;
      this.waiters.push({ event, test, resolve: (message) => { clearTimeout(timer); resolve(message); } });
    });
  }

  /** disconnect (terminating the debuggee), end of input, and the adapter's exit. A bench does not
   * wait more than 3 s for each (lldb-dap may never answer); `patient` waits for both. */
  async close({ patient = false } = {}) {
    const disconnected = this.request('disconnect', { terminateDebuggee: true }).catch(() => undefined); // gone already
    await (patient ? Promise.race([disconnected, this.exited]) : Promise.race([disconnected, this.exited, new Promise((r) => setTimeout(r, 3000))]));
    this.process.stdin.end();
    const killer = patient ? undefined : setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(killer);
  }

  onData(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(this.buffer.toString('latin1', 0, end))[1]);
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.toString('utf8', end + 4, end + 4 + length));
      this.buffer = this.buffer.subarray(end + 4 + length);
      if (message.type === 'response') {
        const waiter = this.pending.get(message.request_seq);
        this.pending.delete(message.request_seq);
        if (waiter === undefined) continue;
        if (message.success) waiter.resolve(message);
        else waiter.reject(new Error(`${waiter.command}: ${message.message}`));
      } else if (message.type === 'event') {
        const index = this.waiters.findIndex((waiter) => waiter.event === message.event && waiter.test(message));
        if (index >= 0) this.waiters.splice(index, 1)[0].resolve(message);
      }
    }
  }
}
