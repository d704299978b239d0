// What the warm monitor takes from a hand-off client's process to run its command as the client
// would have run it itself: its file descriptors 0-2 (through pidfd_getfd, so that a pipe, a
// socket or a terminal is the same open file, not a reopened path), and the CPUs it may run on.
// The rest (cwd, environment, umask, credentials, namespaces) is read from /proc (client-check.ts).
import { syscallNumber } from '@umview/ptrace-core';
import { getLibc, pinnedBuffer } from '@umview/ptrace-core/internal';

const SYS_DUP = syscallNumber('dup')!;
const SYS_DUP2 = syscallNumber('dup2')!;
const SYS_SCHED_SETAFFINITY = syscallNumber('sched_setaffinity')!;
const SYS_SCHED_GETAFFINITY = syscallNumber('sched_getaffinity')!;
const SYS_PIDFD_OPEN = syscallNumber('pidfd_open')!;
const SYS_PIDFD_GETFD = syscallNumber('pidfd_getfd')!;
/** Room for 4096 CPUs' bits. */
const CPU_SET_BYTES = 512;

const call = (nr: number, a1 = 0, a2 = 0, a3 = 0): number => getLibc().syscall6(nr, a1, a2, a3, 0, 0, 0);

/** A client's fds 0-2, duplicated into this process (-1: closed there). Throws when the kernel
 * has no pidfd_getfd (before 5.6): the client then runs its own monitor. */
export function takeStandardFds(pid: number): number[] {
  const pidfd = call(SYS_PIDFD_OPEN, pid, 0);
  if (pidfd < 0) throw new Error(`pidfd_open: errno ${getLibc().errno()}`);
  try {
    return [0, 1, 2].map((fd) => {
      const copy = call(SYS_PIDFD_GETFD, pidfd, fd, 0);
      if (copy < 0 && getLibc().errno() !== 9 /* EBADF: closed in the client */) throw new Error(`pidfd_getfd: errno ${getLibc().errno()}`);
      return copy;
    });
  } finally {
    getLibc().close(pidfd);
  }
}

/** Puts `fds` at 0-2 for the time of a run; returns what puts this process's own back. */
export function useStandardFds(fds: readonly number[]): () => void {
  const libc = getLibc();
  const own = [0, 1, 2].map((fd) => call(SYS_DUP, fd));
  fds.forEach((fd, target) => {
    if (fd >= 0) call(SYS_DUP2, fd, target);
    else libc.close(target);
  });
  for (const fd of fds) if (fd >= 0) libc.close(fd);
  return () => {
    own.forEach((fd, target) => {
      if (fd >= 0) {
        call(SYS_DUP2, fd, target);
        libc.close(fd);
      }
    });
  };
}

/** Makes `fd` this process's `target` and closes it. */
export function dupTo(fd: number, target: number): void {
  call(SYS_DUP2, fd, target);
  getLibc().close(fd);
}

/** The CPUs `pid` may run on, as the kernel's mask. */
export function cpuAffinity(pid: number): Buffer {
  const mask = pinnedBuffer(CPU_SET_BYTES);
  const size = call(SYS_SCHED_GETAFFINITY, pid, CPU_SET_BYTES, Number(getLibc().address(mask)));
  if (size < 0) throw new Error(`sched_getaffinity: errno ${getLibc().errno()}`);
  return Buffer.from(mask.subarray(0, size));
}

/** Runs every thread of this process (V8's compilers and collectors too) on `mask`'s CPUs, as
 * a monitor started by the client would have (`taskset` is inherited); returns what puts the
 * former masks back. */
export function runOnCpus(mask: Buffer, threads: readonly number[]): () => void {
  const before = threads.map((tid) => ({ tid, mask: safeAffinity(tid) }));
  for (const tid of threads) setAffinity(tid, mask);
  return () => {
    for (const { tid, mask: former } of before) if (former) setAffinity(tid, former);
  };
}

function safeAffinity(tid: number): Buffer | undefined {
  try {
    return cpuAffinity(tid);
  } catch {
    return undefined; // a thread that ended
  }
}

function setAffinity(tid: number, mask: Buffer): void {
  const pinned = pinnedBuffer(mask.length);
  mask.copy(pinned);
  call(SYS_SCHED_SETAFFINITY, tid, mask.length, Number(getLibc().address(pinned)));
}
