import { isTombstone, type AddressRange } from './address-range.js';
import { DW_AT } from '../constants/index.js';
import type { Die } from '../units/die.js';
import { readRangeList } from './range-lists.js';

/**
 * The code addresses a DIE covers (unit, subprogram, lexical block, inlined subroutine): its
 * DW_AT_ranges list, or [DW_AT_low_pc, DW_AT_high_pc) where high_pc is an address or, as a
 * constant, a length. In the order listed: compilers list the range holding the entry first
 * (a hot/cold split function's cold part often sits at a lower address). Empty when the DIE has
 * no code (a declaration, discarded code).
 */
export function pcRangesOf(die: Die): AddressRange[] {
  const ranges = die.attribute(DW_AT.ranges);
  if (ranges !== undefined) return readRangeList(die.unit, ranges);
  const low = die.address(DW_AT.low_pc);
  if (low === undefined || isTombstone(low, die.unit.addressSize)) return [];
  const highValue = die.attribute(DW_AT.high_pc);
  if (highValue === undefined) return [];
  const high = highValue.kind === 'constant' ? low + highValue.value : die.unit.resolveAddress(highValue);
  // A function discarded by the linker keeps its length but gets low_pc 0; callers that care
  // filter by the file's sections. An inverted or empty range covers nothing.
  return high === undefined || high <= low ? [] : [{ start: low, end: high }];
}

/** Where a DIE's code is entered: DW_AT_entry_pc, else DW_AT_low_pc, else the start of its first listed range. */
export function entryPcOf(die: Die, ranges: readonly AddressRange[]): bigint | undefined {
  const entry = die.attribute(DW_AT.entry_pc);
  if (entry !== undefined) {
    // DWARF 5 allows entry_pc as a constant offset from the DIE's base (low_pc or first range).
    if (entry.kind === 'constant') return ranges[0] === undefined ? undefined : (die.address(DW_AT.low_pc) ?? ranges[0].start) + entry.value;
    const address = die.unit.resolveAddress(entry);
    if (address !== undefined) return address;
  }
  return die.address(DW_AT.low_pc) ?? ranges[0]?.start;
}
