// A set of byte ranges, kept as sorted disjoint intervals: the planner asks "does this read
// touch anything written earlier in the group?" once per read.
export class IntervalSet {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  get size(): number {
    return this.starts.length;
  }

  /** Adds [start, start + length). */
  add(start: number, length: number): void {
    if (length <= 0) return;
    let end = start + length;
    // First interval whose end reaches `start` (touching intervals merge).
    let i = this.firstEndingAtOrAfter(start);
    let j = i;
    let s = start;
    while (j < this.starts.length && this.starts[j]! <= end) {
      s = Math.min(s, this.starts[j]!);
      end = Math.max(end, this.ends[j]!);
      j++;
    }
    this.starts.splice(i, j - i, s);
    this.ends.splice(i, j - i, end);
  }

  /** True if [start, start + length) shares a byte with the set. */
  overlaps(start: number, length: number): boolean {
    if (length <= 0) return false;
    const i = this.firstEndingAfter(start);
    return i < this.starts.length && this.starts[i]! < start + length;
  }

  private firstEndingAtOrAfter(x: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private firstEndingAfter(x: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
