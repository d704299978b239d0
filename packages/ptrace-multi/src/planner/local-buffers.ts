// Buffers of ours that ops fill (targets) or take bytes from (sources), by the memory they
// cover: two views of one ArrayBuffer overlap when their byte ranges do.
import { IntervalSet } from './interval-set.js';

export class LocalBuffers {
  private readonly targets = new Map<ArrayBufferLike, IntervalSet>();
  private readonly sources = new Map<ArrayBufferLike, IntervalSet>();

  /** True if `view`, as a target, would overlap a target or a source already recorded. */
  conflictsAsTarget(view: Uint8Array | undefined): boolean {
    if (!view || view.length === 0) return false;
    return overlapsIn(this.targets, view) || overlapsIn(this.sources, view);
  }

  /** True if `view`, as a source, would overlap a target already recorded. */
  conflictsAsSource(view: Uint8Array): boolean {
    return view.length > 0 && overlapsIn(this.targets, view);
  }

  addTarget(view: Uint8Array | undefined): void {
    if (view && view.length > 0) addIn(this.targets, view);
  }

  addSource(view: Uint8Array): void {
    if (view.length > 0) addIn(this.sources, view);
  }
}

function overlapsIn(map: Map<ArrayBufferLike, IntervalSet>, view: Uint8Array): boolean {
  const set = map.get(view.buffer);
  return set !== undefined && set.overlaps(view.byteOffset, view.byteLength);
}

function addIn(map: Map<ArrayBufferLike, IntervalSet>, view: Uint8Array): void {
  let set = map.get(view.buffer);
  if (!set) map.set(view.buffer, (set = new IntervalSet()));
  set.add(view.byteOffset, view.byteLength);
}
