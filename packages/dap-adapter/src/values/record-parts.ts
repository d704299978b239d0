// The parts of a C or C++ record value as gdb shows them: base classes first (each a part named
// after its type, `<geo::Shape>` in gdb's print), then the data members (anonymous structs and
// unions flattened, as C lets you name their members directly), then static members. Member
// lookup (`obj.name`) searches the record itself, then its bases depth-first, as C++ name lookup
// does for unambiguous names.
import { DwarfExpressionError, evaluateValue, stripTypedefs, typeName, type RecordBase, type RecordType } from '../symbols/index.js';
import { memberValue, offsetPlace, visibleMembers, ValueError, type Value, type ValueHost } from './value.js';

export type RecordPart =
  | { readonly kind: 'base'; readonly name: string; readonly value: Value }
  | { readonly kind: 'member'; readonly name: string | undefined; readonly value: Value }
  /** Read on demand: a static member lives elsewhere, and may have no definition in this program. */
  | { readonly kind: 'static'; readonly name: string; readonly value: () => Value };

/** Bound on base-class nesting while searching (corrupt data can make the graph deep). */
const MAX_BASE_DEPTH = 32;

export function recordParts(record: Value, host: ValueHost): RecordPart[] {
  const type = stripTypedefs(record.type) as RecordType;
  const parts: RecordPart[] = [];
  for (const base of type.bases) parts.push({ kind: 'base', name: typeName(base.type), value: baseValue(record, base, host) });
  for (const { member, offset } of visibleMembers(type.members)) {
    parts.push({ kind: 'member', name: member.name, value: memberValue({ type: record.type, place: offsetPlace(record.place, offset) }, member) });
  }
  for (const member of type.staticMembers) {
    parts.push({
      kind: 'static', name: member.name,
      value: () => {
        const found = host.staticMemberValue?.(member);
        if (found === undefined) throw new ValueError('<optimized out>');
        return found;
      },
    });
  }
  return parts;
}

/** How many parts `recordParts` gives, from the type alone (no base located, nothing read). */
export function recordPartCount(type: RecordType): number {
  return type.bases.length + visibleMembers(type.members).length + type.staticMembers.length;
}

/** The base-class subobject of a record value. */
export function baseValue(record: Value, base: RecordBase, host: ValueHost): Value {
  if (base.byteOffset !== undefined) return { type: base.type, place: offsetPlace(record.place, base.byteOffset) };
  // A virtual base: its offset is in the object's vtable; the expression reads it from the object's address.
  if (record.place.kind !== 'memory' || base.location === undefined) return { type: base.type, place: { kind: 'unavailable', reason: '<virtual base of a value not in memory>' } };
  const address = record.place.address;
  try {
    const located = evaluateValue(Buffer.from(base.location), {
      readMemory: (at, size) => host.readMemory(at, size),
      readRegister: () => { throw new DwarfExpressionError('a virtual base location reads no register'); },
      loadBias: 0n,
      objectAddress: address,
    }, { initialStack: [address] });
    return { type: base.type, place: { kind: 'memory', address: located } };
  } catch (error) {
    return { type: base.type, place: { kind: 'unavailable', reason: `<error: ${(error as Error).message}>` } };
  }
}

/** The member (data or static) named `name`, in the record or its bases, as a value. */
export function findMember(record: Value, name: string, host: ValueHost, depth = 0): Value | undefined {
  const type = stripTypedefs(record.type);
  if (type.kind !== 'record' || depth > MAX_BASE_DEPTH) return undefined;
  const found = visibleMembers(type.members).find((candidate) => candidate.member.name === name);
  if (found !== undefined) return memberValue({ type: record.type, place: offsetPlace(record.place, found.offset) }, found.member);
  const staticMember = type.staticMembers.find((candidate) => candidate.name === name);
  if (staticMember !== undefined) {
    const value = host.staticMemberValue?.(staticMember);
    if (value === undefined) throw new ValueError(`static member ${name} has no definition in this program`);
    return value;
  }
  for (const base of type.bases) {
    const inBase = findMember(baseValue(record, base, host), name, host, depth + 1);
    if (inBase !== undefined) return inBase;
  }
  return undefined;
}
