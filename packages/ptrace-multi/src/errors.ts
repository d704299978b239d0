// Errors of ptrace-multi. An op's failure is one of ptrace-core's typed errors (so callers branch
// on the same classes whatever layer they use); the two below describe outcomes that are not
// failed system calls.
import {
  InvalidArgumentError, MemoryAccessError, PermissionError, PtraceError, TraceeGoneError,
  errnoName, ERRNO,
} from '@umview/ptrace-core';
import { failedCallErrno, getLibc } from '@umview/ptrace-core/internal';

/** The handle of an op that never ran: an earlier op of its batch failed, or run() was not
 * called yet. */
export class NotRunError extends Error {
  override name = 'NotRunError';
}

/** A C string had no NUL within the bytes it was allowed (builder readCString). */
export class StringTooLongError extends RangeError {
  override name = 'StringTooLongError';
  constructor(readonly address: bigint, readonly maxLength: number) {
    super(`string at 0x${address.toString(16)} is longer than ${maxLength} bytes`);
  }
}

/** The typed error for a failed system call, like ptrace-core's (ESRCH: the tracee is gone;
 * EPERM/EACCES: permission; EINVAL/EIO: a request the kernel rejected). */
export function syscallError(operation: string, errno: number, tid: number): PtraceError {
  errno = failedCallErrno(operation, errno, tid);
  const message = `${operation} (tid ${tid}): ${getLibc().strerror(errno)} [${errnoName(errno)}]`;
  const details = { errno, operation, tid };
  switch (errno) {
    case ERRNO.ESRCH: return new TraceeGoneError(message, details);
    case ERRNO.EPERM:
    case ERRNO.EACCES: return new PermissionError(message, details);
    case ERRNO.EINVAL:
    case ERRNO.EIO: return new InvalidArgumentError(message, details);
    default: return new PtraceError(message, details);
  }
}

/** A memory fault, reported the way PTRACE_PEEKDATA/POKEDATA report it (EIO) whichever system
 * call found it, with the first address that could not be moved and the bytes moved before. */
export function memoryFault(direction: 'read' | 'write', address: number, transferred: number, tid: number): MemoryAccessError {
  return new MemoryAccessError(
    `cannot ${direction} tracee memory at 0x${address.toString(16)} (tid ${tid}): address not accessible`,
    { errno: ERRNO.EIO, operation: `${direction} memory`, tid, address: BigInt(address), transferred },
  );
}

/** A malformed op (too small a buffer, a negative length...), rejected before any system call
 * in both modes alike. */
export function badOp(message: string, errno: number, tid: number): PtraceError {
  const details = { errno, operation: 'PTRACE_MULTI', tid };
  return errno === ERRNO.EINVAL ? new InvalidArgumentError(message, details) : new PtraceError(message, details);
}

/** ESRCH without a system call: memory and register ops need a tracee in a ptrace-stop, and
 * after a resuming request in the same batch it no longer is. */
export function notStopped(tid: number): TraceeGoneError {
  return new TraceeGoneError(`tid ${tid} is not in a ptrace-stop: memory and register requests need one [ESRCH]`, {
    errno: ERRNO.ESRCH, operation: 'PTRACE_MULTI', tid,
  });
}
