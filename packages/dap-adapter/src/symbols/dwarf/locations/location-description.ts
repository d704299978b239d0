// How an attribute of class exprloc/loclist (DW_AT_location, DW_AT_frame_base...) or a
// DW_AT_const_value says where a value is, before anything is evaluated.
import type { AttributeValue } from '../units/attribute-value.js';
import type { Die } from '../units/die.js';
import { isLocationListReference, readLocationList, type LocationList } from './location-lists.js';

export type LocationDescription =
  /** One DWARF expression valid wherever the object is in scope. */
  | { readonly kind: 'expression'; readonly expression: Buffer }
  /** A location list: the expression depends on the pc. */
  | { readonly kind: 'list'; readonly list: LocationList }
  /** DW_AT_const_value: the value itself, as an integer or as bytes in target order. */
  | { readonly kind: 'constant'; readonly value: bigint | Buffer }
  /** No location and no value: the object was optimized away entirely. */
  | { readonly kind: 'none' };

/** Decodes a location-class attribute of a DIE (undefined if absent). */
export function locationDescriptionOf(die: Die, attribute: number): LocationDescription | undefined {
  const value = die.attribute(attribute);
  return value === undefined ? undefined : describeLocation(die, value);
}

export function describeLocation(die: Die, value: AttributeValue): LocationDescription {
  if (value.kind === 'expression' || value.kind === 'block') return { kind: 'expression', expression: value.bytes };
  if (isLocationListReference(die.unit, value)) {
    const list = readLocationList(die.unit, value);
    return list === undefined ? { kind: 'none' } : { kind: 'list', list };
  }
  return { kind: 'none' };
}

/** DW_AT_const_value decoded; signed data forms are sign-extended by the caller's type knowledge. */
export function constantValueOf(die: Die, attribute: number): LocationDescription | undefined {
  const value = die.attribute(attribute);
  if (value === undefined) return undefined;
  if (value.kind === 'constant') return { kind: 'constant', value: value.value };
  if (value.kind === 'block' || value.kind === 'expression') return { kind: 'constant', value: value.bytes };
  if (value.kind === 'string' || value.kind === 'string-offset' || value.kind === 'string-index') {
    const text = die.unit.resolveString(value);
    return text === undefined ? undefined : { kind: 'constant', value: Buffer.from(`${text}\0`, 'utf8') };
  }
  return undefined;
}

/**
 * The expression that applies at `pc` (a file address), or undefined when the object has no
 * location there (optimized out at that point). Constants and 'none' have no expression.
 */
export function expressionAt(description: LocationDescription, pc: bigint): Buffer | undefined {
  switch (description.kind) {
    case 'expression':
      return description.expression;
    case 'list': {
      const entry = description.list.entries.find((candidate) => pc >= candidate.start && pc < candidate.end);
      return entry?.expression ?? description.list.defaultExpression;
    }
    default:
      return undefined;
  }
}
