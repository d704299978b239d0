// What inspection (stacks, frames, variables, registers, memory views) needs of a stopped
// thread: its registers and the memory of its process. ptrace-core's Tracee has exactly these
// members (a live thread); a thread of a core file (src/core/core-thread.ts) has them too, and
// refuses the writes. Nothing here runs, steps or waits: that stays with the run control.
import type { Registers } from '@umview/ptrace-core';

export interface ThreadMemory {
  /** Reads as much of `target.length` bytes as is readable from `address` on; returns the count. */
  readAvailable(address: bigint, target: Uint8Array): number;
}

export interface ThreadAccess {
  readonly tid: number;
  /** The general registers (user_regs_struct). */
  getRegisters(): Registers;
  setRegisters(registers: Registers): void;
  /** The FXSAVE area (user_fpregs_struct, 512 bytes). */
  getFpRegisters(): Buffer;
  setFpRegisters(bytes: Buffer): void;
  /** Exactly `length` bytes at `address`; throws when any of them cannot be read. */
  read(address: bigint, length: number): Buffer;
  readonly memory: ThreadMemory;
}
