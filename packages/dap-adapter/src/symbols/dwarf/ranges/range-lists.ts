// Non-contiguous address ranges (DW_AT_ranges): DWARF 5 .debug_rnglists and DWARF 2-4 .debug_ranges.
import type { AttributeValue } from '../units/attribute-value.js';
import { isTombstone, type AddressRange } from './address-range.js';
import { DW_AT, DW_RLE } from '../constants/index.js';
import { listOffsetFromIndex } from './list-offsets.js';
import type { DwarfUnit } from '../units/unit.js';

/** The ranges of a DW_AT_ranges value, empty ranges and discarded code left out. */
export function readRangeList(unit: DwarfUnit, value: AttributeValue, baseAddress = unit.baseAddress): AddressRange[] {
  if (unit.version >= 5) {
    let offset: number | undefined;
    if (value.kind === 'section-offset') offset = value.offset;
    else if (value.kind === 'range-list-index') offset = listOffsetFromIndex(unit, '.debug_rnglists', unit.rangeListsBase, value.index);
    return offset === undefined ? [] : readRngLists(unit, offset, baseAddress);
  }
  const offset = value.kind === 'section-offset' ? value.offset
    : value.kind === 'constant' && (value.size === 4 || value.size === 8) ? Number(value.value) : undefined;
  // A DWARF 4 split unit's offsets are relative to its skeleton's DW_AT_GNU_ranges_base.
  const rangesBase = unit.skeleton === undefined ? 0 : unit.skeleton.sectionOffsetOf(unit.skeleton.unitDie, DW_AT.GNU_ranges_base) ?? 0;
  return offset === undefined ? [] : readDebugRanges(unit, rangesBase + offset, baseAddress);
}

/** A DWARF 5 range list: a sequence of DW_RLE_* entries ending with DW_RLE_end_of_list. */
function readRngLists(unit: DwarfUnit, offset: number, initialBase: bigint): AddressRange[] {
  const reader = unit.sectionsReader('.debug_rnglists', offset);
  const size = unit.addressSize;
  const ranges: AddressRange[] = [];
  let base = initialBase;
  const add = (start: bigint, end: bigint): void => {
    if (end > start && !isTombstone(start, size)) ranges.push({ start, end });
  };
  for (;;) {
    const kind = reader.u8();
    switch (kind) {
      case DW_RLE.end_of_list: return ranges;
      case DW_RLE.base_addressx: base = unit.addressAtIndex(reader.uleb128()); break;
      case DW_RLE.startx_endx: add(unit.addressAtIndex(reader.uleb128()), unit.addressAtIndex(reader.uleb128())); break;
      case DW_RLE.startx_length: {
        const start = unit.addressAtIndex(reader.uleb128());
        add(start, start + reader.uleb128Big());
        break;
      }
      case DW_RLE.offset_pair: {
        const start = reader.uleb128Big();
        add(base + start, base + reader.uleb128Big());
        break;
      }
      case DW_RLE.base_address: base = reader.unsigned(size); break;
      case DW_RLE.start_end: add(reader.unsigned(size), reader.unsigned(size)); break;
      case DW_RLE.start_length: {
        const start = reader.unsigned(size);
        add(start, start + reader.uleb128Big());
        break;
      }
      default:
        return reader.fail(`unknown range list entry kind 0x${kind.toString(16)}`, reader.offset - 1);
    }
  }
}

/** A DWARF 2-4 range list: address pairs relative to the base, (0, 0) ends, (max, x) sets the base. */
function readDebugRanges(unit: DwarfUnit, offset: number, initialBase: bigint): AddressRange[] {
  const reader = unit.sectionsReader('.debug_ranges', offset);
  const size = unit.addressSize;
  const baseSelector = (1n << BigInt(size * 8)) - 1n;
  const ranges: AddressRange[] = [];
  let base = initialBase;
  for (;;) {
    const start = reader.unsigned(size);
    const end = reader.unsigned(size);
    if (start === 0n && end === 0n) return ranges;
    if (start === baseSelector) {
      base = end;
      continue;
    }
    if (end > start) ranges.push({ start: base + start, end: base + end });
  }
}
