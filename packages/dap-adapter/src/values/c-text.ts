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

/** gdb's `print repeats`: a run of one character longer than this is written `'x' <repeats 40 times>`. */
export const REPEAT_THRESHOLD = 10;

/**
 * Bytes as a C string literal. Valid UTF-8 sequences of printable characters are kept as they
 * are (a UTF-8 terminal shows them), everything else is escaped; `truncated` adds `...`. A run
 * of one character longer than REPEAT_THRESHOLD is written apart, as gdb does:
 * `'x' <repeats 40 times>, "yz"`.
 */
export function stringLiteral(bytes: Uint8Array, truncated = false): string {
  const characters: string[] = [];
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    if (byte < 0x80) {
      characters.push(escapeByte(byte, 0x22));
      index++;
      continue;
    }
    const length = byte >= 0xf0 && byte < 0xf5 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 && byte < 0xe0 ? 2 : 0;
    const sequence = length === 0 ? undefined : bytes.subarray(index, index + length);
    if (sequence !== undefined && sequence.length === length && validUtf8(sequence)) {
      const text = Buffer.from(sequence).toString('utf8');
      if (/^\P{C}$/u.test(text)) {
        characters.push(text);
        index += length;
        continue;
      }
    }
    characters.push(escapeByte(byte, 0x22));
    index++;
  }
  return withRepeats(characters, '', truncated);
}

/**
 * Characters of 2 or 4 bytes (char16_t, char32_t, wchar_t: UTF-16 or UTF-32 code units) as a C
 * string literal with its prefix (`u"..."`, `U"..."`, `L"..."`), escaped and with repeats as
 * stringLiteral writes them.
 */
export function wideStringLiteral(units: readonly number[], prefix: string, truncated = false): string {
  const characters: string[] = [];
  for (let index = 0; index < units.length; index++) {
    let code = units[index]!;
    const low = units[index + 1];
    // A UTF-16 surrogate pair is one character.
    if (code >= 0xd800 && code < 0xdc00 && low !== undefined && low >= 0xdc00 && low < 0xe000) {
      code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
      index++;
    }
    if (code < 0x80) characters.push(escapeByte(code, 0x22));
    else if (code <= 0x10ffff && (code < 0xd800 || code >= 0xe000) && /^\P{C}$/u.test(String.fromCodePoint(code))) characters.push(String.fromCodePoint(code));
    else characters.push(`\\${code.toString(8)}`);
  }
  return withRepeats(characters, prefix, truncated);
}

/** gdb's layout of a string's characters: quoted runs, and runs of one character over the threshold apart. */
function withRepeats(characters: readonly string[], prefix: string, truncated: boolean): string {
  const parts: string[] = [];
  let quoted = '';
  let index = 0;
  while (index < characters.length) {
    let end = index + 1;
    while (end < characters.length && characters[end] === characters[index]) end++;
    const count = end - index;
    if (count > REPEAT_THRESHOLD) {
      if (quoted !== '') parts.push(`"${quoted}"`);
      quoted = '';
      parts.push(`'${characters[index]}' <repeats ${count} times>`);
    } else {
      quoted += characters[index]!.repeat(count);
    }
    index = end;
  }
  if (quoted !== '' || parts.length === 0) parts.push(`"${quoted}"`);
  return `${prefix}${parts.join(', ')}${truncated ? '...' : ''}`;
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
