// The fast data path: a served regular file whose bytes are a kernel file (the host file of a
// proxied path, or a backing file a file-system module gives: FileSystem.backing) is handed to
// the tracee as a real fd on that file, so that its reads, writes, seeks, maps and copies run in
// the kernel without a stop, as FUSE passthrough does. The monitor keeps the open description in
// the virtual fd table as for a placeholder, and still sees the calls that concern the file's
// identity and metadata (fstat, close, dup, fcntl, ftruncate, fsync, fchmod, locks...): the
// fd is placed in a band of numbers [fastBase, threshold) where the seccomp filter stops those
// but lets the data calls (DATA_CALLS) run.
//
// How the tracee gets the fd, at its open's stop: three injected calls, openat of
// /proc/<monitor>/fd/<N> with the tracee's access mode (a new open of the same file: the kernel
// checks the tracee's permission on it as for any open), F_DUPFD into the band, close of the
// low fd; the open itself is skipped with the band fd as its result. When that reopen fails
// (another user's tracee, no /proc), the open falls back to a placeholder: the stop per call.
import type { SyscallCall } from '@umview/sysvm';
import { AT_FDCWD, O_APPEND, O_CLOEXEC, O_LARGEFILE } from '../linux.js';
import type { ProcessState } from '../monitor/process-table.js';
import type { FastCallCount } from './fast-call-count.js';
import type { FdLayout } from './fd-limits.js';
import { F_DUPFD, F_DUPFD_CLOEXEC } from './placeholder.js';
import type { ProxyStats } from './proxy-stats.js';
import { nrOf } from './reissue.js';
import type { OpenDescription } from './virtual-fds.js';

/** Calls whose fd argument (index 0, mmap's 4) runs in the kernel on a fast fd: in the band, the
 * filter lets them through; where they stop anyway (a fast fd dup2'd below the band whose
 * number a placeholder once had, or a trace mode without seccomp), the monitor lets them run. */
export const DATA_CALLS: readonly string[] = [
  'read', 'write', 'pread64', 'pwrite64', 'readv', 'writev', 'preadv', 'pwritev', 'preadv2', 'pwritev2',
  'lseek', 'fadvise64', 'readahead', 'mmap',
];
/** Copies between two fds: in the kernel when every virtual fd among them is fast. */
const COPY_FDS: Readonly<Record<string, readonly number[]>> = { copy_file_range: [0, 2], sendfile: [0, 1], splice: [0, 2], tee: [0, 1] };
const F_GETFL = 3;
const F_SETFL = 4;
const O_NONBLOCK = 0o4000;
const O_DSYNC = 0o10000;
const O_DIRECT = 0o40000;
const O_SYNC = 0o4010000;
/** What the tracee's open keeps when it reopens the backing file: the access mode and the
 * flags of the open file description. O_CREAT, O_EXCL and O_TRUNC were the monitor's business,
 * O_NOFOLLOW would refuse the /proc magic link, O_NOATIME needs ownership of the backing file. */
const REOPEN_FLAGS = 3 | O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_DIRECT | O_LARGEFILE;

/** Where the tracee's new fd comes from: the monitor's fd on the backing file. */
export interface Backing {
  readonly monitorFd: number;
}

export type DataPath = 'kernel' | 'stop';

/** What handing over a fast fd needs of the monitor. */
export interface FastPathContext {
  readonly layout: FdLayout;
  readonly stats: ProxyStats;
  /** With --stats: the calls that ran in the kernel, measured around fast fds. */
  readonly fastCalls: FastCallCount | undefined;
}

/** Gives the tracee a real fd on `backing` for its open of `file`, as the open's result; false
 * (nothing changed in the tracee) when the tracee cannot open it: the caller falls back to a
 * placeholder. */
export function giveRealFd(ctx: FastPathContext, call: SyscallCall, process: ProcessState, file: OpenDescription, backing: Backing, flags: number, cloexec: boolean): boolean {
  const inject = (name: string, args: (bigint | number)[]) => Number(call.inject(nrOf(name), args));
  const path = call.placeString(`/proc/${process_pid}/fd/${backing.monitorFd}`);
  const low = inject('openat', [AT_FDCWD, path, (flags & REOPEN_FLAGS) | O_CLOEXEC, 0]);
  if (low < 0) return false;
  const high = inject('fcntl', [low, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, ctx.layout.fastBase]);
  inject('close', [low]);
  if (high < 0) return false;
  file.fast = true;
  process.vfds.set(high, file, cloexec);
  call.skip(high);
  ctx.stats.fastOpens++;
  ctx.fastCalls?.opened(process.pid);
  return true;
}

const process_pid = process.pid;

/** True when the call is a data call on fast fds only: the kernel runs it on the real file and
 * the monitor has nothing to do. */
export function runsInKernel(call: SyscallCall, process: ProcessState): boolean {
  const kind = kindOf[call.nr];
  if (kind === undefined) return false;
  if (kind === 'copy') {
    let fast = false;
    for (const arg of COPY_FDS[call.name]!) {
      const file = process.vfds.get(call.int(arg))?.file;
      if (file && !file.fast) return false;
      fast ||= file !== undefined;
    }
    return fast;
  }
  if (kind === 'fcntl') {
    const cmd = call.int(1);
    if (cmd !== F_GETFL && cmd !== F_SETFL) return false;
  }
  return process.vfds.get(call.int(kind === 'mmap' ? 4 : 0))?.file.fast === true;
}

type Kind = 'data' | 'mmap' | 'copy' | 'fcntl';
const kindOf: (Kind | undefined)[] = [];
for (const name of DATA_CALLS) kindOf[nrOf(name)] = name === 'mmap' ? 'mmap' : 'data';
for (const name of Object.keys(COPY_FDS)) kindOf[nrOf(name)] = 'copy';
kindOf[nrOf('fcntl')] = 'fcntl';
