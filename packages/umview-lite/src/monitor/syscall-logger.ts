// What the monitor calls to log syscalls (--strace); implemented by SyscallLog, which pulls in
// sysvm's formatter and is loaded only when asked for.
import type { Stop } from '@umview/ptrace-core';
import type { SyscallCall, SyscallReturn } from '@umview/sysvm';

export interface SyscallLogger {
  called(call: SyscallCall): void;
  returned(ret: SyscallReturn): void;
  process(stop: Stop): void;
}
