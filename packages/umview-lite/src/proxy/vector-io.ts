// readv/writev and their positioned variants on a virtual fd: the monitor issues the same call
// with one iovec over its own buffer, and scatters the data into (or gathers it from) the
// tracee's iovecs in one ptrace-multi batch.
import { ERRNO } from '@umview/ptrace-core';
import { getLibc, pinnedBuffer } from '@umview/ptrace-core/internal';
import type { TraceeIO } from '@umview/ptrace-multi';
import { IOVEC_SIZE, decodeIovecs, type Iovec, type SyscallCall } from '@umview/sysvm';
import { sysnr } from './host-syscalls.js';
import { MAX_TRANSFER } from './reissue.js';

const IOV_MAX = 1024;

export const READ_VECTORS: ReadonlySet<string> = new Set(['readv', 'preadv', 'preadv2']);
export const WRITE_VECTORS: ReadonlySet<string> = new Set(['writev', 'pwritev', 'pwritev2']);

/** Serves a vector call (fd, iov, iovcnt, [pos_l, pos_h, flags]) on the monitor's fd. */
export function vectorIO(call: SyscallCall, realFd: number, io: TraceeIO): { result: number; bytes: number } {
  const count = call.int(2);
  if (count < 0 || count > IOV_MAX) return { result: -ERRNO.EINVAL, bytes: 0 };
  let iovecs: Iovec[];
  try {
    iovecs = count === 0 ? [] : decodeIovecs(io.read(call.ptr(1), count * IOVEC_SIZE), count);
  } catch {
    return { result: -ERRNO.EFAULT, bytes: 0 };
  }
  const total = Math.min(iovecs.reduce((sum, v) => sum + Number(v.len), 0), MAX_TRANSFER);
  const buffer = pinnedBuffer(total);
  const reading = READ_VECTORS.has(call.name);
  if (!reading && !gather(iovecs, buffer, io)) return { result: -ERRNO.EFAULT, bytes: 0 };
  const local = pinnedBuffer(16);
  local.writeBigUInt64LE(getLibc().address(buffer), 0);
  local.writeBigUInt64LE(BigInt(total), 8);
  // The same call, with the same position and flags arguments.
  const result = sysnr(call.nr, realFd, local, 1, BigInt.asIntN(64, call.raw(3)), BigInt.asIntN(64, call.raw(4)), BigInt.asIntN(64, call.raw(5)));
  if (!reading) return { result, bytes: Math.max(result, 0) };
  if (result > 0 && !scatter(iovecs, buffer.subarray(0, result), io)) return { result: -ERRNO.EFAULT, bytes: 0 };
  return { result, bytes: Math.max(result, 0) };
}

function gather(iovecs: Iovec[], into: Buffer, io: TraceeIO): boolean {
  const batch = io.batch();
  const parts: { at: number; handle: { readonly value: Buffer } }[] = [];
  let at = 0;
  for (const v of iovecs) {
    const n = Math.min(Number(v.len), into.length - at);
    if (n <= 0) break;
    parts.push({ at, handle: batch.read(v.base, n) });
    at += n;
  }
  if (!batch.run().ok) return false;
  for (const { at: offset, handle } of parts) handle.value.copy(into, offset);
  return true;
}

function scatter(iovecs: Iovec[], data: Buffer, io: TraceeIO): boolean {
  const batch = io.batch();
  let at = 0;
  for (const v of iovecs) {
    const n = Math.min(Number(v.len), data.length - at);
    if (n <= 0) break;
    batch.write(v.base, data.subarray(at, at + n));
    at += n;
  }
  return batch.run().ok;
}
