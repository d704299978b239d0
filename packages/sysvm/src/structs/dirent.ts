// `struct linux_dirent64`, the records getdents64 fills a buffer with:
//   u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[] (NUL-terminated)
// each record padded to a multiple of 8 bytes. The kernel writes the name and its NUL but not
// the padding after it, so padding bytes are whatever the buffer held; we write zeros.
import { checkRange, dataView } from './view.js';

/** d_type values (DT_*). */
export const DT = {
  UNKNOWN: 0, FIFO: 1, CHR: 2, DIR: 4, BLK: 6, REG: 8, LNK: 10, SOCK: 12, WHT: 14,
} as const;

/** offsetof(struct linux_dirent64, d_name). */
export const DIRENT64_NAME_OFFSET = 19;

/** An entry to encode: the name as text (UTF-8) or raw bytes. */
export interface Dirent64Input {
  ino: bigint;
  /** The d_off cookie: the position to lseek() to for the entry after this one. */
  off: bigint;
  type: number;
  name: string | Uint8Array;
}

/** A decoded entry: `name` as UTF-8 text, `rawName` byte-exact (names need not be UTF-8). */
export interface Dirent64 {
  ino: bigint;
  off: bigint;
  reclen: number;
  type: number;
  name: string;
  rawName: Buffer;
}

/** The record length of an entry whose name is `nameLength` bytes long. */
export function dirent64RecordLength(nameLength: number): number {
  return (DIRENT64_NAME_OFFSET + nameLength + 1 + 7) & ~7;
}

/** The d_type for a st_mode (the kernel's IFTODT). */
export function direntTypeFromMode(mode: number): number {
  return (mode >>> 12) & 0xf;
}

/** Decodes the records in the first `length` bytes of `buf` (the getdents64 result). Throws
 * a RangeError on a record that is too short or runs past `length`. */
export function decodeDirents64(buf: Uint8Array, length = buf.length, offset = 0): Dirent64[] {
  checkRange(buf, offset, length, 'linux_dirent64 buffer');
  const v = dataView(buf);
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = offset + length;
  const entries: Dirent64[] = [];
  for (let at = offset; at < end;) {
    if (end - at < DIRENT64_NAME_OFFSET + 1) throw new RangeError(`truncated linux_dirent64 at offset ${at - offset}`);
    const reclen = v.getUint16(at + 16, true);
    if (reclen < DIRENT64_NAME_OFFSET + 1 || at + reclen > end) {
      throw new RangeError(`bad d_reclen ${reclen} at offset ${at - offset}`);
    }
    const nameEnd = bytes.indexOf(0, at + DIRENT64_NAME_OFFSET);
    const stop = nameEnd < 0 || nameEnd > at + reclen ? at + reclen : nameEnd;
    const rawName = Buffer.from(bytes.subarray(at + DIRENT64_NAME_OFFSET, stop));
    entries.push({
      ino: v.getBigUint64(at, true),
      off: v.getBigInt64(at + 8, true),
      reclen,
      type: v.getUint8(at + 18),
      name: rawName.toString('utf8'),
      rawName,
    });
    at += reclen;
  }
  return entries;
}

export interface EncodedDirents {
  /** The records, exactly `buffer.length` bytes: what getdents64 would return. */
  buffer: Buffer;
  /** How many of the entries fit. */
  count: number;
}

/** Encodes as many leading `entries` as fit in `maxBytes`, as getdents64 would (it stops at
 * the first entry that does not fit; when not even one fits it fails with EINVAL, which is the
 * caller's business: `count` is then 0). */
export function encodeDirents64(entries: readonly Dirent64Input[], maxBytes: number): EncodedDirents {
  const names = entries.map((e) => (typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : Buffer.from(e.name)));
  let total = 0;
  let count = 0;
  for (const name of names) {
    if (name.includes(0)) throw new RangeError('a directory entry name cannot contain a NUL byte');
    const reclen = dirent64RecordLength(name.length);
    if (total + reclen > maxBytes) break;
    total += reclen;
    count++;
  }
  const buffer = Buffer.alloc(total);
  const v = dataView(buffer);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const entry = entries[i]!;
    const name = names[i]!;
    const reclen = dirent64RecordLength(name.length);
    v.setBigUint64(at, BigInt.asUintN(64, entry.ino), true);
    v.setBigInt64(at + 8, BigInt.asIntN(64, entry.off), true);
    v.setUint16(at + 16, reclen, true);
    v.setUint8(at + 18, entry.type);
    name.copy(buffer, at + DIRENT64_NAME_OFFSET);
    at += reclen;
  }
  return { buffer, count };
}
