// Values as a C programmer reads them, close to gdb's `print` (and lldb where gdb is noisy):
// `65 'A'`, `0.10000000000000001`, `RED`, `(FLAG_A | FLAG_B)`, `0x555555556004 "hi"`,
// `0x555555555129 <add>`, `{x = 1, y = 2}`, `"alice"` for a char array.
import { DW_ATE, stripTypedefs, type DwarfType, type EnumType } from '../symbols/index.js';
import { visualizerFor } from '../visualizers/registry.js';
import type { Visualization } from '../visualizers/visualizer.js';
import { charLiteral, STRING_LIMIT, stringLiteral } from './c-text.js';
import { withDynamicType } from './dynamic-type.js';
import { recordParts } from './record-parts.js';
import { formatFloatBytes } from './float-format.js';
import {
  arrayLength, byteSizeOf, dereference, errorText, elementValue, integerOf, isCharType, scalarClass, valueBytes,
  type Value, type ValueHost,
} from './value.js';

export interface ValueFormat {
  /** Integers in hexadecimal (DAP's ValueFormat.hex). */
  readonly hex?: boolean;
  /** The implementation's members, not the visualizer's view (gdb's `print/r`). */
  readonly raw?: boolean;
}

export { STRING_LIMIT };
/** Elements of an array shown in its one-line summary. */
const SUMMARY_ELEMENTS = 10;
/** Beyond this length a summary is cut. */
const SUMMARY_LENGTH = 160;
/** Nesting shown in a summary before `{...}`. */
const SUMMARY_DEPTH = 2;
/** Aggregates up to this size are read in one piece for their summary. */
const BULK_READ_LIMIT = 4096;

export function formatValue(value: Value, host: ValueHost, format: ValueFormat = {}): string {
  try {
    return formatAt(value, prefetch(value, host), format, 0);
  } catch (error) {
    return errorText(error);
  }
}


/**
 * An aggregate in memory is read once, so that its summary costs one read, not one per member:
 * a host that answers reads inside it from that copy. The value keeps its address (a std::list
 * compares its nodes' links with the address of the header inside the object).
 */
function prefetch(value: Value, host: ValueHost): ValueHost {
  const type = stripTypedefs(value.type);
  if ((type.kind !== 'record' && type.kind !== 'array') || value.place.kind !== 'memory') return host;
  const size = byteSizeOf(type);
  if (size === 0 || size > BULK_READ_LIMIT) return host;
  const start = value.place.address;
  let copy: Buffer;
  try {
    copy = host.readMemory(start, size);
  } catch {
    return host; // let the parts report what they cannot read
  }
  const end = start + BigInt(size);
  return {
    readMemory: (address, length) => (address >= start && address + BigInt(length) <= end
      ? Buffer.from(copy.subarray(Number(address - start), Number(address - start) + length))
      : host.readMemory(address, length)),
    writeMemory: (address, bytes) => host.writeMemory(address, bytes),
    registerBytes: (register) => host.registerBytes(register),
    writeRegister: (register, bytes) => host.writeRegister(register, bytes),
    symbolize: (address) => host.symbolize(address),
    staticMemberValue: host.staticMemberValue === undefined ? undefined : (member) => host.staticMemberValue!(member),
    typeNamed: host.typeNamed === undefined ? undefined : (name) => host.typeNamed!(name),
  };
}

function formatAt(value: Value, host: ValueHost, format: ValueFormat, depth: number): string {
  const type = stripTypedefs(value.type);
  switch (type.kind) {
    case 'base':
      return formatBase(value, type.encoding, type.byteSize, host, format);
    case 'enum':
      return formatEnum(type, integerOf(value, host), format);
    case 'pointer':
      return formatPointer(value, type.target, host);
    case 'reference':
      // gdb shows what a reference refers to (`(T &) @0x7ffe...: value`); the type column says it is a reference.
      return formatPart(() => dereference(withDynamicType(value, host), host), host, format, depth);
    case 'record': {
      if (type.byteSize === undefined) return '<incomplete type>';
      const visualizer = format.raw ? undefined : visualizerFor(type);
      if (visualizer !== undefined) return formatVisualization(visualizer.visualize(value, host), host, format, depth);
      if (depth >= SUMMARY_DEPTH) return '{...}';
      const parts: string[] = [];
      let length = 2;
      for (const recordPart of recordParts(value, host)) {
        const label = recordPart.kind === 'base' ? `<${recordPart.name}>` : recordPart.kind === 'static' ? `static ${recordPart.name}` : recordPart.name ?? '<anonymous>';
        const part = `${label} = ${formatPart(() => (recordPart.kind === 'static' ? recordPart.value() : recordPart.value), host, format, depth + 1)}`;
        length += part.length + 2;
        if (length > SUMMARY_LENGTH && parts.length > 0) {
          parts.push('...');
          break;
        }
        parts.push(part);
      }
      return `{${parts.join(', ')}}`;
    }
    case 'array': {
      const count = arrayLength(type);
      if (count === undefined) return '{...}';
      if (type.dimensions.length === 1 && isCharType(type.element)) {
        const bytes = valueBytes(value, host);
        const nul = bytes.indexOf(0);
        const shown = bytes.subarray(0, Math.min(nul < 0 ? bytes.length : nul, STRING_LIMIT));
        return stringLiteral(shown, shown.length < (nul < 0 ? bytes.length : nul));
      }
      if (depth >= SUMMARY_DEPTH) return '{...}';
      const parts: string[] = [];
      let length = 2;
      for (let index = 0; index < count; index++) {
        if (index >= SUMMARY_ELEMENTS || length > SUMMARY_LENGTH) {
          parts.push('...');
          break;
        }
        const part = formatPart(() => elementValue(value, index), host, format, depth + 1);
        length += part.length + 2;
        parts.push(part);
      }
      return `{${parts.join(', ')}}`;
    }
    case 'function': {
      if (value.place.kind !== 'memory') return '<function>';
      const symbol = host.symbolize(value.place.address);
      return `0x${value.place.address.toString(16)}${symbol === undefined ? '' : ` <${symbol}>`}`;
    }
    case 'void':
      return 'void';
    case 'unspecified':
      return formatBase(value, DW_ATE.unsigned, byteSizeOf(type) || 8, host, format);
    default:
      return '<unknown type>';
  }
}

/** gdb's one-line print of a pretty-printed value: `header = {children}`, bounded like any summary. */
function formatVisualization(visualization: Visualization, host: ValueHost, format: ValueFormat, depth: number): string {
  const { header, hint, length } = visualization;
  // An empty header: the children alone, as a C array is written.
  const lead = header === '' ? '' : `${header} = `;
  if (hint === 'none' || length === 0) return header === '' ? '{}' : header;
  if (depth >= SUMMARY_DEPTH) return `${lead}{...}`;
  const parts: string[] = [];
  let size = header.length + 5;
  for (const child of visualization.children(0, SUMMARY_ELEMENTS)) {
    if (size > SUMMARY_LENGTH) break;
    const shown = formatPart(() => child.value, host, format, depth + 1);
    const part = hint === 'array' ? shown : `${child.name ?? `[${formatPart(() => child.key!, host, format, depth + 1)}]`} = ${shown}`;
    size += part.length + 2;
    parts.push(part);
  }
  if (parts.length < length) parts.push('...');
  return `${lead}{${parts.join(', ')}}`;
}

function formatPart(make: () => Value, host: ValueHost, format: ValueFormat, depth: number): string {
  try {
    return formatAt(make(), host, format, depth);
  } catch (error) {
    return errorText(error);
  }
}

function formatBase(value: Value, encoding: number, byteSize: number, host: ValueHost, format: ValueFormat): string {
  if (encoding === DW_ATE.float) {
    if (value.bits !== undefined) return '<float bitfield>';
    return formatFloatBytes(valueBytes(value, host)) ?? `<float of ${byteSize} bytes>`;
  }
  const number = integerOf(value, host);
  if (encoding === DW_ATE.boolean) return number === 0n ? 'false' : number === 1n ? 'true' : number.toString();
  const text = format.hex ? hexOf(number, value.bits?.size ?? byteSize * 8) : number.toString();
  if (isCharType(value.type) && value.bits === undefined) return `${text} ${charLiteral(Number(BigInt.asUintN(8, number)))}`;
  return text;
}

export function hexOf(value: bigint, bits: number): string {
  return `0x${BigInt.asUintN(bits, value).toString(16)}`;
}

export function formatEnum(type: EnumType, number: bigint, format: ValueFormat = {}): string {
  const exact = type.enumerators.find((enumerator) => enumerator.value === number);
  if (exact !== undefined) return type.enumeratorPrefix + exact.name;
  const plain = format.hex ? hexOf(number, (type.byteSize ?? 4) * 8) : number.toString();
  if (!isFlagEnum(type) || number <= 0n) return plain;
  const names: string[] = [];
  let rest = number;
  for (const enumerator of type.enumerators) {
    if (enumerator.value !== 0n && (rest & enumerator.value) === enumerator.value) {
      names.push(type.enumeratorPrefix + enumerator.name);
      rest &= ~enumerator.value;
    }
  }
  if (names.length === 0) return plain;
  if (rest !== 0n) names.push(`unknown: 0x${rest.toString(16)}`);
  return `(${names.join(' | ')})`;
}

/** An enum whose non-zero values have pairwise disjoint bits (gdb's "flag enum"). */
function isFlagEnum(type: EnumType): boolean {
  let seen = 0n;
  for (const enumerator of type.enumerators) {
    if (enumerator.value < 0n) return false;
    if ((seen & enumerator.value) !== 0n) return false;
    seen |= enumerator.value;
  }
  return type.enumerators.length > 1;
}

function formatPointer(value: Value, target: DwarfType, host: ValueHost): string {
  const address = integerOf(value, host);
  const text = `0x${address.toString(16)}`;
  if (address === 0n) return text;
  const pointee = stripTypedefs(target);
  // A function pointer, or a C++ vtable pointer (`_vptr.Shape`, a pointer to function pointers):
  // gdb names what it points to, `<vtable for geo::Rect+16>`.
  if (pointee.kind === 'function' || (pointee.kind === 'pointer' && stripTypedefs(pointee.target).kind === 'function')) {
    const symbol = host.symbolize(address);
    return symbol === undefined ? text : `${text} <${symbol}>`;
  }
  if (isCharType(target)) return `${text} ${readString(address, host)}`;
  return text;
}

/** The C string at `address`, quoted, or an error text. */
export function readString(address: bigint, host: ValueHost): string {
  const bytes: number[] = [];
  let at = address;
  try {
    while (bytes.length < STRING_LIMIT) {
      // Up to the end of the page at a time: a string that ends before an unmapped page is read whole.
      const chunkSize = Math.min(STRING_LIMIT - bytes.length + 1, 4096 - Number(at % 4096n));
      let chunk: Buffer;
      try {
        chunk = host.readMemory(at, chunkSize);
      } catch (error) {
        if (bytes.length === 0) throw error;
        break;
      }
      const nul = chunk.indexOf(0);
      if (nul >= 0) return stringLiteral(Uint8Array.from([...bytes, ...chunk.subarray(0, nul)]));
      bytes.push(...chunk);
      at += BigInt(chunkSize);
    }
  } catch (error) {
    return errorText(error);
  }
  return stringLiteral(Uint8Array.from(bytes.slice(0, STRING_LIMIT)), bytes.length >= STRING_LIMIT);
}

export function isStringLike(type: DwarfType): boolean {
  const resolved = stripTypedefs(type);
  return (resolved.kind === 'pointer' && isCharType(resolved.target)) || (resolved.kind === 'array' && isCharType(resolved.element));
}

export { scalarClass };
