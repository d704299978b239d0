// A typed value of the stopped program and where it lives: memory, a register of one frame,
// bytes computed by the debugger (a DWARF implicit value, an expression's result), or nowhere
// (optimized out). Reading and writing go through a ValueHost: the frame the value belongs to.
import {
  DW_ATE, sizeOfType, stripTypedefs, type ArrayType, type BaseType, type DwarfType, type EnumType, type PointerType, type RecordMember,
  type StaticMember,
} from '../symbols/index.js';
import { decodeFloat } from './float-format.js';

export type Place =
  | { readonly kind: 'memory'; readonly address: bigint }
  /** The low bytes of a register of the host frame, from `offset` on. */
  | { readonly kind: 'register'; readonly register: number; readonly offset: number }
  /** Computed bytes: not an lvalue. */
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  /** No value: `reason` is what is shown, e.g. `<optimized out>`. */
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface Value {
  readonly type: DwarfType;
  readonly place: Place;
  /** A bitfield: `size` bits from bit `offset` of the place (offset < 8). */
  readonly bits?: { readonly offset: number; readonly size: number };
}

/** What reading and writing values needs from the stopped program (one frame of one thread). */
export interface ValueHost {
  /** `size` bytes of memory (our breakpoints taken out); throws a ValueError when unreadable. */
  readMemory(address: bigint, size: number): Buffer;
  writeMemory(address: bigint, bytes: Uint8Array): void;
  /** The register's bytes in this frame (8 for general registers, 16 for xmm, 10 for st), or undefined if not known. */
  registerBytes(register: number): Buffer | undefined;
  /** Writes a register of this frame; throws when the frame cannot (not the innermost one). */
  writeRegister(register: number, bytes: Buffer): void;
  /** `main+4` for a code address, when a symbol covers it (C++ names demangled: `vtable for geo::Rect+16`). */
  symbolize(address: bigint): string | undefined;
  /** A C++ class's static data member (its definition, found by the debug information), or undefined when it has none. */
  staticMemberValue?(member: StaticMember): Value | undefined;
  /** The complete type of this qualified name (`geo::Rect`, `std::_Rb_tree_node<int>`), searched in the program's debug information. */
  typeNamed?(name: string): DwarfType | undefined;
}

/** An error to show in place of a value (`Cannot access memory at address 0x0`). */
export class ValueError extends Error {}

/** An error as the text shown in place of a value: `<optimized out>`, `<error: Cannot access memory at address 0x0>`. */
export function errorText(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  if (!(error instanceof ValueError)) return `<error: ${message}>`;
  return message.startsWith('<') ? message : `<error: ${message}>`;
}

export const OPTIMIZED_OUT = '<optimized out>';

// ---- synthetic types ----

const baseTypes = new Map<string, BaseType>();

export function baseType(name: string, byteSize: number, encoding: number): BaseType {
  const key = `${name}/${byteSize}/${encoding}`;
  let type = baseTypes.get(key);
  if (type === undefined) baseTypes.set(key, (type = { kind: 'base', name, byteSize, encoding }));
  return type;
}

export const INT = baseType('int', 4, DW_ATE.signed);
export const UNSIGNED_INT = baseType('unsigned int', 4, DW_ATE.unsigned);
export const LONG = baseType('long', 8, DW_ATE.signed);
export const UNSIGNED_LONG = baseType('unsigned long', 8, DW_ATE.unsigned);
export const LONG_LONG = baseType('long long', 8, DW_ATE.signed);
export const UNSIGNED_LONG_LONG = baseType('unsigned long long', 8, DW_ATE.unsigned);
export const CHAR = baseType('char', 1, DW_ATE.signed_char);
export const DOUBLE = baseType('double', 8, DW_ATE.float);
export const FLOAT = baseType('float', 4, DW_ATE.float);
export const LONG_DOUBLE = baseType('long double', 16, DW_ATE.float);
export const BOOL = baseType('_Bool', 1, DW_ATE.boolean);
export const VOID: DwarfType = { kind: 'void' };

const pointerTypes = new WeakMap<DwarfType, PointerType>();

export function pointerTo(target: DwarfType): PointerType {
  let type = pointerTypes.get(target);
  if (type === undefined) pointerTypes.set(target, (type = { kind: 'pointer', byteSize: 8, target }));
  return type;
}

export const VOID_POINTER = pointerTo(VOID);
export const CODE_POINTER = pointerTo({ kind: 'function', returnType: VOID, parameters: [], variadic: false, prototyped: false });

/** The type of `array[i]`: the element, or the array of the remaining dimensions. */
export function elementType(array: ArrayType): DwarfType {
  if (array.dimensions.length <= 1) return array.element;
  return { kind: 'array', element: array.element, dimensions: array.dimensions.slice(1) };
}

export function arrayLength(array: ArrayType): number | undefined {
  const count = array.dimensions[0]?.count;
  return count === undefined ? undefined : Number(count);
}

// ---- classification ----

export type ScalarClass = 'signed' | 'unsigned' | 'float' | 'bool' | 'pointer' | 'enum';

/** How a type's value is read as a number, or undefined for aggregates and void. */
export function scalarClass(type: DwarfType): ScalarClass | undefined {
  const resolved = stripTypedefs(type);
  switch (resolved.kind) {
    case 'base':
      switch (resolved.encoding) {
        case DW_ATE.float: return 'float';
        case DW_ATE.boolean: return 'bool';
        case DW_ATE.signed:
        case DW_ATE.signed_char:
        case DW_ATE.signed_fixed:
          return 'signed';
        default:
          return 'unsigned';
      }
    case 'pointer':
    case 'reference':
      return 'pointer';
    case 'enum':
      return 'enum';
    default:
      return undefined;
  }
}

export function isCharType(type: DwarfType): boolean {
  const resolved = stripTypedefs(type);
  return resolved.kind === 'base' && resolved.byteSize === 1
    && (resolved.encoding === DW_ATE.signed_char || resolved.encoding === DW_ATE.unsigned_char
      || ((resolved.encoding === DW_ATE.UTF || resolved.encoding === DW_ATE.ASCII) && /char/.test(resolved.name)));
}

export function isIntegral(type: DwarfType): boolean {
  const kind = scalarClass(type);
  return kind === 'signed' || kind === 'unsigned' || kind === 'bool' || kind === 'enum';
}

export function isSignedEnum(type: EnumType): boolean {
  if (type.underlying !== undefined) return scalarClass(type.underlying) === 'signed';
  return type.enumerators.some((enumerator) => enumerator.value < 0n);
}

/** sizeof, with 0 for what has no size. */
export function byteSizeOf(type: DwarfType): number {
  return sizeOfType(type) ?? 0;
}

// ---- reading ----

/** The bytes of a value (for a bitfield: the bytes that hold its bits). */
export function valueBytes(value: Value, host: ValueHost): Buffer {
  const size = value.bits === undefined ? byteSizeOf(value.type) : Math.ceil((value.bits.offset + value.bits.size) / 8);
  return placeBytes(value.place, size, host);
}

export function placeBytes(place: Place, size: number, host: ValueHost): Buffer {
  switch (place.kind) {
    case 'memory':
      return host.readMemory(place.address, size);
    case 'register': {
      const bytes = host.registerBytes(place.register);
      if (bytes === undefined) throw new ValueError('<not saved>');
      const out = Buffer.alloc(size);
      bytes.copy(out, 0, place.offset, Math.min(bytes.length, place.offset + size));
      return out;
    }
    case 'bytes': {
      if (place.bytes.length >= size) return place.bytes.subarray(0, size);
      const out = Buffer.alloc(size);
      place.bytes.copy(out);
      return out;
    }
    case 'unavailable':
      throw new ValueError(place.reason);
  }
}

/** An integer-like value (integers, enums, bools, chars, pointers) as a BigInt, sign-extended as its type says. */
export function integerOf(value: Value, host: ValueHost): bigint {
  const bytes = valueBytes(value, host);
  let raw = 0n;
  for (let index = bytes.length - 1; index >= 0; index--) raw = (raw << 8n) | BigInt(bytes[index]!);
  const type = stripTypedefs(value.type);
  const signed = scalarClass(type) === 'signed' || (type.kind === 'enum' && isSignedEnum(type));
  if (value.bits !== undefined) {
    raw = (raw >> BigInt(value.bits.offset)) & ((1n << BigInt(value.bits.size)) - 1n);
    return signed ? BigInt.asIntN(value.bits.size, raw) : raw;
  }
  return signed && bytes.length > 0 ? BigInt.asIntN(bytes.length * 8, raw) : raw;
}

export function floatOf(value: Value, host: ValueHost): number {
  return decodeFloat(valueBytes(value, host));
}

/** The value as a number for arithmetic: BigInt for integers and pointers, number for floats. */
export function numericOf(value: Value, host: ValueHost): bigint | number {
  return scalarClass(value.type) === 'float' ? floatOf(value, host) : integerOf(value, host);
}

// ---- parts ----

export function offsetPlace(place: Place, offset: number): Place {
  if (offset === 0) return place;
  switch (place.kind) {
    case 'memory': return { kind: 'memory', address: place.address + BigInt(offset) };
    case 'register': return { kind: 'register', register: place.register, offset: place.offset + offset };
    case 'bytes': return { kind: 'bytes', bytes: place.bytes.subarray(Math.min(offset, place.bytes.length)) };
    case 'unavailable': return place;
  }
}

export function memberValue(record: Value, member: RecordMember): Value {
  if (member.bitSize === undefined || member.bitOffset === undefined) {
    return { type: member.type, place: offsetPlace(record.place, member.byteOffset) };
  }
  const byte = Math.floor(member.bitOffset / 8);
  return { type: member.type, place: offsetPlace(record.place, byte), bits: { offset: member.bitOffset - byte * 8, size: member.bitSize } };
}

export function elementValue(array: Value, index: number): Value {
  const type = stripTypedefs(array.type) as ArrayType;
  const element = elementType(type);
  return { type: element, place: offsetPlace(array.place, index * byteSizeOf(element)) };
}

/** `*pointer`: the pointee in memory. */
export function dereference(pointer: Value, host: ValueHost): Value {
  const type = stripTypedefs(pointer.type);
  if (type.kind !== 'pointer' && type.kind !== 'reference') throw new ValueError('not a pointer');
  return { type: type.target, place: { kind: 'memory', address: integerOf(pointer, host) } };
}

/** A C++ reference stands for what it refers to (as in the language, and in gdb's expressions). */
export function referent(value: Value, host: ValueHost): Value {
  return stripTypedefs(value.type).kind === 'reference' ? dereference(value, host) : value;
}

/** A record's members with anonymous struct and union members flattened (C lets you name them directly). */
export function visibleMembers(members: readonly RecordMember[], base = 0): { member: RecordMember; offset: number }[] {
  const out: { member: RecordMember; offset: number }[] = [];
  for (const member of members) {
    const type = stripTypedefs(member.type);
    if (member.name === undefined && type.kind === 'record') out.push(...visibleMembers(type.members, base + member.byteOffset));
    else out.push({ member, offset: base });
  }
  return out;
}

// ---- writing ----

/** Stores `bytes` (exactly the type's size; for a bitfield, the field's value in the low bits) into an lvalue. */
export function assign(value: Value, bytes: Buffer, host: ValueHost): void {
  let data = bytes;
  if (value.bits !== undefined) {
    const current = valueBytes(value, host);
    let word = 0n;
    for (let index = current.length - 1; index >= 0; index--) word = (word << 8n) | BigInt(current[index]!);
    let field = 0n;
    for (let index = bytes.length - 1; index >= 0; index--) field = (field << 8n) | BigInt(bytes[index]!);
    const mask = ((1n << BigInt(value.bits.size)) - 1n) << BigInt(value.bits.offset);
    word = (word & ~mask) | ((field << BigInt(value.bits.offset)) & mask);
    data = Buffer.alloc(current.length);
    for (let index = 0; index < data.length; index++) data[index] = Number((word >> BigInt(8 * index)) & 0xffn);
  }
  const place = value.place;
  switch (place.kind) {
    case 'memory':
      host.writeMemory(place.address, data);
      return;
    case 'register': {
      const current = host.registerBytes(place.register);
      if (current === undefined) throw new ValueError('the register is not saved in this frame');
      const updated = Buffer.from(current);
      data.copy(updated, place.offset, 0, Math.min(data.length, updated.length - place.offset));
      host.writeRegister(place.register, updated);
      return;
    }
    case 'bytes':
      throw new ValueError('the value is not an lvalue: it cannot be changed');
    case 'unavailable':
      throw new ValueError(`cannot change a value that is ${place.reason}`);
  }
}

/** Little-endian bytes of an integer, `size` bytes wide (two's complement). */
export function integerBytes(value: bigint, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let rest = BigInt.asUintN(size * 8, value);
  for (let index = 0; index < size; index++) {
    bytes[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}
