// A thread of a core file as inspection sees it (ThreadAccess): the registers it had when the
// process died and the memory of the core. Nothing can be changed: a core is a record.
import { Registers } from '@umview/ptrace-core';
import type { ThreadAccess } from '../inspect/thread-access.js';
import type { CoreThread } from './core-file.js';
import type { CoreMemory } from './core-memory.js';

export const READ_ONLY = 'this is a core file: the program cannot run and its registers and memory cannot be changed';

export class CoreThreadAccess implements ThreadAccess {
  constructor(private readonly thread: CoreThread, readonly memory: CoreMemory) {}

  get tid(): number {
    return this.thread.tid;
  }

  getRegisters(): Registers {
    // A copy each time: callers may change theirs (and are then refused by setRegisters).
    return new Registers(this.thread.registers);
  }

  setRegisters(): void {
    throw new Error(READ_ONLY);
  }

  getFpRegisters(): Buffer {
    if (this.thread.fpRegisters === undefined) throw new Error('the core file has no floating-point registers for this thread');
    return Buffer.from(this.thread.fpRegisters);
  }

  setFpRegisters(): void {
    throw new Error(READ_ONLY);
  }

  read(address: bigint, length: number): Buffer {
    return this.memory.read(address, length);
  }
}
