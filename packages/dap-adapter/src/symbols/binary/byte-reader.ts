// A bounds-checked little-endian cursor. Every read checks the remaining length first and reports
// overruns through the caller's error factory, so a truncated or hostile file produces the
// reader's own typed error (CorruptElfError, CorruptDwarfError) and never a RangeError.

/** Builds the error to throw for malformed data at `offset` (already translated by `origin`). */
export type CorruptionReporter = (offset: number, reason: string) => Error;

export class ByteReader {
  /** Current position, relative to the start of `buffer`. */
  offset: number;
  readonly end: number;

  /**
   * @param buffer  the bytes (a section, a header...)
   * @param corrupt error factory for out-of-bounds or malformed data
   * @param origin  offset of `buffer[0]` in the file or section, for error messages only
   */
  constructor(
    readonly buffer: Buffer,
    private readonly corrupt: CorruptionReporter,
    readonly origin = 0,
    start = 0,
    end = buffer.length,
  ) {
    if (start < 0 || end > buffer.length || start > end) {
      throw corrupt(origin + start, `range ${start}..${end} outside of ${buffer.length} bytes`);
    }
    this.offset = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  atEnd(): boolean {
    return this.offset >= this.end;
  }

  /** Throws the reader's typed error; `at` defaults to the current position. */
  fail(reason: string, at = this.offset): never {
    throw this.corrupt(this.origin + at, reason);
  }

  /** A reader over `length` bytes starting at `start` (default: the current position). */
  slice(length: number, start = this.offset): ByteReader {
    if (!Number.isSafeInteger(length) || length < 0 || start < 0 || start + length > this.end) {
      this.fail(`${length} bytes needed, only ${this.end - start} left`, start);
    }
    return new ByteReader(this.buffer, this.corrupt, this.origin, start, start + length);
  }

  seek(offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.end) this.fail(`seek to ${offset} out of bounds`, this.offset);
    this.offset = offset;
  }

  skip(length: number): void {
    this.need(length);
    this.offset += length;
  }

  u8(): number {
    this.need(1);
    return this.buffer[this.offset++]!;
  }

  i8(): number {
    this.need(1);
    return this.buffer.readInt8(this.offset++);
  }

  u16(): number {
    this.need(2);
    const value = this.buffer.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  i16(): number {
    this.need(2);
    const value = this.buffer.readInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  u24(): number {
    this.need(3);
    const value = this.buffer.readUIntLE(this.offset, 3);
    this.offset += 3;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  i32(): number {
    this.need(4);
    const value = this.buffer.readInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  u64(): bigint {
    this.need(8);
    const value = this.buffer.readBigUInt64LE(this.offset);
    this.offset += 8;
    return value;
  }

  i64(): bigint {
    this.need(8);
    const value = this.buffer.readBigInt64LE(this.offset);
    this.offset += 8;
    return value;
  }

  /** A 64-bit value that is used as a length or an offset, so it must fit in a JS number. */
  u64AsNumber(): number {
    const at = this.offset;
    const value = this.u64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`64-bit offset 0x${value.toString(16)} too large`, at);
    return Number(value);
  }

  /** Unsigned integer of 1, 2, 4 or 8 bytes (address-sized and offset-sized fields). */
  unsigned(size: number): bigint {
    switch (size) {
      case 1: return BigInt(this.u8());
      case 2: return BigInt(this.u16());
      case 4: return BigInt(this.u32());
      case 8: return this.u64();
      default: return this.fail(`unsupported field size ${size}`);
    }
  }

  /** Offset-sized field (4 bytes in 32-bit DWARF, 8 in 64-bit) as a number. */
  offsetOfSize(size: 4 | 8): number {
    return size === 4 ? this.u32() : this.u64AsNumber();
  }

  /** Unsigned LEB128 as a number; values beyond 2^53 are corrupt for the places that use this. */
  uleb128(): number {
    const start = this.offset;
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.u8();
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) break;
      scale *= 128;
    }
    if (!Number.isSafeInteger(result)) this.fail('ULEB128 value too large', start);
    return result;
  }

  /** Unsigned LEB128 of any width, truncated to 64 bits like a target register would. */
  uleb128Big(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.u8();
      if (shift < 64n) result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) break;
    }
    return BigInt.asUintN(64, result);
  }

  /** Signed LEB128 as a number; values outside ±2^53 are corrupt for the places that use this. */
  sleb128(): number {
    const start = this.offset;
    const value = this.sleb128Big();
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      this.fail('SLEB128 value too large', start);
    }
    return Number(value);
  }

  /** Signed LEB128, as a signed 64-bit value. */
  sleb128Big(): bigint {
    let result = 0n;
    let shift = 0n;
    let byte: number;
    do {
      byte = this.u8();
      if (shift < 64n) result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    if (shift < 64n && byte & 0x40) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }

  bytes(length: number): Buffer {
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** A NUL-terminated string (the NUL is consumed, not returned). */
  cstring(): string {
    const nul = this.buffer.indexOf(0, this.offset);
    if (nul < 0 || nul >= this.end) this.fail('unterminated string');
    const value = this.buffer.toString('utf8', this.offset, nul);
    this.offset = nul + 1;
    return value;
  }

  private need(length: number): void {
    if (!Number.isSafeInteger(length) || length < 0 || this.offset + length > this.end) {
      this.fail(`${length} bytes needed, only ${Math.max(0, this.end - this.offset)} left`);
    }
  }
}

/** The NUL-terminated string at `offset` of a string table, or a typed error. */
export function stringAt(table: Buffer, offset: number, corrupt: CorruptionReporter): string {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= table.length) {
    throw corrupt(offset, `string offset ${offset} outside of a ${table.length}-byte string table`);
  }
  const nul = table.indexOf(0, offset);
  if (nul < 0) throw corrupt(offset, 'unterminated string');
  return table.toString('utf8', offset, nul);
}
