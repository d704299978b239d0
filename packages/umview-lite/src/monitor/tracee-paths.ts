// A tracee's path argument as a path the monitor can use itself: an absolute path as it is, a
// relative one through the tracee's own cwd or directory fd (/proc/PID/cwd/…, /proc/PID/fd/N/…:
// the kernel starts the lookup there), '' on an fd (AT_EMPTY_PATH) as /proc/PID/fd/N.
import type { SyscallCall } from '@umview/sysvm';
import { AT_FDCWD } from '../linux.js';

/** Undefined for a NULL or unreadable pointer. */
export function traceePath(call: SyscallCall, pid: number, arg: number, dirfd: number | null): string | undefined {
  let path: string;
  try {
    if (call.ptr(arg) === 0n) return undefined;
    path = call.readString(arg);
  } catch {
    return undefined;
  }
  if (path.startsWith('/')) return path;
  const fd = dirfd === null ? AT_FDCWD : call.int(dirfd);
  const base = fd === AT_FDCWD ? `/proc/${pid}/cwd` : `/proc/${pid}/fd/${fd}`;
  return path === '' ? base : `${base}/${path}`;
}
