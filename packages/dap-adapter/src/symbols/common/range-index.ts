/**
 * Finds the items whose [start, end) contains an address: a sorted array searched by binary
 * search, then walked back over earlier items that are long enough to still reach the address
 * (ranges may overlap: aliases, nested scopes, overlapping unit ranges).
 */
export class RangeIndex<T> {
  private readonly entries: { readonly start: bigint; readonly end: bigint; readonly item: T }[];
  private readonly longest: bigint;

  constructor(entries: Iterable<{ readonly start: bigint; readonly end: bigint; readonly item: T }>) {
    // Sorted on the start as a number (addresses fit; comparing BigInts allocates), ties and any
    // imprecision settled on the exact BigInt: libc's ~6,000 unit ranges are sorted at its first frame.
    this.entries = [...entries].filter((entry) => entry.end > entry.start)
      .map((entry) => ({ entry, key: Number(entry.start) }))
      .sort((a, b) => a.key - b.key || (a.entry.start < b.entry.start ? -1 : a.entry.start > b.entry.start ? 1 : 0))
      .map(({ entry }) => entry);
    this.longest = this.entries.reduce((max, entry) => (entry.end - entry.start > max ? entry.end - entry.start : max), 0n);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Every item containing the address, the one that starts last first. */
  allContaining(address: bigint): T[] {
    const found: T[] = [];
    for (let index = this.upperBound(address) - 1; index >= 0; index--) {
      const entry = this.entries[index]!;
      if (entry.start + this.longest <= address) break;
      if (address < entry.end) found.push(entry.item);
    }
    return found;
  }

  /** The item containing the address that starts last (the innermost, for nested ranges). */
  containing(address: bigint): T | undefined {
    return this.allContaining(address)[0];
  }

  /** Index of the first entry starting above the address. */
  private upperBound(address: bigint): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle]!.start <= address) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
