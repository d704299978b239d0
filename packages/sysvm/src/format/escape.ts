// strace's string quoting (util.c string_quote) for the default -s 32 / no -x output:
// printable ASCII as is; \" \\ \f \n \r \t \v escaped; every other byte in octal with as few
// digits as possible, three when the next printed byte is an octal digit (so that "\0" "7"
// does not read as "\07"). `hex` forces \xHH for every byte, as strace does for getrandom.

/** Quotes `bytes` in full, with the surrounding double quotes. */
export function quoteBytes(bytes: Uint8Array, hex = false): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (hex) {
      out += `\\x${c.toString(16).padStart(2, '0')}`;
      continue;
    }
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x0c: out += '\\f'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x0b: out += '\\v'; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += String.fromCharCode(c);
        } else {
          const next = bytes[i + 1];
          const pad = next !== undefined && next >= 0x30 && next <= 0x37;
          out += `\\${octalByte(c, pad)}`;
        }
    }
  }
  return `${out}"`;
}

function octalByte(c: number, pad: boolean): string {
  let s = '';
  if (pad || c >> 6) s += String(c >> 6);
  if (pad || c >> 3) s += String((c >> 3) & 7);
  return s + String(c & 7);
}

/** A buffer of `total` bytes of which `shown` were read (at most the string limit): quoted,
 * with `...` after the closing quote when there was more. */
export function quoteBuffer(shown: Uint8Array, total: bigint | number, limit: number, hex = false): string {
  const bytes = shown.subarray(0, Math.min(shown.length, limit));
  return quoteBytes(bytes, hex) + (BigInt(total) > BigInt(limit) ? '...' : '');
}

/** A C string read as up to `limit + 1` bytes: quoted, truncated to `limit` with `...` when
 * it is longer (one byte more tells "exactly limit" from "longer"). */
export function quoteCString(bytes: Uint8Array, limit: number): string {
  if (bytes.length > limit) return `${quoteBytes(bytes.subarray(0, limit))}...`;
  return quoteBytes(bytes);
}

/** An address as strace prints it: NULL, or 0x and lowercase hex. */
export function formatAddress(addr: bigint): string {
  const a = BigInt.asUintN(64, addr);
  return a === 0n ? 'NULL' : `0x${a.toString(16)}`;
}

/** A number in strace's %#x style: 0 stays 0, anything else gets 0x. */
export function formatHex(value: bigint): string {
  return value === 0n ? '0' : `0x${value.toString(16)}`;
}

/** A number in strace's %#o style: 0 stays 0, anything else gets a leading 0. */
export function formatOctal(value: bigint): string {
  return value === 0n ? '0' : `0${value.toString(8)}`;
}
