// Scratch memory for one syscall: data the monitor hands to the kernel in place of the
// tracee's (a rewritten path, a struct) is written below the stack pointer and the red zone,
// where nothing of the program lives at a syscall boundary. When the call's arguments are put
// back (argument-restore.ts), what was there is saved and put back too, so that the tracee's
// memory ends as it would have natively; otherwise nothing is read (one write per placement).
import { arch } from '@umview/ptrace-core';
import type { DataIO } from '../io/data-io.js';

const ALIGN = 16n;

export class Scratch {
  private cursor: bigint;
  private readonly saved: { address: bigint; bytes: Buffer }[] = [];

  constructor(private readonly io: DataIO, stackPointer: bigint, private readonly saves: boolean) {
    this.cursor = stackPointer - BigInt(arch.RED_ZONE_SIZE);
  }

  /** Copies `data` below the stack and returns its address in the tracee. */
  place(data: Uint8Array): bigint {
    this.cursor = (this.cursor - BigInt(data.length)) & ~(ALIGN - 1n);
    const address = this.cursor;
    if (this.saves) this.saved.push({ address, bytes: this.io.read(address, data.length) });
    this.io.write(address, data);
    return address;
  }

  /** Copies a NUL-terminated string below the stack. */
  placeString(text: string): bigint {
    return this.place(Buffer.from(`${text}\0`, 'utf8'));
  }

  /** Whether restore() has anything to put back. */
  get isEmpty(): boolean {
    return this.saved.length === 0;
  }

  /** Puts back what the placed data overwrote. */
  restore(): void {
    for (const { address, bytes } of this.saved.splice(0).reverse()) this.io.write(address, bytes);
  }
}
