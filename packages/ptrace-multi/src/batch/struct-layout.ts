// A tiny layout DSL for reading C structs out of tracee memory:
//
//   const timespec = struct(16, { tv_sec: { offset: 0, type: 'i64' }, tv_nsec: { offset: 8, type: 'i64' } });
//   batch.readStruct(addr, timespec).value.tv_nsec   // bigint
//
// Field values are typed from the layout: 8-, 16- and 32-bit integers are numbers, 64-bit ones
// bigints, byte arrays Buffers. Little-endian, as x86-64 and aarch64 are.

export type IntegerType = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64';
export type FieldType = IntegerType | { readonly bytes: number };

export interface FieldSpec {
  readonly offset: number;
  readonly type: FieldType;
}

/** The JS type of a field. */
export type FieldValue<T extends FieldType> =
  T extends 'u64' | 'i64' ? bigint : T extends IntegerType ? number : Buffer;

export type StructValue<F extends Record<string, FieldSpec>> = { -readonly [K in keyof F]: FieldValue<F[K]['type']> };

export interface StructLayout<T> {
  /** Bytes read for one struct. */
  readonly size: number;
  decode(bytes: Buffer): T;
  encode(value: T): Buffer;
}

const SIZES: Record<IntegerType, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8 };

function fieldSize(type: FieldType): number {
  return typeof type === 'string' ? SIZES[type] : type.bytes;
}

function readField(bytes: Buffer, offset: number, type: FieldType): number | bigint | Buffer {
  switch (type) {
    case 'u8': return bytes.readUInt8(offset);
    case 'i8': return bytes.readInt8(offset);
    case 'u16': return bytes.readUInt16LE(offset);
    case 'i16': return bytes.readInt16LE(offset);
    case 'u32': return bytes.readUInt32LE(offset);
    case 'i32': return bytes.readInt32LE(offset);
    case 'u64': return bytes.readBigUInt64LE(offset);
    case 'i64': return bytes.readBigInt64LE(offset);
    default: return Buffer.from(bytes.subarray(offset, offset + type.bytes));
  }
}

function writeField(bytes: Buffer, offset: number, type: FieldType, value: unknown): void {
  switch (type) {
    case 'u8': bytes.writeUInt8(value as number, offset); return;
    case 'i8': bytes.writeInt8(value as number, offset); return;
    case 'u16': bytes.writeUInt16LE(value as number, offset); return;
    case 'i16': bytes.writeInt16LE(value as number, offset); return;
    case 'u32': bytes.writeUInt32LE(value as number, offset); return;
    case 'i32': bytes.writeInt32LE(value as number, offset); return;
    case 'u64': bytes.writeBigUInt64LE(value as bigint, offset); return;
    case 'i64': bytes.writeBigInt64LE(value as bigint, offset); return;
    default: {
      const data = value as Uint8Array;
      if (data.length > type.bytes) throw new RangeError(`field of ${type.bytes} bytes given ${data.length}`);
      bytes.set(data, offset);
    }
  }
}

/** Defines a struct of `size` bytes with the given fields. */
export function struct<F extends Record<string, FieldSpec>>(size: number, fields: F): StructLayout<StructValue<F>> {
  for (const [name, spec] of Object.entries(fields)) {
    if (spec.offset < 0 || spec.offset + fieldSize(spec.type) > size) {
      throw new RangeError(`field ${name} (offset ${spec.offset}, ${fieldSize(spec.type)} bytes) is outside a ${size}-byte struct`);
    }
  }
  const entries = Object.entries(fields);
  return {
    size,
    decode(bytes: Buffer): StructValue<F> {
      const out: Record<string, unknown> = {};
      for (const [name, spec] of entries) out[name] = readField(bytes, spec.offset, spec.type);
      return out as StructValue<F>;
    },
    encode(value: StructValue<F>): Buffer {
      const bytes = Buffer.alloc(size);
      for (const [name, spec] of entries) writeField(bytes, spec.offset, spec.type, (value as Record<string, unknown>)[name]);
      return bytes;
    },
  };
}

/** `struct iovec { void *iov_base; size_t iov_len; }`. */
export const IOVEC = struct(16, { base: { offset: 0, type: 'u64' }, length: { offset: 8, type: 'u64' } });
