// How syscall data moves between the monitor and a tracee. One object per tracee; sysvm hands
// it to handlers as `call.io`.
import type { Address, Tracee } from '@umview/ptrace-core';

export interface DataIO {
  read(address: Address, length: number): Buffer;
  readCString(address: Address, maxLength?: number): string;
  write(address: Address, data: Uint8Array): void;
  readWord(address: Address): bigint;
  writeWord(address: Address, value: bigint): void;
}

export type DataIOFactory = (tracee: Tracee) => DataIO;
