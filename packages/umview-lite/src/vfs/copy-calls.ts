// copy_file_range, sendfile and splice with a served fd on one side (or both): the data goes
// through the monitor, read from the module and written to the tracee's other fd (a duplicate
// the monitor gets with pidfd_getfd, sharing its offset), or the other way round. A pipe,
// socket or terminal that is not ready is waited for in the tracee itself (proxy/copy-wait.ts:
// the monitor never blocks); when it is ready, at most PIPE_BUF bytes move to it in one call
// (what poll's readiness promises can be written without blocking; a short copy is allowed).
import { readSync, writeSync } from 'node:fs';
import { ERRNO } from '@umview/ptrace-core';
import type { SyscallCall } from '@umview/sysvm';
import type { ProcessState } from '../monitor/process-table.js';
import { copyWait, mayBlock, waitInTracee } from '../proxy/copy-wait.js';
import { sys } from '../proxy/host-syscalls.js';
import { nrOf } from '../proxy/reissue.js';
import { callerOf, put, serve, type VfsContext } from './context.js';
import { fail } from './errors.js';
import { servedData } from './file-calls.js';
import type { MaybePromise } from './file-system.js';
import { isPromise, next } from './maybe.js';
import type { CallHandler } from './stat-calls.js';

const PIPE_BUF = 4096;
const CHUNK = 1 << 20;

/** Which arguments are the source fd, its offset pointer, the target fd, its offset pointer
 * (undefined: none) and the length. */
interface Shape { from: number; fromOffset: number | undefined; to: number; toOffset: number | undefined; length: number }
const SHAPES: Readonly<Record<string, Shape>> = {
  copy_file_range: { from: 0, fromOffset: 1, to: 2, toOffset: 3, length: 4 },
  splice: { from: 0, fromOffset: 1, to: 2, toOffset: 3, length: 4 },
  sendfile: { from: 1, fromOffset: 2, to: 0, toOffset: undefined, length: 3 },
};

function readOffset(call: SyscallCall, arg: number | undefined): number | undefined {
  if (arg === undefined || call.ptr(arg) === 0n) return undefined;
  try {
    return Number(call.io.read(call.ptr(arg), 8).readBigInt64LE(0));
  } catch {
    throw fail('EFAULT');
  }
}

function writeOffset(call: SyscallCall, arg: number | undefined, value: number): void {
  if (arg === undefined || call.ptr(arg) === 0n) return;
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(value));
  put(call, call.ptr(arg), b);
}

function copyCall(ctx: VfsContext, call: SyscallCall, process: ProcessState): boolean {
  const shape = SHAPES[call.name]!;
  const source = servedData(process, call.int(shape.from));
  const target = servedData(process, call.int(shape.to));
  if (!source && !target) return false;
  const borrowed = new Map<number, number>();
  const own = (fd: number): number => {
    let dup = borrowed.get(fd);
    if (dup === undefined) {
      const pidfd = process.pidfd(() => sys('pidfd_open', process.pid, 0));
      dup = sys('pidfd_getfd', pidfd, fd, 0);
      borrowed.set(fd, dup);
    }
    if (dup < 0) throw fail('EBADF');
    return dup;
  };
  const done = (): void => {
    for (const fd of borrowed.values()) if (fd >= 0) sys('close', fd);
    borrowed.clear();
  };
  try {
    // The tracee's own side not ready: it waits for it itself, then calls again.
    const wait = copyWait(call, (fd) => (servedData(process, fd) ? undefined : own(fd)));
    if (wait) {
      done();
      waitInTracee(call, wait, ctx.hooks.expectReturn, nrOf('ppoll'));
      return true;
    }
  } catch (error) {
    done();
    call.skip(-ERRNO[(error as { code?: keyof typeof ERRNO }).code ?? 'EBADF']);
    return true;
  }
  const mount = (source ?? target)!.mount;
  const caller = callerOf(ctx, process);
  let fromAt: number | undefined;
  const work = (): MaybePromise<{ n: number; fromEnd: number | undefined }> => {
    const length = Math.min(call.size(shape.length), CHUNK);
    fromAt = readOffset(call, shape.fromOffset);
    const toAt = readOffset(call, shape.toOffset);
    const toOwn = target ? undefined : own(call.int(shape.to));
    const limit = toOwn !== undefined && mayBlock(toOwn) ? Math.min(length, PIPE_BUF) : length;
    // The bytes: from the module, or from the tracee's fd.
    const bytes = (): MaybePromise<Uint8Array> => {
      if (limit === 0) return new Uint8Array(0);
      if (source) {
        if (source.pathOnly || source.accessMode === 1) throw fail('EBADF');
        if (!source.mount.fs.read) throw fail('EINVAL');
        return source.mount.fs.read(source.path, source.handle, limit, fromAt ?? source.offset, caller);
      }
      const buffer = Buffer.alloc(limit);
      const n = readSync(own(call.int(shape.from)), buffer, 0, limit, fromAt ?? null);
      return buffer.subarray(0, n);
    };
    return next(bytes, (data) => {
      const chunk = data.length > limit ? data.subarray(0, limit) : data;
      if (chunk.length === 0) return { n: 0, fromEnd: fromAt };
      const moved = (n: number) => ({ n, fromEnd: fromAt === undefined ? undefined : fromAt + n });
      if (target) {
        if (target.pathOnly || target.accessMode === 0) throw fail('EBADF');
        if (!target.mount.fs.write) throw fail('EBADF');
        return next(() => target.mount.fs.write!(target.path, target.handle, chunk, toAt ?? target.offset, caller), (n) => {
          target.mount.changed(target.path);
          if (toAt === undefined) target.offset += n;
          else writeOffset(call, shape.toOffset, toAt + n);
          return moved(n);
        });
      }
      const n = writeSync(toOwn!, chunk, 0, chunk.length, toAt ?? null);
      if (toAt !== undefined) writeOffset(call, shape.toOffset, toAt + n);
      return moved(n);
    });
  };
  // The borrowed fds are closed when the work is over (at once, or when its promise settles).
  serve(ctx, call, mount, () => {
    let result: MaybePromise<{ n: number; fromEnd: number | undefined }>;
    try {
      result = work();
    } catch (error) {
      done();
      throw error;
    }
    if (isPromise(result)) return result.finally(done);
    done();
    return result;
  }, ({ n, fromEnd }) => {
    if (source && fromEnd === undefined) source.offset += n;
    if (fromEnd !== undefined) writeOffset(call, shape.fromOffset, fromEnd);
    call.skip(n);
  });
  return true;
}


export const COPY_HANDLERS: Readonly<Record<string, CallHandler>> = { copy_file_range: copyCall, sendfile: copyCall, splice: copyCall };
