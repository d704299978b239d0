// Location lists (a variable's location that changes with the pc): DWARF 5 .debug_loclists and
// DWARF 2-4 .debug_loc. Entry addresses are returned as absolute file addresses.
import type { ByteReader } from '../../binary/byte-reader.js';
import { isTombstone } from '../ranges/address-range.js';
import type { AttributeValue } from '../units/attribute-value.js';
import { DW_LLE } from '../constants/index.js';
import { listOffsetFromIndex } from '../ranges/list-offsets.js';
import type { DwarfUnit } from '../units/unit.js';

export interface LocationListEntry {
  /** The entry applies for start <= pc < end. */
  readonly start: bigint;
  readonly end: bigint;
  /** The DWARF location expression (empty: the value is optimized out there). */
  readonly expression: Buffer;
}

export interface LocationList {
  /** Offset of the list in its section (.debug_loclists or .debug_loc). */
  readonly offset: number;
  readonly entries: readonly LocationListEntry[];
  /** DW_LLE_default_location: the location wherever no entry applies. */
  readonly defaultExpression?: Buffer;
}

/** Whether an attribute value refers to a location list (rather than being an expression). */
export function isLocationListReference(unit: DwarfUnit, value: AttributeValue): boolean {
  return value.kind === 'section-offset' || value.kind === 'location-list-index'
    || (unit.version < 4 && value.kind === 'constant' && (value.size === 4 || value.size === 8));
}

export function readLocationList(unit: DwarfUnit, value: AttributeValue, baseAddress = unit.baseAddress): LocationList | undefined {
  let offset: number | undefined;
  if (value.kind === 'section-offset') offset = value.offset;
  else if (value.kind === 'location-list-index') offset = listOffsetFromIndex(unit, '.debug_loclists', unit.locationListsBase, value.index);
  else if (value.kind === 'constant' && unit.version < 4) offset = Number(value.value);
  if (offset === undefined) return undefined;
  if (unit.version >= 5) return readLocLists(unit, offset, baseAddress);
  return unit.skeleton === undefined ? readDebugLoc(unit, offset, baseAddress) : readSplitDebugLoc(unit, offset);
}

function readLocLists(unit: DwarfUnit, offset: number, initialBase: bigint): LocationList {
  const reader = unit.sectionsReader('.debug_loclists', offset);
  const size = unit.addressSize;
  const entries: LocationListEntry[] = [];
  let defaultExpression: Buffer | undefined;
  let base = initialBase;
  const add = (start: bigint, end: bigint): void => {
    const expression = counted(reader);
    if (end > start && !isTombstone(start, size)) entries.push({ start, end, expression });
  };
  for (;;) {
    const kind = reader.u8();
    switch (kind) {
      case DW_LLE.end_of_list: return { offset, entries, defaultExpression };
      case DW_LLE.base_addressx: base = unit.addressAtIndex(reader.uleb128()); break;
      case DW_LLE.startx_endx: add(unit.addressAtIndex(reader.uleb128()), unit.addressAtIndex(reader.uleb128())); break;
      case DW_LLE.startx_length: {
        const start = unit.addressAtIndex(reader.uleb128());
        add(start, start + reader.uleb128Big());
        break;
      }
      case DW_LLE.offset_pair: {
        const start = reader.uleb128Big();
        add(base + start, base + reader.uleb128Big());
        break;
      }
      case DW_LLE.default_location: defaultExpression = counted(reader); break;
      case DW_LLE.base_address: base = reader.unsigned(size); break;
      case DW_LLE.start_end: add(reader.unsigned(size), reader.unsigned(size)); break;
      case DW_LLE.start_length: {
        const start = reader.unsigned(size);
        add(start, start + reader.uleb128Big());
        break;
      }
      case DW_LLE.GNU_view_pair: // location view numbers (gcc -gvariable-location-views=incompat5): not needed
        reader.uleb128();
        reader.uleb128();
        break;
      default:
        return reader.fail(`unknown location list entry kind 0x${kind.toString(16)}`, reader.offset - 1);
    }
  }
}

function readDebugLoc(unit: DwarfUnit, offset: number, initialBase: bigint): LocationList {
  const reader = unit.sectionsReader('.debug_loc', offset);
  const size = unit.addressSize;
  const baseSelector = (1n << BigInt(size * 8)) - 1n;
  const entries: LocationListEntry[] = [];
  let base = initialBase;
  for (;;) {
    const start = reader.unsigned(size);
    const end = reader.unsigned(size);
    if (start === 0n && end === 0n) return { offset, entries };
    if (start === baseSelector) {
      base = end;
      continue;
    }
    const expression = reader.bytes(reader.u16());
    if (end > start) entries.push({ start: base + start, end: base + end, expression });
  }
}

/**
 * The pre-standard split DWARF format of .debug_loc.dwo (gcc -gdwarf-4 -gsplit-dwarf): entry
 * kinds like DWARF 5's, with addresses as .debug_addr indexes and 2-byte expression lengths.
 */
function readSplitDebugLoc(unit: DwarfUnit, offset: number): LocationList {
  const reader = unit.sectionsReader('.debug_loc', offset);
  const entries: LocationListEntry[] = [];
  for (;;) {
    const kind = reader.u8();
    switch (kind) {
      case 0: return { offset, entries }; // DW_LLE_GNU_end_of_list_entry
      case 1: reader.uleb128(); break; // base_address_selection_entry: no entry kind here is base-relative
      case 2: { // start_end_entry
        const start = unit.addressAtIndex(reader.uleb128());
        const end = unit.addressAtIndex(reader.uleb128());
        const expression = reader.bytes(reader.u16());
        if (end > start) entries.push({ start, end, expression });
        break;
      }
      case 3: { // start_length_entry
        const start = unit.addressAtIndex(reader.uleb128());
        const end = start + BigInt(reader.u32());
        const expression = reader.bytes(reader.u16());
        if (end > start) entries.push({ start, end, expression });
        break;
      }
      default:
        return reader.fail(`unknown split location list entry kind 0x${kind.toString(16)}`, reader.offset - 1);
    }
  }
}

/** A location description preceded by its ULEB128 length. */
function counted(reader: ByteReader): Buffer {
  return reader.bytes(reader.uleb128());
}
