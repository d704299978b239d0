// .debug_aranges: which address ranges each compile unit covers, so that a pc leads to its unit
// without reading any DIE.
import type { ByteReader } from '../../binary/byte-reader.js';
import { isTombstone } from './address-range.js';
import { readInitialLength } from '../initial-length.js';

export interface UnitAddressRange {
  readonly start: bigint;
  readonly end: bigint;
  /** .debug_info offset of the unit's header. */
  readonly unitOffset: number;
}

export function readAranges(reader: ByteReader): UnitAddressRange[] {
  const ranges: UnitAddressRange[] = [];
  while (reader.remaining > 0) {
    const setStart = reader.offset;
    const { length, offsetSize } = readInitialLength(reader);
    const setEnd = reader.offset + length;
    const set = reader.slice(length);
    reader.seek(setEnd);
    const version = set.u16();
    if (version !== 2) set.fail(`unknown .debug_aranges version ${version}`, setStart);
    const unitOffset = set.offsetOfSize(offsetSize);
    const addressSize = set.u8();
    const segmentSize = set.u8();
    if (addressSize !== 4 && addressSize !== 8) set.fail(`unsupported address size ${addressSize}`, setStart);
    // Tuples are aligned to twice the address size, counted from the start of the set.
    const tupleSize = 2 * addressSize;
    const misalignment = (set.offset - setStart) % tupleSize;
    if (misalignment !== 0) set.skip(Math.min(tupleSize - misalignment, set.remaining));
    while (set.remaining >= tupleSize + segmentSize) {
      if (segmentSize > 0) set.skip(segmentSize);
      const start = set.unsigned(addressSize);
      const length = set.unsigned(addressSize);
      if (start === 0n && length === 0n) break;
      if (length > 0n && !isTombstone(start, addressSize)) ranges.push({ start, end: start + length, unitOffset });
    }
  }
  return ranges;
}
