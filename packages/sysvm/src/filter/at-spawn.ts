// The seccomp filter of a spawned program, installed by ptrace-core's spawn trampoline before
// its execve (SpawnOptions.seccompFilter) rather than injected into the program after it
// (install.ts): no syscall stops, no code written into the program's text, and for a tracer
// without CAP_SYS_ADMIN one seccomp() and one prctl() in the trampoline rather than three
// injections. The trampoline reports a refusal (the spawned Tracee's seccompFilterInstalled);
// then the caller injects the filter after exec as before, and learns why it fails there.
import type { SpawnOptions } from '@umview/ptrace-core';
import type { SyscallFilter } from './syscall-filter.js';
import { SECCOMP_FILTER_FLAG_SPEC_ALLOW } from './install.js';

/** `options` with `filter` for the trampoline to install (the caller gave none of its own). */
export function withFilterAtSpawn(options: SpawnOptions, filter: SyscallFilter): SpawnOptions {
  return { ...options, seccompFilter: filter.encode(), seccompFilterFlags: SECCOMP_FILTER_FLAG_SPEC_ALLOW };
}
