// copy_file_range, sendfile, splice with a virtual fd on either side: done by the monitor
// between its real file and a duplicate of the tracee's other fd (pidfd_getfd), so the data
// never leaves the kernel. A copy that would block waits in the tracee (copy-wait.ts).
import { ERRNO } from '@umview/ptrace-core';
import type { SyscallCall } from '@umview/sysvm';
import { AT_FDCWD } from '../linux.js';
import type { ProcessState } from '../monitor/process-table.js';
import type { ArgSpec } from './call-specs.js';
import type { ProxyCall, ProxyContext } from './context.js';
import { copyWait, waitInTracee } from './copy-wait.js';
import { sys } from './host-syscalls.js';
import { nrOf, reissue, type ReissuePlan } from './reissue.js';

const FD: ArgSpec = { kind: 'fd' };
const OFFSET: ArgSpec = { kind: 'inout', size: { bytes: 8 } };
const VALUE: ArgSpec = { kind: 'value' };

function kernelCopy(ctx: ProxyContext, call: SyscallCall, process: ProcessState, fdArgs: readonly number[], specs: readonly ArgSpec[]): boolean {
  if (!fdArgs.some((i) => process.vfds.host(call.int(i)))) return false;
  // The tracee's own fds of the copy, duplicated into the monitor.
  const borrowed = new Map<number, number>();
  for (const i of fdArgs) {
    const fd = call.int(i);
    if (process.vfds.host(fd) || borrowed.has(fd)) continue;
    const pidfd = process.pidfd(() => sys('pidfd_open', process.pid, 0));
    borrowed.set(fd, sys('pidfd_getfd', pidfd, fd, 0));
  }
  const plan: ReissuePlan = {
    realFd: (fd) => process.vfds.host(fd)?.file.fd ?? (borrowed.get(fd)! >= 0 ? borrowed.get(fd)! : -ERRNO.EBADF),
    hostPath: () => undefined,
    dirfd: () => AT_FDCWD,
  };
  try {
    const wait = copyWait(call, (fd) => borrowed.get(fd));
    if (wait) {
      waitInTracee(call, wait, ctx.hooks.expectReturn, nrOf('ppoll'));
      ctx.stats.waitsInTracee++;
      return true;
    }
    const { result } = reissue(call, call.nr, specs, plan, ctx.ioOf(call));
    ctx.stats.proxiedCalls++;
    ctx.stats.inKernelCalls++;
    if (result > 0) ctx.stats.inKernelBytes += result;
    call.skip(result);
  } finally {
    for (const fd of borrowed.values()) if (fd >= 0) sys('close', fd);
  }
  return true;
}

/** A copy call whose fds are arguments `fdArgs`, its arguments described by `specs`. */
function copying(fdArgs: readonly number[], specs: readonly ArgSpec[]): ProxyCall {
  return { stops: 'always', handle: (ctx, call, process) => kernelCopy(ctx, call, process, fdArgs, specs) };
}

export const COPY_HANDLERS: Readonly<Record<string, ProxyCall>> = {
  copy_file_range: copying([0, 2], [FD, OFFSET, FD, OFFSET, VALUE, VALUE]),
  sendfile: copying([0, 1], [FD, FD, OFFSET, VALUE]),
  splice: copying([0, 2], [FD, OFFSET, FD, OFFSET, VALUE, VALUE]),
};
