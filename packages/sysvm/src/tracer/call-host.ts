// What syscall event objects need from their SyscallTracer (kept narrow so they stay simple).
import type { Tracee } from '@umview/ptrace-core';
import type { DataIO } from '../io/data-io.js';
import type { StopPosition } from '../inject/inject.js';

export interface CallHost {
  io(tracee: Tracee): DataIO;
  inject(tracee: Tracee, position: StopPosition, nr: number, args: readonly (bigint | number)[]): bigint;
}
