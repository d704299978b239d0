// What syscall event objects need from their SyscallTracer (kept narrow so they stay simple).
import type { Tracee } from '@umview/ptrace-core';
import type { DataIO } from '../io/data-io.js';
import type { StopPosition } from '../inject/inject.js';
import type { SyscallFilter } from '../filter/syscall-filter.js';
import type { SyscallCall } from './syscall-call.js';

export interface CallHost {
  io(tracee: Tracee): DataIO;
  inject(tracee: Tracee, position: StopPosition, nr: number, args: readonly (bigint | number)[]): bigint;
  addFilter(tracee: Tracee, position: StopPosition, filter: SyscallFilter): void;
  /** Whether call `nr`, once rewritten, has its arguments and scratch memory put back. */
  restoresArguments(nr: number): boolean;
  /** SyscallCall.hold and release (held calls: the tracer's table of them). */
  hold(call: SyscallCall): void;
  release(call: SyscallCall): void;
}
