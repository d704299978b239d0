import type { ByteReader } from '../../binary/byte-reader.js';
import { DW_UT } from '../constants/index.js';
import { readInitialLength } from '../initial-length.js';

/** The header of a unit in .debug_info (compile, type, partial, skeleton...) or DWARF 4 .debug_types. */
export interface UnitHeader {
  readonly section: '.debug_info' | '.debug_types';
  /** Offset of the header (the unit_length field) in its section: the unit's identity. */
  readonly offset: number;
  /** Offset just past the unit. */
  readonly end: number;
  /** 4 in the 32-bit DWARF format, 8 in the 64-bit format. */
  readonly offsetSize: 4 | 8;
  readonly version: number;
  /** DW_UT_*; synthesised for DWARF 2-4 (compile, or type for .debug_types). */
  readonly unitType: number;
  readonly addressSize: number;
  readonly abbrevOffset: number;
  /** Offset of the unit's first DIE. */
  readonly firstDieOffset: number;
  /** Type units: the 8-byte signature that DW_FORM_ref_sig8 refers to. */
  readonly typeSignature?: bigint;
  /** Type units: section offset of the DIE describing the type. */
  readonly typeOffset?: number;
  /** Skeleton and split units: the id linking the skeleton to its .dwo unit. */
  readonly dwoId?: bigint;
}

export const MIN_DWARF_VERSION = 2;
export const MAX_DWARF_VERSION = 5;

/** Parses the unit header at the reader's position and leaves the reader on the first DIE. */
export function readUnitHeader(reader: ByteReader, section: UnitHeader['section']): UnitHeader {
  const offset = reader.offset;
  const { length, offsetSize } = readInitialLength(reader);
  const contentStart = reader.offset;
  const end = contentStart + length;
  if (end > reader.end) reader.fail(`unit length 0x${length.toString(16)} runs past the end of the section`, offset);
  const version = reader.u16();
  if (version < MIN_DWARF_VERSION || version > MAX_DWARF_VERSION) reader.fail(`unknown DWARF version ${version}`, offset);

  let unitType: number;
  let addressSize: number;
  let abbrevOffset: number;
  let typeSignature: bigint | undefined;
  let typeOffset: number | undefined;
  let dwoId: bigint | undefined;
  if (version >= 5) {
    unitType = reader.u8();
    addressSize = reader.u8();
    abbrevOffset = reader.offsetOfSize(offsetSize);
    if (unitType === DW_UT.skeleton || unitType === DW_UT.split_compile) {
      dwoId = reader.u64();
    } else if (unitType === DW_UT.type || unitType === DW_UT.split_type) {
      typeSignature = reader.u64();
      typeOffset = offset + reader.offsetOfSize(offsetSize);
    } else if (unitType !== DW_UT.compile && unitType !== DW_UT.partial) {
      reader.fail(`unknown unit type 0x${unitType.toString(16)}`, offset);
    }
  } else {
    abbrevOffset = reader.offsetOfSize(offsetSize);
    addressSize = reader.u8();
    unitType = section === '.debug_types' ? DW_UT.type : DW_UT.compile;
    if (section === '.debug_types') {
      typeSignature = reader.u64();
      typeOffset = offset + reader.offsetOfSize(offsetSize);
    }
  }
  if (addressSize !== 4 && addressSize !== 8) reader.fail(`unsupported address size ${addressSize}`, offset);
  if (reader.offset > end) reader.fail('unit header longer than the unit', offset);
  return {
    section, offset, end, offsetSize, version, unitType, addressSize, abbrevOffset,
    firstDieOffset: reader.offset, typeSignature, typeOffset, dwoId,
  };
}
