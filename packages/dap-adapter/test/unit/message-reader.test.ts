// The framing reader on its own: byte-exact splitting, and recovery from each kind of damage.
import { describe, expect, it, vi } from 'vitest';
import { MessageReader, type ReadItem } from '../../src/transport/message-reader.js';

function frame(value: unknown, lengthDelta = 0): string {
  const body = JSON.stringify(value);
  return `Content-Length: ${Buffer.byteLength(body) + lengthDelta}\r\n\r\n${body}`;
}

function read(chunks: (string | Buffer)[], options = { stallMs: 20 }): { items: ReadItem[]; reader: MessageReader } {
  const items: ReadItem[] = [];
  const reader = new MessageReader((item) => items.push(item), options);
  for (const chunk of chunks) reader.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return { items, reader };
}

const messages = (items: ReadItem[]): unknown[] => items.filter((item) => item.kind === 'message').map((item) => (item as { value: unknown }).value);
const problems = (items: ReadItem[]): string[] => items.filter((item) => item.kind === 'malformed').map((item) => (item as { reason: string }).reason);

describe('MessageReader', () => {
  it('reads messages split anywhere, several per chunk, with multi-byte characters', () => {
    const text = frame({ a: 'é€😀' }) + frame({ b: 2 }) + frame({ c: 3 });
    const bytes = Buffer.from(text);
    for (const size of [1, 2, 3, 7, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      const { items } = read(chunks);
      expect(messages(items)).toEqual([{ a: 'é€😀' }, { b: 2 }, { c: 3 }]);
      expect(problems(items)).toEqual([]);
    }
  });

  it('accepts other headers and any case of Content-Length', () => {
    const body = '{"x":1}';
    const { items } = read([`content-length: ${body.length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${body}`]);
    expect(messages(items)).toEqual([{ x: 1 }]);
  });

  it('skips a broken header and reads the next message', () => {
    const { items } = read(['Content-Length: abc\r\n\r\n{"lost":1}', frame({ ok: 1 })]);
    expect(problems(items)).toEqual(['invalid Content-Length "abc"']);
    expect(messages(items)).toEqual([{ ok: 1 }]);
  });

  it('reports a body that is not JSON, with its text', () => {
    const { items } = read(['Content-Length: 9\r\n\r\nnot json!', frame({ ok: 1 })]);
    expect(items[0]).toMatchObject({ kind: 'malformed', text: 'not json!' });
    expect(messages(items)).toEqual([{ ok: 1 }]);
  });

  it('recovers from a Content-Length too short: the broken message, then the next one', () => {
    const { items } = read([frame({ seq: 1, long: 'abcdefgh' }, -5) + frame({ seq: 2 })]);
    expect(items[0]).toMatchObject({ kind: 'malformed' });
    expect(messages(items)).toEqual([{ seq: 2 }]);
  });

  it('recovers from a Content-Length too long that swallows the next header', () => {
    const { items } = read([frame({ seq: 1 }, 12) + frame({ seq: 2 })]);
    expect(messages(items)).toEqual([{ seq: 1 }, { seq: 2 }]);
  });

  it('takes a body as it is when a too-long Content-Length leaves it waiting stallMs', () => {
    // The reader's own clock, driven by the test: the stall is the reader's timer firing.
    vi.useFakeTimers();
    try {
      const { items } = read([frame({ seq: 1 }, 100)]);
      vi.advanceTimersByTime(19);
      expect(items).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(messages(items)).toEqual([{ seq: 1 }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses absurd lengths and endless headers', () => {
    const big = read(['Content-Length: 99999999999\r\n\r\n', frame({ ok: 1 })], { stallMs: 20 });
    expect(problems(big.items)[0]).toMatch(/larger than/);
    expect(messages(big.items)).toEqual([{ ok: 1 }]);
    const endless = read(['x'.repeat(10_000), frame({ ok: 2 })]);
    expect(problems(endless.items)[0]).toMatch(/without an end/);
    expect(messages(endless.items)).toEqual([{ ok: 2 }]);
  });

  it('reports input that ends inside a message', () => {
    const { items, reader } = read(['Content-Length: 10\r\n\r\n{"a"']);
    reader.end();
    expect(problems(items)).toEqual(['the input ended in the middle of a message']);
  });
});
