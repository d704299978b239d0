// The debuggee's stdout and stderr, read from the tracer's ends of its pipes (fds of this
// process, opened in the worker) and forwarded as `output` events.
import { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export type OutputCategory = 'stdout' | 'stderr';

export class OutputForwarder {
  private readonly streams: Socket[] = [];
  private readonly ended: Promise<void>;

  constructor(fds: { readonly stdout?: number; readonly stderr?: number }, send: (category: OutputCategory, text: string) => void) {
    const endings: Promise<void>[] = [];
    for (const category of ['stdout', 'stderr'] as const) {
      const fd = fds[category];
      if (fd === undefined) continue;
      // A Socket over the pipe reads it on the event loop (no thread-pool thread blocked in read).
      const stream = new Socket({ fd, readable: true, writable: false });
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => {
        const text = decoder.write(chunk);
        if (text !== '') send(category, text);
      });
      endings.push(new Promise((resolve) => {
        stream.once('close', () => {
          const rest = decoder.end();
          if (rest !== '') send(category, rest);
          resolve();
        });
        stream.once('error', () => resolve());
      }));
      this.streams.push(stream);
    }
    this.ended = Promise.all(endings).then(() => undefined);
  }

  /** Resolves once both pipes reached end of file (every writer is gone), or after `timeoutMs`:
   * a grandchild may hold them open. */
  async drained(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.ended, new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); })]);
    clearTimeout(timer);
  }

  close(): void {
    for (const stream of this.streams) stream.destroy();
  }
}
