// SpawnOptions.openFilesLimit: the soft RLIMIT_NOFILE the program starts with. Node raises its
// own soft limit to the hard one as it starts, and a spawned program would inherit that: a
// tracer that stands for a command of its caller's gives it its caller's limit back (as `ulimit
// -Sn` showed it there), so that the program sees what it would natively, and a program that
// closes every fd up to its limit does not close a million. Set on the seized trampoline with
// prlimit(2), before its execve: posix_spawn has no resource limits.
import { InvalidArgumentError, checked } from '../errors.js';
import { ERRNO } from '../native/errno.js';
import { getLibc } from '../native/libc.js';

const RLIMIT_NOFILE = 7;
const RLIM_INFINITY = 0xffffffffffffffffn;

/** The struct rlimit a program given `limit` gets: that soft limit, checked against this
 * process's hard limit, which it keeps (a soft limit cannot exceed it). */
export function openFilesLimit(limit: number | 'unlimited'): Buffer {
  const soft = limit === 'unlimited' ? RLIM_INFINITY : Number.isSafeInteger(limit) && limit >= 0 ? BigInt(limit) : undefined;
  const limits = Buffer.alloc(16);
  checked(getLibc().prlimit(0, RLIMIT_NOFILE, null, limits), 'prlimit(RLIMIT_NOFILE)');
  const hard = limits.readBigUInt64LE(8);
  if (soft === undefined || soft > hard) {
    throw new InvalidArgumentError(`openFilesLimit: ${String(limit)} is not a number of files from 0 to the hard limit (${hard === RLIM_INFINITY ? 'unlimited' : hard})`, { errno: ERRNO.EINVAL, operation: 'spawn' });
  }
  limits.writeBigUInt64LE(soft, 0);
  return limits;
}

/** Gives process `pid` the open-files limits `limits` (openFilesLimit's). */
export function setOpenFilesLimit(pid: number, limits: Buffer): void {
  checked(getLibc().prlimit(pid, RLIMIT_NOFILE, limits, null), 'prlimit(RLIMIT_NOFILE)', pid);
}
