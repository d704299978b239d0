// Turns memory segments into a stream for process_vm_readv/writev: the kernel copies the
// concatenation of the remote iovecs into the concatenation of the local iovecs, so remote
// ranges may be merged without touching the local side.
//
// Merging matters because the kernel pins pages once per remote iovec: measured here, 64
// scattered 8..64-byte remote iovecs cost ~23 us, one iovec over the 16 pages that hold them
// ~6 us.
//
// Reads are sorted by address and merged when they are contiguous or separated by a gap that
// lies in pages the neighbours touch anyway (so a merge can never fault on a page no op asked
// for); the gap's bytes land in a discard buffer. Writes keep program order (a later write over
// an earlier one must win) and merge only when exactly contiguous.
//
// Both structures are reused from batch to batch (typed arrays that only grow): planning runs
// for every batch, and allocation showed up in its profile.
import { PAGE_SIZE } from '../arch/x86_64.js';

/** Contiguous transfers between tracee memory and ours, structure-of-arrays. */
export class SegmentList {
  count = 0;
  /** Tracee addresses. */
  remote = new Float64Array(16);
  length = new Float64Array(16);
  /** Addresses of our memory. */
  local = new Float64Array(16);
  /** Filled by a read stream: bytes readable from each segment's start. */
  available = new Float64Array(16);

  clear(): void {
    this.count = 0;
  }

  push(remote: number, length: number, local: number): number {
    if (this.count === this.remote.length) this.grow();
    const i = this.count++;
    this.remote[i] = remote;
    this.length[i] = length;
    this.local[i] = local;
    this.available[i] = length;
    return i;
  }

  private grow(): void {
    const size = this.remote.length * 2;
    for (const name of ['remote', 'length', 'local', 'available'] as const) {
      const bigger = new Float64Array(size);
      bigger.set(this[name]);
      this[name] = bigger;
    }
  }
}

/** Pieces of a stream, structure-of-arrays. A piece with owner -1 is a gap filler. */
export class StreamPlan {
  count = 0;
  remote = new Float64Array(32);
  length = new Float64Array(32);
  local = new Float64Array(32);
  /** Index of the segment a piece carries, or -1 for a gap filler. */
  owner = new Int32Array(32);
  /** 1 if the piece continues the previous piece's remote range (same remote iovec). */
  joins = new Uint8Array(32);
  // Sorting scratch.
  private keys = new Float64Array(16);
  private order = new Int32Array(16);

  clear(): void {
    this.count = 0;
  }

  push(remote: number, length: number, local: number, owner: number, joins: boolean): void {
    if (this.count === this.remote.length) this.grow();
    const i = this.count++;
    this.remote[i] = remote;
    this.length[i] = length;
    this.local[i] = local;
    this.owner[i] = owner;
    this.joins[i] = joins ? 1 : 0;
  }

  /** Indices of the non-empty segments in address order (ties in queue order). */
  addressOrder(segments: SegmentList): { order: Int32Array; count: number } {
    const n = segments.count;
    if (this.order.length < n) {
      this.order = new Int32Array(n * 2);
      this.keys = new Float64Array(n * 2);
    }
    const { remote, length } = segments;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const r = remote[i]!;
      if (r < min) min = r;
      if (r > max) max = r;
    }
    // A typed-array sort of (address - min) * 2^bits + index is exact while it stays below 2^53,
    // and several times faster than a comparator sort.
    const scale = 2 ** Math.max(1, Math.ceil(Math.log2(n)));
    let count = 0;
    if ((max - min) * scale + scale <= Number.MAX_SAFE_INTEGER) {
      for (let i = 0; i < n; i++) if (length[i]! > 0) this.keys[count++] = (remote[i]! - min) * scale + i;
      const sorted = this.keys.subarray(0, count).sort();
      for (let k = 0; k < count; k++) this.order[k] = sorted[k]! % scale;
      return { order: this.order, count };
    }
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (length[i]! > 0) order.push(i);
    order.sort((a, b) => remote[a]! - remote[b]! || a - b);
    this.order.set(order);
    return { order: this.order, count: order.length };
  }

  private grow(): void {
    const size = this.remote.length * 2;
    const f = (a: Float64Array) => { const b = new Float64Array(size); b.set(a); return b; };
    this.remote = f(this.remote);
    this.length = f(this.length);
    this.local = f(this.local);
    const owner = new Int32Array(size);
    owner.set(this.owner);
    this.owner = owner;
    const joins = new Uint8Array(size);
    joins.set(this.joins);
    this.joins = joins;
  }
}

/** Largest gap a merge may read into the discard buffer: at most two pages (the tail of the
 * previous piece's last page and the head of the next piece's first page). */
export const MAX_GAP = 2 * PAGE_SIZE;

function page(address: number): number {
  return Math.floor(address / PAGE_SIZE);
}

/** Reads: sorted by address, merged across page-safe gaps. `discard` is MAX_GAP bytes. */
export function planReads(segments: SegmentList, discard: number, plan: StreamPlan): StreamPlan {
  plan.clear();
  const { order, count } = plan.addressOrder(segments);
  let end = -1;
  for (let k = 0; k < count; k++) {
    const index = order[k]!;
    const remote = segments.remote[index]!;
    const length = segments.length[index]!;
    let joins = false;
    if (end >= 0 && remote >= end) {
      if (remote === end) joins = true;
      else if (page(remote) - page(end - 1) <= 1) {
        plan.push(end, remote - end, discard, -1, true);
        joins = true;
      }
    }
    plan.push(remote, length, segments.local[index]!, index, joins);
    end = remote + length;
  }
  return plan;
}

/** Writes: program order, merged only when exactly contiguous. */
export function planWrites(segments: SegmentList, plan: StreamPlan): StreamPlan {
  plan.clear();
  let end = -1;
  for (let i = 0; i < segments.count; i++) {
    const remote = segments.remote[i]!;
    const length = segments.length[i]!;
    if (length === 0) continue;
    plan.push(remote, length, segments.local[i]!, i, remote === end);
    end = remote + length;
  }
  return plan;
}
