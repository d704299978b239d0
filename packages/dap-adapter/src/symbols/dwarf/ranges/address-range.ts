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

/** "Tombstone" addresses that linkers write for code discarded by --gc-sections. */
export function isTombstone(address: bigint, addressSize: number): boolean {
  const allOnes = (1n << BigInt(addressSize * 8)) - 1n;
  return address === allOnes || address === allOnes - 1n;
}
