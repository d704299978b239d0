// `struct iovec` (readv/writev/preadv/pwritev/process_vm_*): a base address and a length.
import { checkRange, dataView } from './view.js';

export interface Iovec {
  base: bigint;
  len: bigint;
}

export const IOVEC_SIZE = 16;

export function decodeIovec(buf: Uint8Array, offset = 0): Iovec {
  checkRange(buf, offset, IOVEC_SIZE, 'struct iovec');
  const v = dataView(buf);
  return { base: v.getBigUint64(offset, true), len: v.getBigUint64(offset + 8, true) };
}

/** Decodes an array of `count` iovecs. */
export function decodeIovecs(buf: Uint8Array, count: number, offset = 0): Iovec[] {
  checkRange(buf, offset, count * IOVEC_SIZE, 'struct iovec array');
  const out: Iovec[] = [];
  for (let i = 0; i < count; i++) out.push(decodeIovec(buf, offset + i * IOVEC_SIZE));
  return out;
}

export function encodeIovecInto(buf: Uint8Array, offset: number, value: Iovec): void {
  checkRange(buf, offset, IOVEC_SIZE, 'struct iovec');
  const v = dataView(buf);
  v.setBigUint64(offset, BigInt.asUintN(64, value.base), true);
  v.setBigUint64(offset + 8, BigInt.asUintN(64, value.len), true);
}

/** Encodes an iovec array (for a rewritten readv/writev placed in scratch memory). */
export function encodeIovecs(values: readonly Iovec[]): Buffer {
  const buf = Buffer.alloc(values.length * IOVEC_SIZE);
  values.forEach((value, i) => encodeIovecInto(buf, i * IOVEC_SIZE, value));
  return buf;
}

export function encodeIovec(value: Iovec): Buffer {
  const buf = Buffer.alloc(IOVEC_SIZE);
  encodeIovecInto(buf, 0, value);
  return buf;
}
