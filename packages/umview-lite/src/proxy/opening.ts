// Opens of proxied paths: the monitor opens the real file and the tracee gets a placeholder fd
// (placeholder.ts). FIFOs, sockets and devices are handed over to the tracee instead.
import { fstatSync, statSync } from 'node:fs';
import { ERRNO } from '@umview/ptrace-core';
import { pinnedBuffer } from '@umview/ptrace-core/internal';
import type { SyscallCall } from '@umview/sysvm';
import { AT_FDCWD, O_CLOEXEC, O_CREAT, O_TRUNC, O_WRONLY } from '../linux.js';
import type { ProcessState } from '../monitor/process-table.js';
import { CREATING_CALLS } from './call-specs.js';
import type { ProxyCall, ProxyContext } from './context.js';
import { cString, sys, withUmask } from './host-syscalls.js';
import { handOverHostFile } from './fast-path.js';
import { OpenFile } from './open-file.js';
import { placeholder } from './placeholder.js';

export { F_DUPFD, F_DUPFD_CLOEXEC } from './placeholder.js';
const OPEN_HOW_MAX = 24;

function open(ctx: ProxyContext, call: SyscallCall, process: ProcessState): boolean {
  const name = call.name;
  const pathArg = name === 'open' || name === 'creat' ? 0 : 1;
  const dirfd = pathArg === 1 ? call.int(0) : AT_FDCWD;
  let how: Buffer | undefined;
  if (name === 'openat2') {
    // struct open_how { u64 flags, mode, resolve }: kept whole, the RESOLVE_* flags matter.
    try {
      how = copyPinned(ctx.ioOf(call).read(call.ptr(2), Math.min(call.size(3), OPEN_HOW_MAX)));
    } catch {
      if (!process.vfds.get(dirfd)) return false; // the kernel fails it as natively
      call.skip(-ERRNO.EFAULT);
      return true;
    }
  }
  // RESOLVE_BENEATH, RESOLVE_IN_ROOT... are relative to the directory fd itself: the walk
  // must start at the monitor's real fd on it, not at its path.
  const fromDirfd = how !== undefined && how.length >= 24 && how.readBigUInt64LE(16) !== 0n;
  const target = ctx.targets.of(call, process, pathArg, dirfd, false, fromDirfd);
  if (!target) return false;
  if (isSpecialFile(target.hostPath)) return handOver(call, pathArg, target.hostPath);
  let flags: number;
  let mode: number;
  if (name === 'creat') {
    flags = O_CREAT | O_WRONLY | O_TRUNC;
    mode = call.uint(1);
  } else if (how) {
    const size = how.length;
    flags = size >= 8 ? Number(how.readBigUInt64LE(0)) : 0;
    mode = size >= 16 ? Number(how.readBigUInt64LE(8)) : 0;
    if (size >= 8) how.writeBigUInt64LE(BigInt(flags | O_CLOEXEC), 0);
  } else {
    flags = call.int(pathArg + 1);
    mode = call.uint(pathArg + 2);
  }
  const path = cString(target.host);
  const fd = withUmask(CREATING_CALLS.has(name) && (flags & O_CREAT) !== 0 ? process.umask() : undefined, () =>
    how ? sys('openat2', target.dirfd, path, how, how.length) : sys('openat', target.dirfd, path, flags | O_CLOEXEC, mode));
  ctx.stats.proxiedCalls++;
  if (fd < 0) {
    call.skip(fd);
    return true;
  }
  const file = new OpenFile(fd, target.hostPath, target.guest, flags);
  ctx.stats.virtualOpens++;
  try {
    if (ctx.dataPath === 'kernel' && isRegularFile(fd)) handOverHostFile(ctx, call, process, file, flags);
    else placeholder(ctx, call, process, file, (flags & O_CLOEXEC) !== 0);
  } catch (error) {
    // The tracee died while its placeholder was being made: the real file is nobody's.
    file.retain().release();
    throw error;
  }
  return true;
}

const OPEN: ProxyCall = { stops: 'path', handle: open };
export const OPEN_HANDLERS: Readonly<Record<string, ProxyCall>> = { open: OPEN, creat: OPEN, openat: OPEN, openat2: OPEN };

/** A FIFO, socket or device is opened by the tracee itself, on its host path (as remap mode
 * does): calls on it may block, and a blocking call must block in the tracee, where signals
 * interrupt it (EINTR, SA_RESTART) as natively and where it holds up no other process. Were
 * the monitor to open it, its open (a FIFO's waits for a writer) and its reads would block
 * the monitor, and with it every tracee: two tracees meeting at a FIFO would wait forever. */
function handOver(call: SyscallCall, pathArg: number, hostPath: string): boolean {
  call.setArg(pathArg, call.placeString(hostPath));
  if (pathArg === 1) call.setArg(0, AT_FDCWD);
  return true;
}

/** True for an existing path that is neither a regular file nor a directory (stat, which
 * never blocks, follows symlinks as the open will). */
function isSpecialFile(path: string): boolean {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st !== undefined && !st.isFile() && !st.isDirectory();
  } catch {
    return false; // ELOOP, EACCES...: the monitor's own open reports it as the kernel would
  }
}

/** A regular file (not a directory, served call by call) is what the fast path hands over. */
function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

function copyPinned(data: Buffer): Buffer {
  const out = pinnedBuffer(data.length);
  data.copy(out);
  return out;
}
