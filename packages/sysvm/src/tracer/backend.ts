// The three ways sysvm reaches PTRACE_SYSVM's semantics on a stock kernel.
//
// - 'ptrace-syscall': every syscall stops at entry and at exit (PTRACE_SYSCALL). Skipping is
//   done the 2006 way: the number is set to -1 at entry and the result written at the exit
//   stop, which is always there. This is the seed's "no SYSVM".
// - 'seccomp': a seccomp-bpf filter, in place from exec on, stops the chosen syscalls once
//   (SECCOMP_RET_TRACE), before they run. Resuming with PTRACE_CONT skips the exit stop
//   (SKIPEXIT); number -1 plus a result skips the call (SKIPCALL). Today's SYSVM.
// - 'seccomp-setinfo': the same, writing number and arguments with PTRACE_SET_SYSCALL_INFO
//   (Linux 6.16+) instead of the register file.
export type BackendName = 'ptrace-syscall' | 'seccomp' | 'seccomp-setinfo';

export const BACKENDS: readonly BackendName[] = ['ptrace-syscall', 'seccomp', 'seccomp-setinfo'];

export function usesSeccomp(backend: BackendName): boolean {
  return backend !== 'ptrace-syscall';
}
