// The seccomp filter of a spawned program, installed by ptrace-core's spawn trampoline before
// its execve (SpawnOptions.seccompFilter) rather than injected into the program after it
// (install.ts): no syscall stops, no code written into the program's text, and for a tracer
// without CAP_SYS_ADMIN one seccomp() and one prctl() in the trampoline rather than three
// injections. The trampoline cannot report a refusal (it goes on to its execve), so the spawned
// program's filter count tells: one more than the tracer's own (filters are inherited, inside a
// container too). Where the kernel does not show the count (before Linux 5.9), or the filter
// was refused, the caller injects it after exec as before, and learns why it fails there.
import { readProcStatusNumber } from '@umview/ptrace-core/internal';
import type { SpawnOptions } from '@umview/ptrace-core';
import type { SyscallFilter } from './syscall-filter.js';
import { SECCOMP_FILTER_FLAG_SPEC_ALLOW } from './install.js';

/** `options` with `filter` for the trampoline to install (the caller gave none of its own). */
export function withFilterAtSpawn(options: SpawnOptions, filter: SyscallFilter): SpawnOptions {
  return { ...options, seccompFilter: filter.encode(), seccompFilterFlags: SECCOMP_FILTER_FLAG_SPEC_ALLOW };
}

/** Whether the spawned `pid` runs under one filter more than this process: the trampoline's. */
export function filterInstalledAtSpawn(pid: number): boolean {
  const own = readProcStatusNumber(process.pid, 'Seccomp_filters');
  const spawned = readProcStatusNumber(pid, 'Seccomp_filters');
  return own !== undefined && spawned === own + 1;
}
