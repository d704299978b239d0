// Characters and strings as C (and gdb) write them: 'A', '\n', '\310', "alice".

/** How many characters of a string are read and shown (gdb's `print elements`). */
export const STRING_LIMIT = 200;

const ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x5c: '\\\\',
};

/** One byte as a C character literal: 'A', '\n', '\000', '\310'. */
export function charLiteral(byte: number): string {
  if (byte === 0x27) return "'\\''";
  return `'${escapeByte(byte, 0x27)}'`;
}

function escapeByte(byte: number, quote: number): string {
  const escaped = ESCAPES[byte];
  if (escaped !== undefined) return escaped;
  if (byte === quote) return `\\${String.fromCharCode(byte)}`;
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  return `\\${byte.toString(8).padStart(3, '0')}`;
}

/**
 * Bytes as a C string literal. Valid UTF-8 sequences of printable characters are kept as they
 * are (a UTF-8 terminal shows them), everything else is escaped; `truncated` adds `...`.
 */
export function stringLiteral(bytes: Uint8Array, truncated = false): string {
  let out = '"';
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    if (byte < 0x80) {
      out += escapeByte(byte, 0x22);
      index++;
      continue;
    }
    const length = byte >= 0xf0 && byte < 0xf5 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 && byte < 0xe0 ? 2 : 0;
    const sequence = length === 0 ? undefined : bytes.subarray(index, index + length);
    if (sequence !== undefined && sequence.length === length && validUtf8(sequence)) {
      const text = Buffer.from(sequence).toString('utf8');
      if (/^\P{C}$/u.test(text)) {
        out += text;
        index += length;
        continue;
      }
    }
    out += escapeByte(byte, 0x22);
    index++;
  }
  return `${out}"${truncated ? '...' : ''}`;
}

function validUtf8(sequence: Uint8Array): boolean {
  for (let index = 1; index < sequence.length; index++) if ((sequence[index]! & 0xc0) !== 0x80) return false;
  return !Buffer.from(sequence).toString('utf8').includes('\ufffd');
}

/** Parses a C character literal body (between the quotes) into its byte value. */
export function parseCharBody(body: string): number | undefined {
  if (body.length === 1) return body.charCodeAt(0) < 0x80 ? body.charCodeAt(0) : undefined;
  if (!body.startsWith('\\')) {
    const bytes = Buffer.from(body, 'utf8');
    return bytes.length === 1 ? bytes[0] : undefined;
  }
  const rest = body.slice(1);
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63, e: 27 };
  if (rest.length === 1 && simple[rest] !== undefined) return simple[rest];
  if (/^[0-7]{1,3}$/.test(rest)) return parseInt(rest, 8) & 0xff;
  if (/^x[0-9a-fA-F]{1,2}$/.test(rest)) return parseInt(rest.slice(1), 16);
  return undefined;
}
