// Reading libstdc++'s implementation fields: by name, through the base classes its containers
// are built from (std::vector's `_M_impl` derives from `_Vector_impl_data`, which holds
// `_M_start`), with errors that say which field a corrupt or unexpected layout lacks.
import { stripTypedefs, type DwarfType, type RecordType } from '../../symbols/index.js';
import { findMember } from '../../values/record-parts.js';
import { integerOf, ValueError, type Value, type ValueHost } from '../../values/value.js';

/** `value.a.b.c`, each name looked up in the record and its bases. */
export function field(value: Value, host: ValueHost, ...path: string[]): Value {
  let current = value;
  for (const name of path) {
    const found = findMember(current, name, host);
    if (found === undefined) throw new ValueError(`<libstdc++ layout not recognized: no ${name} in ${stripTypedefs(current.type).kind === 'record' ? (stripTypedefs(current.type) as RecordType).name : 'a non-class'}>`);
    current = found;
  }
  return current;
}

/** An integer or pointer field as a BigInt. */
export function numberField(value: Value, host: ValueHost, ...path: string[]): bigint {
  return integerOf(field(value, host, ...path), host);
}

/** The type a pointer type points to. */
export function pointeeType(pointer: DwarfType): DwarfType {
  const type = stripTypedefs(pointer);
  if (type.kind !== 'pointer') throw new ValueError('<libstdc++ layout not recognized: a pointer was expected>');
  return type.target;
}

/** The record's template argument `index` (a type), as the debug information lists them. */
export function templateType(type: DwarfType, index: number): DwarfType {
  const record = stripTypedefs(type);
  const argument = record.kind === 'record' ? record.templateArguments[index] : undefined;
  if (argument === undefined) throw new ValueError(`<libstdc++ layout not recognized: no template argument ${index}>`);
  return argument.type;
}

/** The record's name matches `std::NAME<` (libstdc++'s inline namespaces `__cxx11`, `__debug` allowed). */
export function isStd(type: RecordType, name: string): boolean {
  const full = type.name;
  if (full === undefined) return false;
  const match = /^std::(?:__cxx11::|__debug::|__8::)?(.*)$/.exec(full);
  return match !== null && (match[1] === name || match[1]!.startsWith(`${name}<`));
}

/** A length read from the program, checked before anything is read through it. */
export function checkedLength(length: bigint, what: string, limit = MAX_LENGTH): number {
  if (length < 0n || length > BigInt(limit)) throw new ValueError(`<invalid ${what}: ${length}>`);
  return Number(length);
}

/** No container this debugger shows is longer: more is taken as garbage (an uninitialized object). */
export const MAX_LENGTH = 2 ** 31;
