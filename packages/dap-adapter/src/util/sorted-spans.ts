// The span holding an address among spans sorted by start that do not overlap (a process's
// loaded objects, a core's segments): a binary search.

export interface Span {
  readonly start: bigint;
  /** Just past the span. */
  readonly end: bigint;
}

export function spanContaining<T extends Span>(sorted: readonly T[], address: bigint): T | undefined {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const span = sorted[middle]!;
    if (address < span.start) high = middle - 1;
    else if (address >= span.end) low = middle + 1;
    else return span;
  }
  return undefined;
}
