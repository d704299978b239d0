// Re-issues a tracee's call in the monitor: the same syscall, with virtual fds replaced by the
// monitor's real ones and paths by host paths; the buffers it reads are copied out of the
// tracee before, the buffers it writes copied into the tracee after, each in one ptrace-multi
// batch. The tracee's call is then skipped with the monitor's result.
import { ERRNO, syscallNumber } from '@umview/ptrace-core';
import { pinnedBuffer } from '@umview/ptrace-core/internal';
import type { SyscallCall } from '@umview/sysvm';
import type { TraceeIO } from '@umview/ptrace-multi';
import type { ArgSize, ArgSpec } from './call-specs.js';
import { cString, sysnr, type SysArg } from './host-syscalls.js';
import { PATH_MAX } from '../linux.js';

/** Transfers larger than this are cut short (a short read or write, which the kernel may do
 * too), so that one call never needs an unbounded buffer in the monitor. */
export const MAX_TRANSFER = 16 << 20;
const XATTR_NAME_MAX = 255;

export interface ReissuePlan {
  /** Real fd for a virtual fd argument. */
  realFd(fd: number): number;
  /** Host path for a path argument (by index), or undefined to pass a NULL pointer. */
  hostPath(arg: number): string | undefined;
  /** What to pass for a dirfd argument (by index). */
  dirfd(arg: number): number;
  /** A value argument to pass instead of the tracee's (by index), if any. */
  value?(arg: number): bigint | undefined;
}

export interface ReissueResult {
  result: number;
  /** Bytes copied out of and into the tracee. */
  bytes: number;
}

const sizeOf = (call: SyscallCall, size: ArgSize): number =>
  'bytes' in size ? size.bytes : Math.min(call.size(size.arg), MAX_TRANSFER);

export function reissue(call: SyscallCall, nr: number, specs: readonly ArgSpec[], plan: ReissuePlan, io: TraceeIO): ReissueResult {
  const args: SysArg[] = [];
  const outs: { arg: number; buffer: Buffer; upTo: 'result' | 'size' }[] = [];
  const fetch = io.batch();
  const pending: { index: number; handle: { readonly value: Buffer | string }; asString: boolean; size: number }[] = [];
  let bytes = 0;
  specs.forEach((spec, i) => {
    const pointer = call.ptr(i);
    switch (spec.kind) {
      case 'value':
        args[i] = plan.value?.(i) ?? BigInt.asIntN(64, call.raw(i));
        break;
      case 'fd':
        args[i] = plan.realFd(call.int(i));
        break;
      case 'dirfd':
        args[i] = plan.dirfd(i);
        break;
      case 'path': {
        const host = plan.hostPath(i);
        args[i] = host === undefined ? null : cString(host);
        break;
      }
      case 'string':
        args[i] = null;
        if (pointer !== 0n) pending.push({ index: i, handle: fetch.readCString(pointer, i === 0 ? PATH_MAX : XATTR_NAME_MAX + 1), asString: true, size: 0 });
        break;
      case 'in':
      case 'inout': {
        const size = sizeOf(call, spec.size);
        args[i] = null;
        if (pointer !== 0n && size > 0) pending.push({ index: i, handle: fetch.read(pointer, size), asString: false, size });
        else if (pointer !== 0n) args[i] = pinnedBuffer(0);
        if (spec.kind === 'inout' && pointer !== 0n) outs.push({ arg: i, buffer: Buffer.alloc(0), upTo: 'size' });
        break;
      }
      case 'out': {
        const size = sizeOf(call, spec.size);
        if (pointer === 0n) {
          args[i] = null;
          break;
        }
        // The first output buffer reuses one that never moves: read(2)'s data, the hot path.
        const buffer = outs.length === 0 ? reusable(size) : pinnedBuffer(size);
        args[i] = buffer;
        outs.push({ arg: i, buffer, upTo: spec.upTo });
        break;
      }
    }
  });
  if (pending.length > 0) {
    const run = fetch.run();
    if (!run.ok) return { result: -ERRNO.EFAULT, bytes: 0 };
    for (const p of pending) {
      const value = p.handle.value;
      const buffer = typeof value === 'string' ? cString(value) : copyPinned(value);
      args[p.index] = buffer;
      bytes += buffer.length;
      const inout = outs.find((o) => o.arg === p.index);
      if (inout) inout.buffer = buffer;
    }
  }
  const result = sysnr(nr, ...args);
  if (result >= 0 && outs.length > 0) {
    const copies = outs
      .map((out) => ({ out, length: out.upTo === 'result' ? Math.min(result, out.buffer.length) : out.buffer.length }))
      .filter((c) => c.length > 0);
    try {
      if (copies.length === 1) {
        // One buffer (read, fstat...): TraceeIO's single write, one process_vm_writev.
        io.write(call.ptr(copies[0]!.out.arg), copies[0]!.out.buffer.subarray(0, copies[0]!.length));
      } else if (copies.length > 1) {
        const store = io.batch();
        for (const { out, length } of copies) store.write(call.ptr(out.arg), out.buffer.subarray(0, length));
        if (!store.run().ok) return { result: -ERRNO.EFAULT, bytes };
      }
    } catch {
      return { result: -ERRNO.EFAULT, bytes };
    }
    for (const c of copies) bytes += c.length;
  }
  return { result, bytes };
}

let spare = pinnedBuffer(64 * 1024);

/** A buffer of `size` bytes that never moves, reused from call to call (calls never nest). */
function reusable(size: number): Buffer {
  if (spare.length < size) spare = pinnedBuffer(Math.max(size, spare.length * 2));
  return spare.subarray(0, size);
}

function copyPinned(data: Buffer): Buffer {
  const out = pinnedBuffer(data.length);
  data.copy(out);
  return out;
}

export const nrOf = (name: string): number => {
  const nr = syscallNumber(name);
  if (nr === undefined) throw new Error(`unknown syscall ${name}`);
  return nr;
};
