// Calls on virtual fds: re-issued by the monitor on its real file (the data moving through
// tracee memory in ptrace-multi batches), or left to the kernel on the placeholder while the
// virtual fd table follows (close, close_range, dup*, F_SETFD).
import { ERRNO } from '@umview/ptrace-core';
import type { SyscallCall, SyscallReturn } from '@umview/sysvm';
import { AT_FDCWD, O_CLOEXEC, O_RDWR, O_WRONLY } from '../linux.js';
import { settleCwd } from '../monitor/cwd.js';
import type { ProcessState } from '../monitor/process-table.js';
import { FD_CALLS, type ArgSpec } from './call-specs.js';
import { countThroughMemory, type ProxyCall, type ProxyContext } from './context.js';
import type { OpenDescription } from './virtual-fds.js';
import { F_DUPFD, F_DUPFD_CLOEXEC } from './opening.js';
import { nrOf, reissue, type ReissuePlan } from './reissue.js';
import { READ_VECTORS, WRITE_VECTORS, vectorIO } from './vector-io.js';

const F_GETFD = 1;
const F_SETFD = 2;
const F_GETLK = 5;
const F_SETLK = 6;
const F_SETLKW = 7;
const F_OFD_GETLK = 36;
const FD_CLOEXEC = 1;
const CLOSE_RANGE_CLOEXEC = 4;
const FLOCK_SIZE = 32;
const FCNTL_SPECS: readonly ArgSpec[] = [{ kind: 'fd' }, { kind: 'value' }, { kind: 'value' }];
const LOCK_SPECS: readonly ArgSpec[] = [{ kind: 'fd' }, { kind: 'value' }, { kind: 'inout', size: { bytes: FLOCK_SIZE } }];

function reissueOn(ctx: ProxyContext, call: SyscallCall, process: ProcessState, specs: readonly ArgSpec[]): void {
  const plan: ReissuePlan = {
    realFd: (fd) => process.vfds.host(fd)?.file.fd ?? -ERRNO.EBADF,
    hostPath: () => undefined,
    dirfd: () => AT_FDCWD,
  };
  const { result, bytes } = reissue(call, call.nr, specs, plan, ctx.ioOf(call));
  countThroughMemory(ctx.stats, bytes);
  call.skip(result);
}

/** A call of FD_CALLS: re-issued on the real file when its fd is virtual. */
function reissuing(specs: readonly ArgSpec[]): ProxyCall {
  return {
    stops: 0,
    handle: (ctx, call, process) => {
      if (!process.vfds.host(call.int(0))) return false;
      reissueOn(ctx, call, process, specs);
      return true;
    },
  };
}

function vector(ctx: ProxyContext, call: SyscallCall, process: ProcessState): boolean {
  const entry = process.vfds.host(call.int(0));
  if (!entry) return false;
  const { result, bytes } = vectorIO(call, entry.file.fd, ctx.ioOf(call));
  countThroughMemory(ctx.stats, bytes);
  call.skip(result);
  return true;
}

function close(_ctx: ProxyContext, call: SyscallCall, process: ProcessState): boolean {
  if (!process.vfds.get(call.int(0))) return false;
  process.vfds.close(call.int(0));
  return true; // the placeholder is closed by the kernel (the call runs)
}

function closeRange(_ctx: ProxyContext, call: SyscallCall, process: ProcessState): boolean {
  const first = call.uint(0);
  const last = call.uint(1);
  if (call.uint(2) & CLOSE_RANGE_CLOEXEC) {
    for (const fd of process.vfds.fdNumbers()) {
      if (fd >= first && fd <= last) process.vfds.get(fd)!.cloexec = true;
    }
  } else {
    process.vfds.closeRange(first, last);
    if (process.templateFd !== undefined && process.templateFd >= first && process.templateFd <= last) process.templateFd = undefined;
  }
  return false; // the kernel closes the placeholders
}

/** dup, dup2, dup3 run in the kernel on the placeholders; the table follows at the exit. */
function dup(ctx: ProxyContext, call: SyscallCall, process: ProcessState): boolean {
  const old = call.int(0);
  const source = process.vfds.get(old);
  const target = call.name === 'dup' ? undefined : call.int(1);
  if (!source && (target === undefined || !process.vfds.get(target))) {
    if (target !== undefined && target === process.templateFd) process.templateFd = undefined;
    return false;
  }
  const cloexec = call.name === 'dup3' && (call.uint(2) & O_CLOEXEC) !== 0;
  const file = source?.file.retain();
  ctx.hooks.expectReturn(call, (ret) => {
    try {
      const fd = Number(ret.result);
      if (fd >= 0 && fd !== old) {
        if (file) adopt(ctx, ret, process, fd, file, cloexec);
        else process.vfds.close(fd);
      }
    } finally {
      file?.release();
    }
  }, () => file?.release());
  return true;
}

function fcntl(ctx: ProxyContext, call: SyscallCall, process: ProcessState): boolean {
  const fd = call.int(0);
  const entry = process.vfds.get(fd);
  if (!entry) return false;
  const cmd = call.int(1);
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const file = entry.file.retain();
      ctx.hooks.expectReturn(call, (ret) => {
        try {
          const newFd = Number(ret.result);
          if (newFd >= 0) adopt(ctx, ret, process, newFd, file, cmd === F_DUPFD_CLOEXEC);
        } finally {
          file.release();
        }
      }, () => file.release());
      return true;
    }
    case F_GETFD:
      return false; // the placeholder carries the same flag
    case F_SETFD:
      entry.cloexec = (call.uint(2) & FD_CLOEXEC) !== 0;
      return false; // and the kernel sets it on the placeholder too
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_GETLK + 1:
    case F_OFD_GETLK + 2: {
      const host = process.vfds.host(fd);
      if (!host) return false;
      // Locks are taken on the monitor's open file, so they are open-file-description locks
      // (a classic POSIX lock would belong to the monitor, and never conflict between
      // tracees).
      const ofd = cmd >= F_OFD_GETLK ? cmd : cmd - F_GETLK + F_OFD_GETLK;
      const plan: ReissuePlan = {
        realFd: () => host.file.fd, hostPath: () => undefined, dirfd: () => AT_FDCWD,
        value: (arg) => (arg === 1 ? BigInt(ofd) : undefined),
      };
      const { result } = reissue(call, call.nr, LOCK_SPECS, plan, ctx.ioOf(call));
      ctx.stats.proxiedCalls++;
      call.skip(result);
      return true;
    }
    default:
      if (!process.vfds.host(fd)) return false;
      reissueOn(ctx, call, process, FCNTL_SPECS);
      return true;
  }
}

/** mmap of a virtual fd: the mapping needs a real file in the tracee, so one is opened there
 * for the call (and closed after): the pages map the real file, MAP_SHARED writes reach it. */
function mmap(ctx: ProxyContext, call: SyscallCall, process: ProcessState): boolean {
  const entry = process.vfds.host(call.int(4));
  if (!entry) return false;
  const path = call.placeString(entry.file.hostPath);
  const access = entry.file.accessMode === O_WRONLY ? O_RDWR : entry.file.accessMode;
  const real = Number(call.inject(nrOf('openat'), [AT_FDCWD, path, access | O_CLOEXEC, 0]));
  if (real < 0) {
    call.skip(real);
    return true;
  }
  call.setArg(4, real);
  ctx.hooks.expectReturn(call, (ret) => {
    ret.inject(nrOf('close'), [real]);
  });
  ctx.stats.proxiedCalls++;
  return true;
}

function fchdir(ctx: ProxyContext, call: SyscallCall, process: ProcessState): boolean {
  const entry = process.vfds.host(call.int(0));
  if (!entry) return false;
  call.setNumber(nrOf('chdir'));
  call.setArg(0, call.placeString(entry.file.hostPath));
  const guest = entry.file.guestPath;
  ctx.hooks.expectReturn(call, (ret) => {
    if (!ret.isError) settleCwd(process, true, ctx.translator, guest);
  });
  return true;
}

/** A new fd number stands for `file`; below the threshold (the fast band's lower end for a
 * fast fd), the process's filter is grown so that calls on it stop too (dup2 onto stdout): for
 * a fast fd only the calls that are not data calls, which a later placeholder there widens. */
function adopt(ctx: ProxyContext, ret: SyscallReturn, process: ProcessState, fd: number, file: OpenDescription, cloexec: boolean): void {
  process.vfds.set(fd, file, cloexec);
  const stopsFrom = file.fast ? ctx.layout.fastBase : ctx.layout.threshold;
  if (fd >= stopsFrom) return;
  const filtered = process.filteredLowFds.get(fd);
  if (filtered === 'all' || (filtered === 'meta' && file.fast)) return;
  process.filteredLowFds.set(fd, file.fast ? 'meta' : 'all');
  ret.addFilter(ctx.filterForFd(fd, file.fast));
}

const FIONREAD = 0x541b;
const FIONREAD_SPECS: readonly ArgSpec[] = [{ kind: 'fd' }, { kind: 'value' }, { kind: 'out', size: { bytes: 4 }, upTo: 'size' }];

/** ioctl(FIONREAD) on a placeholder: what the real file has left to read (a regular file's
 * answer), not /dev/null's ENOTTY. Other ioctls meet the placeholder. */
function ioctl(ctx: ProxyContext, call: SyscallCall, process: ProcessState): boolean {
  if (call.uint(1) !== FIONREAD || !process.vfds.host(call.int(0))) return false;
  reissueOn(ctx, call, process, FIONREAD_SPECS);
  return true;
}

const VECTOR: ProxyCall = { stops: 0, handle: vector };

export const FD_HANDLERS: Readonly<Record<string, ProxyCall>> = {
  ...Object.fromEntries(Object.entries(FD_CALLS).map(([name, specs]) => [name, reissuing(specs)])),
  ...Object.fromEntries([...READ_VECTORS, ...WRITE_VECTORS].map((name) => [name, VECTOR])),
  close: { stops: 0, handle: close },
  close_range: { stops: 'always', handle: closeRange },
  dup: { stops: 0, handle: dup },
  dup2: { stops: 'always', handle: dup },
  dup3: { stops: 'always', handle: dup },
  fcntl: { stops: 0, handle: fcntl },
  mmap: { stops: 4, handle: mmap },
  fchdir: { stops: 0, handle: fchdir },
  ioctl: { stops: 0, handle: ioctl },
};
