// A reusable `struct iovec[]` in memory that never moves, filled from plain numbers.
//
// Writing halves into a Uint32Array avoids a BigInt per field: a batch of 64 scattered reads
// fills 256 fields, and BigInt conversions would cost more than the system call they describe.
import { getLibc, pinnedBuffer } from '@umview/ptrace-core/internal';
import { IOV_MAX } from '../arch/x86_64.js';

const TWO_32 = 0x1_0000_0000;

export class IovecArray {
  /** Address of the first iovec, for the kernel. */
  readonly address: number;
  private readonly halves: Uint32Array;
  length = 0;

  constructor(readonly capacity: number = IOV_MAX) {
    const bytes = pinnedBuffer(capacity * 16);
    this.halves = new Uint32Array(bytes.buffer, bytes.byteOffset, capacity * 4);
    this.address = Number(getLibc().address(bytes));
  }

  get full(): boolean {
    return this.length >= this.capacity;
  }

  clear(): void {
    this.length = 0;
  }

  push(base: number, length: number): void {
    const k = this.length++ * 4;
    const h = this.halves;
    // ToUint32 is exact modulo 2^32 for any integer below 2^53.
    h[k] = base >>> 0;
    h[k + 1] = (base / TWO_32) >>> 0;
    h[k + 2] = length >>> 0;
    h[k + 3] = (length / TWO_32) >>> 0;
  }

  /** Grows the last iovec by `length` bytes (a contiguous continuation). */
  extendLast(length: number): void {
    const k = (this.length - 1) * 4;
    const total = this.halves[k + 2]! + this.halves[k + 3]! * TWO_32 + length;
    this.halves[k + 2] = total >>> 0;
    this.halves[k + 3] = (total / TWO_32) >>> 0;
  }
}
