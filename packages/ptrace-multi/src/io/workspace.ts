// Memory every batch borrows while it runs: iovec arrays, the scratch area, the discard buffer
// for merged gaps, the planner's arrays. Batches are synchronous and never nest, and ptrace is
// per thread anyway, so one set per JS thread serves every tracee: a tracer following hundreds
// of threads does not hold hundreds of copies.
//
// The buffers are held here for as long as the kernel may see their addresses (a collected
// buffer would be written after it was freed), and reused so that they stay warm: no page
// faults in the hot path.
import { getLibc, pinnedBuffer } from '@umview/ptrace-core/internal';
import { IOV_MAX, WORD_SIZE } from '../arch/x86_64.js';
import { MAX_GAP, SegmentList, StreamPlan } from '../planner/stream-plan.js';
import { IovecArray } from './iovec-array.js';

const INITIAL_SCRATCH = 64 * 1024;

function addressOf(buffer: Buffer): number {
  return Number(getLibc().address(buffer));
}

export class Workspace {
  readonly localIov = new IovecArray(IOV_MAX);
  readonly remoteIov = new IovecArray(IOV_MAX);
  /** The segments of the current stream and its plan. */
  readonly segments = new SegmentList();
  readonly plan = new StreamPlan();
  /** Where the gap bytes of merged reads go. */
  private readonly discardBuffer = pinnedBuffer(MAX_GAP);
  readonly discard = addressOf(this.discardBuffer);
  /** One word, for PEEKs whose bytes are not all wanted. */
  readonly word = pinnedBuffer(WORD_SIZE);
  readonly wordAddress = addressOf(this.word);
  /** The scratch area, one object for its life (scratch() runs at every single read). */
  private scratchArea = scratchAt(pinnedBuffer(INITIAL_SCRATCH));

  /** A scratch area of at least `bytes`, valid until the next call. */
  scratch(bytes: number): { readonly buffer: Buffer; readonly address: number } {
    if (bytes > this.scratchArea.buffer.length) {
      let size = this.scratchArea.buffer.length;
      while (size < bytes) size *= 2;
      this.scratchArea = scratchAt(pinnedBuffer(size));
    }
    return this.scratchArea;
  }
}

function scratchAt(buffer: Buffer): { readonly buffer: Buffer; readonly address: number } {
  return { buffer, address: addressOf(buffer) };
}

let shared: Workspace | undefined;

export function workspace(): Workspace {
  return (shared ??= new Workspace());
}
