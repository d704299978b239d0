// DAP framing: `Content-Length: N\r\n\r\n` then N bytes of JSON, read defensively. A broken
// header, a wrong length, or a body that is not JSON is reported and skipped, and the reader
// finds the next message: a client's mistake never ends the session.
export type ReadItem =
  | { readonly kind: 'message'; readonly value: unknown }
  | { readonly kind: 'malformed'; readonly reason: string; readonly text?: string };

export interface MessageReaderOptions {
  /** Larger bodies are refused (default 64 MiB). */
  readonly maxBodyBytes?: number;
  /** A body still incomplete after this long is taken as it is: its Content-Length was too large (default 1000 ms). */
  readonly stallMs?: number;
}

const SEPARATOR = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = Buffer.from('Content-Length:');
const CONTENT_LENGTH_LOWER = 'content-length:';
const MAX_HEADER_BYTES = 8192;
const HEADER_LINE = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$/;

export class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  /** The body length announced by the header being served. */
  private expected: number | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  /** After a broken header: what comes before the next header is its body, already reported. */
  private skippingBody = false;
  private readonly maxBodyBytes: number;
  private readonly stallMs: number;

  constructor(private readonly deliver: (item: ReadItem) => void, options: MessageReaderOptions = {}) {
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    this.stallMs = options.stallMs ?? 1000;
  }

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.drain();
  }

  /** The input ended: whatever is left is an incomplete message. */
  end(): void {
    this.clearStall();
    if (this.expected !== undefined || this.buffer.toString('utf8').trim() !== '') {
      this.deliver({ kind: 'malformed', reason: 'the input ended in the middle of a message' });
    }
    this.buffer = Buffer.alloc(0);
    this.expected = undefined;
  }

  private drain(): void {
    for (;;) {
      if (this.expected === undefined && !this.readHeader()) return;
      if (this.buffer.length < this.expected!) {
        this.armStall();
        return;
      }
      this.clearStall();
      const body = this.buffer.subarray(0, this.expected);
      this.buffer = this.buffer.subarray(this.expected);
      this.expected = undefined;
      this.parseBody(body);
    }
  }

  /** Consumes one header; false when more input is needed. */
  private readHeader(): boolean {
    for (;;) {
      const end = this.buffer.indexOf(SEPARATOR);
      if (end < 0) {
        if (this.buffer.length > MAX_HEADER_BYTES) {
          this.buffer = this.buffer.subarray(1);
          // A huge broken body comes in many chunks: report its stretch of garbage once.
          this.resync('a header without an end (no blank line)', this.skippingBody);
        }
        return false;
      }
      const problem = this.parseHeader(this.buffer.toString('latin1', 0, end));
      if (problem === undefined) {
        this.buffer = this.buffer.subarray(end + SEPARATOR.length);
        this.skippingBody = false;
        return true;
      }
      // Garbage (the end of a body cut short by a wrong Content-Length) before a real header.
      const inner = findHeaderName(this.buffer, 1, end + CONTENT_LENGTH.length);
      if (inner > 0 && inner < end) {
        if (!this.skippingBody) this.deliver({ kind: 'malformed', reason: `${inner} bytes of garbage before a header` });
        this.skippingBody = false;
        this.buffer = this.buffer.subarray(inner);
        continue;
      }
      this.buffer = this.buffer.subarray(end + SEPARATOR.length);
      this.resync(problem);
    }
  }

  private parseHeader(header: string): string | undefined {
    let length: number | undefined;
    for (const line of header.split('\r\n')) {
      const match = HEADER_LINE.exec(line);
      if (match === null) return `invalid header line ${JSON.stringify(line.slice(0, 80))}`;
      if (match[1]!.toLowerCase() !== 'content-length') continue;
      const value = match[2]!.trim();
      if (!/^\d+$/.test(value)) return `invalid Content-Length ${JSON.stringify(value.slice(0, 40))}`;
      length = Number(value);
      if (length > this.maxBodyBytes) return `Content-Length ${length} is larger than ${this.maxBodyBytes} bytes`;
    }
    if (length === undefined) return 'a header without Content-Length';
    this.expected = length;
    return undefined;
  }

  /** Skips to the next `Content-Length:` after a broken header (already consumed). What lies
   * before it is the broken message's body, or garbage. */
  private resync(reason: string, quiet = false): void {
    if (!quiet) this.deliver({ kind: 'malformed', reason });
    this.expected = undefined;
    this.skippingBody = true;
    const next = findHeaderName(this.buffer, 0);
    // Without one, keep a tail that could be the start of the next header.
    this.buffer = next >= 0 ? this.buffer.subarray(next) : this.buffer.subarray(Math.max(0, this.buffer.length - CONTENT_LENGTH.length + 1));
  }

  private parseBody(body: Buffer): void {
    const text = body.toString('utf8');
    try {
      this.deliver({ kind: 'message', value: JSON.parse(text) });
      return;
    } catch {
      // below
    }
    // A Content-Length too large swallows the start of the next message: split there.
    const next = headerStart(body);
    if (next > 0) {
      this.buffer = Buffer.concat([body.subarray(next), this.buffer]);
      const head = body.subarray(0, next).toString('utf8');
      try {
        this.deliver({ kind: 'message', value: JSON.parse(head) });
      } catch {
        this.deliver({ kind: 'malformed', reason: 'the body is not valid JSON', text: head });
      }
      return;
    }
    this.deliver({ kind: 'malformed', reason: 'the body is not valid JSON (or its Content-Length is wrong)', text });
  }

  private armStall(): void {
    if (this.stallTimer !== undefined) return;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (this.expected === undefined) return;
      // Nothing more came: take what there is as the whole body.
      const body = this.buffer;
      this.buffer = Buffer.alloc(0);
      this.expected = undefined;
      this.parseBody(body);
      this.drain();
    }, this.stallMs);
    this.stallTimer.unref();
  }

  private clearStall(): void {
    if (this.stallTimer !== undefined) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }
}

/** Where the next message's header starts inside a body that ran past its end: at a
 * `Content-Length:`, or at a beginning of one that the body's end cuts. -1 if nowhere. */
function headerStart(body: Buffer): number {
  const inside = findHeaderName(body, 1);
  if (inside > 0) return inside;
  for (let kept = Math.min(CONTENT_LENGTH.length - 1, body.length - 1); kept > 0; kept--) {
    if (body.toString('latin1', body.length - kept).toLowerCase() === CONTENT_LENGTH_LOWER.slice(0, kept)) return body.length - kept;
  }
  return -1;
}

/** Where `Content-Length:` starts in `buffer` from `from` on, in any letter case (header names
 * are case-insensitive, and the parser accepts any case), or -1. `until` bounds the search. */
function findHeaderName(buffer: Buffer, from: number, until = buffer.length): number {
  const exact = buffer.indexOf(CONTENT_LENGTH, from);
  const limit = Math.min(until, buffer.length, exact >= 0 ? exact + CONTENT_LENGTH.length - 1 : buffer.length);
  // A spelling in another case before the canonical one: search a lower-cased copy.
  if (limit > from) {
    const at = buffer.toString('latin1', from, limit).toLowerCase().indexOf(CONTENT_LENGTH_LOWER);
    if (at >= 0) return from + at;
  }
  return exact >= 0 && exact < until ? exact : -1;
}
