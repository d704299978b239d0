/** A half-open range of file addresses [start, end). */
export interface AddressRange {
  readonly start: bigint;
  readonly end: bigint;
}

export function rangesContain(ranges: readonly AddressRange[], address: bigint): boolean {
  return ranges.some((range) => address >= range.start && address < range.end);
}

export function sortRanges(ranges: AddressRange[]): AddressRange[] {
  return ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** All ones in 4 and 8 bytes: made once, as this runs for every range of every unit. */
const ALL_ONES_32 = 0xffff_ffffn;
const ALL_ONES_64 = 0xffff_ffff_ffff_ffffn;

/** "Tombstone" addresses that linkers write for code discarded by --gc-sections. */
export function isTombstone(address: bigint, addressSize: number): boolean {
  const allOnes = addressSize === 8 ? ALL_ONES_64 : addressSize === 4 ? ALL_ONES_32 : (1n << BigInt(addressSize * 8)) - 1n;
  return address === allOnes || address === allOnes - 1n;
}
