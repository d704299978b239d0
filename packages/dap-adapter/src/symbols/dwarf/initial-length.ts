import type { ByteReader } from '../binary/byte-reader.js';

/**
 * Reads the "initial length" that starts units, line programs, list tables and CFI entries:
 * 0xffffffff announces the 64-bit DWARF format with an 8-byte length; 0xfffffff0-0xfffffffe are reserved.
 */
export function readInitialLength(reader: ByteReader): { length: number; offsetSize: 4 | 8 } {
  const at = reader.offset;
  const length32 = reader.u32();
  if (length32 === 0xffffffff) return { length: reader.u64AsNumber(), offsetSize: 8 };
  if (length32 >= 0xfffffff0) reader.fail(`reserved initial length 0x${length32.toString(16)}`, at);
  return { length: length32, offsetSize: 4 };
}
