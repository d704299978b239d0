// utime, utimes, futimesat and utimensat on served files (UTIME_NOW, UTIME_OMIT; utimensat on
// an fd itself with a NULL path), through the module's utimens.
import { UTIME_NOW, UTIME_OMIT, type SyscallCall } from '@umview/sysvm';
import { AT_EMPTY_PATH } from '../linux.js';
import { done, op, pathSpec } from './change-calls.js';
import { callerOf, serve } from './context.js';
import { fail } from './errors.js';
import type { Caller, MaybePromise } from './file-system.js';
import { servedFd } from './file-calls.js';
import { withPaths } from './locate.js';
import { next } from './maybe.js';
import type { Mount } from './mount.js';
import { AT_SYMLINK_NOFOLLOW, existing, type CallHandler } from './stat-calls.js';

/** The two times, and whether both are "now" (the permission rule differs: file-system.ts). */
type Times = [atime: bigint | undefined, mtime: bigint | undefined, now: boolean];
const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

/** The times a utime-family call gives (undefined: leave it), read before the walk. */
function timesOf(call: SyscallCall, arg: number, kind: 'utimbuf' | 'timeval' | 'timespec'): Times {
  const pointer = call.ptr(arg);
  if (pointer === 0n) {
    const now = nowNs();
    return [now, now, true];
  }
  let b: Buffer;
  try {
    b = call.io.read(pointer, kind === 'utimbuf' ? 16 : 32);
  } catch {
    throw fail('EFAULT');
  }
  if (kind === 'utimbuf') return [b.readBigInt64LE(0) * 1_000_000_000n, b.readBigInt64LE(8) * 1_000_000_000n, false];
  const now = nowNs();
  const one = (at: number): bigint | undefined => {
    const sec = b.readBigInt64LE(at);
    const frac = b.readBigInt64LE(at + 8);
    if (kind === 'timeval') {
      if (frac < 0n || frac >= 1_000_000n) throw fail('EINVAL');
      return sec * 1_000_000_000n + frac * 1000n;
    }
    if (frac === UTIME_NOW) return now;
    if (frac === UTIME_OMIT) return undefined;
    if (frac < 0n || frac >= 1_000_000_000n) throw fail('EINVAL');
    return sec * 1_000_000_000n + frac;
  };
  const bothNow = kind === 'timespec' && b.readBigInt64LE(8) === UTIME_NOW && b.readBigInt64LE(24) === UTIME_NOW;
  return [one(0), one(16), bothNow];
}

function utimeCall(pathArg: number, dirfd: number | null, timesArg: number, kind: 'utimbuf' | 'timeval' | 'timespec', flagsArg?: number): CallHandler {
  return (ctx, call, process) => {
    let times: Times = [undefined, undefined, false];
    let unreadable: unknown;
    try {
      times = timesOf(call, timesArg, kind);
    } catch (error) {
      unreadable = error; // EFAULT, EINVAL: the call's answer, if the path is served
    }
    const body = (mount: Mount, path: string, caller: Caller): MaybePromise<unknown> => {
      if (unreadable !== undefined) throw unreadable;
      if (times[0] === undefined && times[1] === undefined) return undefined;
      return op(mount, 'utimens')(path, times[0], times[1], caller, times[2]);
    };
    // utimensat(fd, NULL, times, 0): the fd itself.
    if (call.ptr(pathArg) === 0n && dirfd !== null) {
      const file = servedFd(process, call.int(dirfd));
      if (!file) return false;
      serve(ctx, call, file.mount, () => body(file.mount, file.path, callerOf(ctx, process)), done(call));
      return true;
    }
    const flags = flagsArg === undefined ? 0 : call.int(flagsArg);
    const spec = pathSpec(pathArg, dirfd, (flags & AT_SYMLINK_NOFOLLOW) === 0, (flags & AT_EMPTY_PATH) !== 0);
    return withPaths(ctx, call, process, [spec], ([l], caller) =>
      next(() => existing(l!, caller), ({ mount, path }) => body(mount, path, caller)), done(call));
  };
}

export const TIME_HANDLERS: Readonly<Record<string, CallHandler>> = {
  utime: utimeCall(0, null, 1, 'utimbuf'),
  utimes: utimeCall(0, null, 1, 'timeval'),
  futimesat: utimeCall(1, 0, 2, 'timeval'),
  utimensat: utimeCall(1, 0, 2, 'timespec', 3),
};
