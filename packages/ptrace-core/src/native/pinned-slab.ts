// Small pinned buffers carved out of shared ones. Each Tracee keeps a buffer the kernel writes
// its syscall info into, and a fresh ArrayBuffer (plus its address asked of koffi) cost ~8 µs
// a thread in a shell loop of short-lived programs (pinned, Node 20): more than the rest of
// the Tracee. A block is never handed out twice; a slab's memory goes with the last of its
// blocks, as Node's own Buffer pool does.
import { getLibc, pinnedBuffer } from './libc.js';

export interface PinnedBlock {
  readonly bytes: Buffer;
  /** The block's address, for the kernel. */
  readonly address: number;
}

export class PinnedSlab {
  private slab: Buffer | undefined;
  private slabAddress = 0;
  private next = 0;
  private readonly stride: number;

  /** Blocks of `size` bytes, each 8-byte aligned (a BigUint64Array may view them). */
  constructor(private readonly size: number, private readonly perSlab = 64) {
    this.stride = Math.ceil(size / 8) * 8;
  }

  take(): PinnedBlock {
    if (this.slab === undefined || this.next + this.stride > this.slab.length) {
      this.slab = pinnedBuffer(this.stride * this.perSlab);
      this.slabAddress = Number(getLibc().address(this.slab));
      this.next = 0;
    }
    const at = this.next;
    this.next += this.stride;
    return { bytes: this.slab.subarray(at, at + this.size), address: this.slabAddress + at };
  }
}
