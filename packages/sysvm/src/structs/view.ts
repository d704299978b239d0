// Little-endian field access shared by the struct codecs.

/** A DataView over any Uint8Array (Buffers may be slices of a larger pool, so the view must
 * start at byteOffset, not at 0 of the underlying ArrayBuffer). */
export function dataView(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Throws a RangeError unless `size` bytes at `offset` lie inside `buf`. */
export function checkRange(buf: Uint8Array, offset: number, size: number, what: string): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + size > buf.length) {
    throw new RangeError(`${what}: ${size} bytes at offset ${offset} do not fit in a buffer of ${buf.length}`);
  }
}
