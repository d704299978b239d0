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

/** `limit` as the kernel takes it, checked against this process's hard limit, which the program
 * inherits (a soft limit cannot exceed it). */
export function openFilesLimit(limit: number | 'unlimited'): bigint {
  const soft = limit === 'unlimited' ? RLIM_INFINITY : Number.isSafeInteger(limit) && limit >= 0 ? BigInt(limit) : undefined;
  const hard = ownLimits().readBigUInt64LE(8);
  if (soft === undefined || soft > hard) {
    throw new InvalidArgumentError(`openFilesLimit: ${String(limit)} is not a number of files from 0 to the hard limit (${hard === RLIM_INFINITY ? 'unlimited' : hard})`, { errno: ERRNO.EINVAL, operation: 'spawn' });
  }
  return soft;
}

/** Gives process `pid` the soft open-files limit `soft`, its hard limit as it is. */
export function setOpenFilesLimit(pid: number, soft: bigint): void {
  const limits = ownLimits();
  limits.writeBigUInt64LE(soft, 0);
  checked(getLibc().prlimit(pid, RLIMIT_NOFILE, limits, null), 'prlimit(RLIMIT_NOFILE)', pid);
}

function ownLimits(): Buffer {
  const limits = Buffer.alloc(16);
  checked(getLibc().prlimit(0, RLIMIT_NOFILE, null, limits), 'prlimit(RLIMIT_NOFILE)');
  return limits;
}
