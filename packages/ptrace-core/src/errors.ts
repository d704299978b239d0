// Typed errors. Every error a system call causes carries errno, its name, the operation and the
// thread it concerned, so that callers can branch on the class and users read a clear message.
import { ERRNO, errnoName } from './native/errno.js';
import { getLibc } from './native/libc.js';
import { readProcStatusField } from './proc-status.js';

export interface SystemErrorDetails {
  errno: number;
  operation: string;
  tid?: number;
  cause?: unknown;
}

/** Base class of every error raised by a failed system call on behalf of a tracee. */
export class PtraceError extends Error {
  override name = 'PtraceError';
  readonly errno: number;
  /** errno's symbolic name, e.g. `'ESRCH'`. */
  readonly code: string;
  /** What was being done, e.g. `'PTRACE_GETREGSET'` or `'process_vm_readv'`. */
  readonly operation: string;
  readonly tid: number | undefined;

  constructor(message: string, details: SystemErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.errno = details.errno;
    this.code = errnoName(details.errno);
    this.operation = details.operation;
    this.tid = details.tid;
  }
}

/** The tracee no longer exists or is not in a ptrace-stop (ESRCH). A normal outcome: the stop
 * loop will report its exit. */
export class TraceeGoneError extends PtraceError {
  override name = 'TraceeGoneError';
}

/** True when `error` is a {@link TraceeGoneError}: the thread vanished (ESRCH), a normal outcome
 * whose exit the stop loop reports next. Use it in a `catch` instead of comparing names:
 * `if (!isTraceeGone(error)) throw error;`. It also recognises one raised by another copy of
 * this package (an ESM and a CJS copy loaded side by side, or two installed versions), whose
 * class is a different object, by its `name` and its ESRCH `code`. */
export function isTraceeGone(error: unknown): error is TraceeGoneError {
  if (error instanceof TraceeGoneError) return true;
  return error instanceof Error && error.name === 'TraceeGoneError' && (error as { code?: unknown }).code === 'ESRCH';
}

/** The kernel refused: no permission to trace or to touch the target (EPERM, EACCES). */
export class PermissionError extends PtraceError {
  override name = 'PermissionError';
}

/** The target cannot be traced: already traced by someone else, a kernel thread, or ourselves. */
export class NotTraceableError extends PtraceError {
  override name = 'NotTraceableError';
}

/** A request the kernel rejected as malformed (EINVAL, EIO on a bad request). */
export class InvalidArgumentError extends PtraceError {
  override name = 'InvalidArgumentError';
}

/** A tracee memory access failed (unmapped or inaccessible address). `address` is where the
 * failing access started and `transferred` how many bytes moved before it. */
export class MemoryAccessError extends PtraceError {
  override name = 'MemoryAccessError';
  readonly address: bigint;
  readonly transferred: number;
  constructor(message: string, details: SystemErrorDetails & { address: bigint; transferred: number }) {
    super(message, details);
    this.address = details.address;
    this.transferred = details.transferred;
  }
}

/** A program could not be started: not found, not executable, not an ELF or `#!` file. */
export class SpawnError extends PtraceError {
  override name = 'SpawnError';
  readonly path: string;
  constructor(message: string, details: SystemErrorDetails & { path: string }) {
    super(message, details);
    this.path = details.path;
  }
}

/** The platform cannot run this package (not Linux, or an architecture not supported yet).
 * Importing any `@umview/*` package there throws it, so catch it by `name` (the module that
 * would export the class failed to load): `error.name === 'UnsupportedPlatformError'`. */
export class UnsupportedPlatformError extends Error {
  override name = 'UnsupportedPlatformError';
  /** `process.platform` where it was raised, e.g. `'darwin'`. */
  readonly platform: string;
  /** `process.arch` where it was raised, e.g. `'arm64'`. */
  readonly arch: string;
  constructor(message: string, where: { platform?: string; arch?: string } = {}) {
    super(message);
    this.platform = where.platform ?? process.platform;
    this.arch = where.arch ?? process.arch;
  }
}

function describe(operation: string, errno: number, tid?: number): string {
  const who = tid === undefined ? '' : ` (tid ${tid})`;
  return `${operation}${who}: ${getLibc().strerror(errno)} [${errnoName(errno)}]`;
}

/** What ptrace(2) itself returns; any other errno after a failed request was not its own. */
const PTRACE_ERRNOS: ReadonlySet<number> = new Set([ERRNO.EBUSY, ERRNO.EFAULT, ERRNO.EINVAL, ERRNO.EIO, ERRNO.EPERM, ERRNO.ESRCH]);

/** Builds the typed error for a failed system call (a ptrace request is named `PTRACE_…`).
 *
 * errno is read after the call has returned to JavaScript, and the runtime may have changed it
 * in between: once, on Node 24, a PTRACE_POKEUSER of a thread that another thread's execve had
 * just killed read ENOENT. So an errno that ptrace cannot return, after a request on a thread, is
 * checked against the thread: not in a tracing stop, the request failed as ESRCH says (no such
 * thread, or not stopped). */
export function systemError(operation: string, errno: number, tid?: number): PtraceError {
  errno = failedCallErrno(operation, errno, tid);
  const message = describe(operation, errno, tid);
  const details = { errno, operation, tid };
  switch (errno) {
    case ERRNO.ESRCH:
      return new TraceeGoneError(message, details);
    case ERRNO.EPERM:
    case ERRNO.EACCES:
      return new PermissionError(message, details);
    case ERRNO.EINVAL:
    case ERRNO.EIO:
      return new InvalidArgumentError(message, details);
    default:
      return new PtraceError(message, details);
  }
}

/** The errno a failed call stands for: `errno` as read, unless it cannot be a ptrace request's
 * on a thread that is no longer in a ptrace-stop (see systemError): then ESRCH. */
export function failedCallErrno(operation: string, errno: number, tid?: number): number {
  if (tid === undefined || !operation.startsWith('PTRACE_') || PTRACE_ERRNOS.has(errno)) return errno;
  return inTracingStop(tid) ? errno : ERRNO.ESRCH;
}

/** Whether thread `tid` is in a ptrace-stop now ("t (tracing stop)"; gone: no state). */
function inTracingStop(tid: number): boolean {
  return readProcStatusField(tid, 'State')?.startsWith('t') === true;
}

/** What waitpid(2) returns; any other errno after a failed wait was not its own. */
const WAIT_ERRNOS: ReadonlySet<number> = new Set([ERRNO.ECHILD, ERRNO.EINTR, ERRNO.EINVAL]);

/** The errno a failed waitpid stands for: `errno` as read, unless waitpid cannot return it (the
 * runtime changed errno between the call and its reading, as systemError says: once, on Node 26,
 * a wait of the monitor read ENOENT): then EINTR, and the wait is made again. A wait is
 * idempotent, and a real ECHILD comes back at once. */
export function failedWaitErrno(errno: number): number {
  return WAIT_ERRNOS.has(errno) ? errno : ERRNO.EINTR;
}

/** Throws the typed error for the current errno when a call returned -1. */
export function checked(result: number, operation: string, tid?: number): number {
  if (result === -1) throw systemError(operation, getLibc().errno(), tid);
  return result;
}
