// flock(2) and fcntl's record locks (F_GETLK, F_SETLK, F_SETLKW and the F_OFD_ forms) on served
// fds, kept in the mount's LockTable (locks.ts). A lock that must wait holds the call, without
// a timeout: a lock may be held for as long as its holder likes.
import { ERRNO } from '@umview/ptrace-core';
import type { SyscallCall } from '@umview/sysvm';
import type { ProcessState } from '../monitor/process-table.js';
import { callerOf, put, serve, type VfsContext } from './context.js';
import { fail } from './errors.js';
import type { MaybePromise } from './file-system.js';
import { next } from './maybe.js';
import type { Lock, LockKind } from './locks.js';
import type { ServedFile } from './served-file.js';

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const F_RDLCK = 0;
const F_WRLCK = 1;
const F_UNLCK = 2;
export const F_GETLK = 5;
const F_SETLK = 6;
const F_SETLKW = 7;
const F_OFD_GETLK = 36;
const F_OFD_SETLK = 37;
const F_OFD_SETLKW = 38;
const FLOCK_SIZE = 32;

/** Takes `lock` now, or (when `wait`) holds the call until it is granted; else EAGAIN. */
function acquire(ctx: VfsContext, call: SyscallCall, file: ServedFile, lock: Lock, wait: boolean, error: 'EAGAIN' | 'EWOULDBLOCK'): void {
  const table = file.mount.locks;
  if (table.tryLock(file.path, lock)) {
    call.skip(0);
    return;
  }
  if (!wait || !ctx.holder) {
    call.skip(-ERRNO[error === 'EWOULDBLOCK' ? 'EAGAIN' : error]);
    return;
  }
  let cancel = (): void => undefined;
  const granted = new Promise<void>((resolve) => {
    cancel = table.wait(file.path, lock, resolve);
  });
  ctx.holder.hold(call, granted, Infinity, (outcome) => call.skip(outcome.ok ? 0 : -ERRNO.EIO), () => {
    cancel();
    // Granted as the thread died: the lock goes too (its owner may live on: a description).
    table.unlock(file.path, lock.kind, lock.owner, lock.start, lock.end);
  });
}

export function flockCall(ctx: VfsContext, call: SyscallCall, process: ProcessState, file: ServedFile): void {
  const op = call.int(1);
  const table = file.mount.locks;
  if ((op & LOCK_UN) !== 0) {
    table.unlock(file.path, 'flock', file);
    call.skip(0);
    return;
  }
  const kind = op & (LOCK_SH | LOCK_EX);
  if (kind !== LOCK_SH && kind !== LOCK_EX) {
    call.skip(-ERRNO.EINVAL);
    return;
  }
  // A conversion is not atomic (flock(2)): the old lock goes first.
  table.unlock(file.path, 'flock', file);
  acquire(ctx, call, file, { kind: 'flock', owner: file, write: kind === LOCK_EX, start: 0, end: Infinity, pid: process.pid }, (op & LOCK_NB) === 0, 'EWOULDBLOCK');
}

/** fcntl's lock commands on a served fd; false for any other command. */
export function fcntlLockCall(ctx: VfsContext, call: SyscallCall, process: ProcessState, file: ServedFile): boolean {
  const cmd = call.int(1);
  const ofd = cmd === F_OFD_GETLK || cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
  if (!ofd && cmd !== F_GETLK && cmd !== F_SETLK && cmd !== F_SETLKW) return false;
  let raw: Buffer;
  try {
    raw = call.io.read(call.ptr(2), FLOCK_SIZE);
  } catch {
    call.skip(-ERRNO.EFAULT);
    return true;
  }
  const type = raw.readInt16LE(0);
  const whence = raw.readInt16LE(2);
  const start = Number(raw.readBigInt64LE(8));
  const len = Number(raw.readBigInt64LE(16));
  const kind: LockKind = ofd ? 'ofd' : 'posix';
  const owner = ofd ? file : process.pid;
  serve(ctx, call, file.mount, (): MaybePromise<number> => {
    if (ofd && raw.readInt32LE(24) !== 0) throw fail('EINVAL'); // l_pid must be 0
    if (whence === 0) return start;
    if (whence === 1) return file.offset + start;
    if (whence !== 2) throw fail('EINVAL');
    return next(() => file.mount.fs.getattr(file.path, callerOf(ctx, process)), (attrs) => attrs.size + start);
  }, (from) => {
    const [lo, hi] = len === 0 ? [from, Infinity] : len > 0 ? [from, from + len] : [from + len, from];
    if (lo < 0) throw fail('EINVAL');
    const table = file.mount.locks;
    if (cmd === F_GETLK || cmd === F_OFD_GETLK) {
      if (type !== F_RDLCK && type !== F_WRLCK) throw fail('EINVAL');
      const other = table.conflict(file.path, { kind, owner, write: type === F_WRLCK, start: lo, end: hi, pid: process.pid });
      const out = Buffer.alloc(FLOCK_SIZE);
      if (!other) {
        raw.copy(out);
        out.writeInt16LE(F_UNLCK, 0);
      } else {
        out.writeInt16LE(other.write ? F_WRLCK : F_RDLCK, 0);
        out.writeInt16LE(0, 2);
        out.writeBigInt64LE(BigInt(other.start), 8);
        out.writeBigInt64LE(other.end === Infinity ? 0n : BigInt(other.end - other.start), 16);
        out.writeInt32LE(other.kind === 'ofd' ? -1 : other.pid, 24);
      }
      put(call, call.ptr(2), out);
      call.skip(0);
      return;
    }
    if (type === F_UNLCK) {
      table.unlock(file.path, kind, owner, lo, hi);
      call.skip(0);
      return;
    }
    if (type !== F_RDLCK && type !== F_WRLCK) throw fail('EINVAL');
    // A read lock needs the file open for reading, a write lock for writing.
    if ((type === F_RDLCK && file.accessMode === 1) || (type === F_WRLCK && file.accessMode === 0)) throw fail('EBADF');
    acquire(ctx, call, file, { kind, owner, write: type === F_WRLCK, start: lo, end: hi, pid: process.pid }, cmd === F_SETLKW || cmd === F_OFD_SETLKW, 'EAGAIN');
  });
  return true;
}
