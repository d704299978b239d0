// The dynamic type of a C++ object seen through a pointer or reference to a polymorphic class
// (gdb's `set print object on`): a `geo::Shape *` that points into a `geo::Rect` shows as a
// `geo::Rect *` with the Rect's members. Itanium C++ ABI: a polymorphic object starts with its
// vtable pointer, which points into the symbol `vtable for <most derived class>`; the word two
// slots before that address point is the offset from this subobject to the whole object.
import { stripTypedefs, type DwarfType, type RecordType } from '../symbols/index.js';
import { integerBytes, integerOf, pointerTo, type Value, type ValueHost } from './value.js';

const VTABLE_SYMBOL = /^vtable for (.+?)(?:\+\d+)?$/;

/** A pointer or reference retyped to the object's dynamic class; any other value unchanged. */
export function withDynamicType(value: Value, host: ValueHost): Value {
  const type = stripTypedefs(value.type);
  if (type.kind !== 'pointer' && type.kind !== 'reference') return value;
  const target = stripTypedefs(type.target);
  if (target.kind !== 'record' || !target.isPolymorphic || host.typeNamed === undefined) return value;
  try {
    const address = integerOf(value, host);
    if (address === 0n) return value;
    const found = dynamicClass(address, target, host);
    if (found === undefined) return value;
    const retyped: DwarfType = type.kind === 'pointer' ? pointerTo(found.type) : { ...type, target: found.type };
    // The same place when the object starts where the pointer points (single inheritance), so
    // that the value stays assignable; else the adjusted address.
    if (found.offsetToTop === 0n) return { type: retyped, place: value.place };
    return { type: retyped, place: { kind: 'bytes', bytes: integerBytes(address + found.offsetToTop, 8) } };
  } catch {
    return value; // an unreadable object keeps its static type; its members show the error
  }
}

function dynamicClass(address: bigint, staticType: RecordType, host: ValueHost): { type: RecordType; offsetToTop: bigint } | undefined {
  const vptr = host.readMemory(address, 8).readBigUInt64LE();
  const symbol = host.symbolize(vptr);
  const name = symbol === undefined ? undefined : VTABLE_SYMBOL.exec(symbol)?.[1];
  if (name === undefined || name === staticType.name) return undefined;
  const found = host.typeNamed!(name);
  const resolved = found === undefined ? undefined : stripTypedefs(found);
  if (resolved?.kind !== 'record' || resolved.byteSize === undefined) return undefined;
  const offsetToTop = host.readMemory(vptr - 16n, 8).readBigInt64LE();
  return { type: resolved, offsetToTop };
}
