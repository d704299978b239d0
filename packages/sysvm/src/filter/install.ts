// Installs a seccomp filter into a running tracee by remote syscall injection:
// seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog), with prctl(PR_SET_NO_NEW_PRIVS, 1) first only
// when the kernel asks for it (EACCES: the tracee lacks CAP_SYS_ADMIN). A monitor running as
// root thus keeps set-user-ID programs working; otherwise they run without their privilege,
// which is what no_new_privs means.
//
// SECCOMP_FILTER_FLAG_SPEC_ALLOW: on kernels whose Speculative Store Bypass mitigation is
// "prctl and seccomp" (the default before 5.16), any seccomp filter would also force SSBD on
// the tracee and slow all of its code; this filter only selects stops for a tracer, it is no
// sandbox, so the flag is asked for (and dropped on kernels before 4.17, which refuse it).
import { ERRNO, syscallNumber } from '@umview/ptrace-core';
import { injectSyscall, type InjectionContext, type StopPosition } from '../inject/inject.js';
import { Scratch } from '../inject/scratch.js';
import type { DataIO } from '../io/data-io.js';
import type { SyscallFilter } from './syscall-filter.js';

const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_FILTER_FLAG_TSYNC = 1;
export const SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4;
const PR_SET_NO_NEW_PRIVS = 38;

export class FilterInstallError extends Error {
  override name = 'FilterInstallError';
}

export interface InstallResult {
  /** Whether no_new_privs had to be set. */
  noNewPrivs: boolean;
}

export function installFilter(
  ctx: InjectionContext,
  io: DataIO,
  position: StopPosition,
  stackPointer: bigint,
  filter: SyscallFilter,
  options: { allThreads?: boolean } = {},
): InstallResult {
  const program = filter.encode();
  const scratch = new Scratch(io, stackPointer, true); // rare: put back exactly
  try {
    const filterAddress = scratch.place(program);
    // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
    const fprog = Buffer.alloc(16);
    fprog.writeUInt16LE(program.length / 8, 0);
    fprog.writeBigUInt64LE(filterAddress, 8);
    const fprogAddress = scratch.place(fprog);
    let flags = (options.allThreads ? SECCOMP_FILTER_FLAG_TSYNC : 0) | SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    const seccomp = () => injectSyscall(ctx, position, syscallNumber('seccomp')!, [SECCOMP_SET_MODE_FILTER, flags, fprogAddress]);
    let result = seccomp();
    if (result === BigInt(-ERRNO.EINVAL)) {
      flags &= ~SECCOMP_FILTER_FLAG_SPEC_ALLOW;
      result = seccomp();
    }
    let noNewPrivs = false;
    if (result === BigInt(-ERRNO.EACCES)) {
      const r = injectSyscall(ctx, position, syscallNumber('prctl')!, [PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0]);
      if (r !== 0n) throw new FilterInstallError(`prctl(PR_SET_NO_NEW_PRIVS) in the tracee failed: ${r}`);
      noNewPrivs = true;
      result = seccomp();
    }
    if (result < 0n) throw new FilterInstallError(`seccomp(SECCOMP_SET_MODE_FILTER) in the tracee failed: errno ${-result}`);
    return { noNewPrivs };
  } finally {
    scratch.restore();
  }
}
