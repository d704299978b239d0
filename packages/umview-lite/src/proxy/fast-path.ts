// The fast data path: a served regular file whose bytes are a kernel file (the host file of a
// proxied path, or a backing file a file-system module gives: FileSystem.backing) is handed to
// the tracee as a real fd on that file, so that its reads, writes, seeks, maps and copies run in
// the kernel without a stop, as FUSE passthrough does.
//
// How the tracee gets the fd: its open is rewritten into an openat of /proc/<monitor>/fd/<N>
// with its own access mode (a new open of the same file: the kernel checks the tracee's own
// permission, as for any open) and run to its exit, where the monitor lets go of its fd.
// - A host file (proxy mode) needs nothing more: the kernel answers everything on it as the
//   monitor would, so the fd is the tracee's alone, at the number the kernel chose, and the
//   monitor forgets it (as remap mode does).
// - A module's file keeps the monitor in the loop for its identity and metadata (fstat,
//   fchmod, ftruncate, locks... are the module's; the backing file's inode is not the file's),
//   so its fd is moved with F_DUPFD into a band of numbers [fastBase, threshold) where the
//   seccomp filter stops every fd call but the data calls (DATA_CALLS), and kept in the virtual
//   fd table as a placeholder is. That costs two injected calls at the exit (F_DUPFD, close):
//   FAST_MIN_BYTES says when it pays.
// When the tracee cannot open the monitor's fd (another user's process, no /proc), a
// placeholder is made at the exit instead: a stop per call.
import { readFileSync } from 'node:fs';
import type { SyscallCall, SyscallReturn } from '@umview/sysvm';
import { AT_FDCWD, O_APPEND, O_CLOEXEC, O_LARGEFILE } from '../linux.js';
import type { ProcessState } from '../monitor/process-table.js';
import type { FastCallCount } from './fast-call-count.js';
import type { OpenFile } from './open-file.js';
import { F_DUPFD, F_DUPFD_CLOEXEC, placeholderAtExit, type Injector, type PlaceholderContext } from './placeholder.js';
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
const COPY_FDS: Readonly<Record<string, readonly number[]>> = { copy_file_range: [0, 2], sendfile: [0, 1], splice: [0, 2] };
const O_NONBLOCK = 0o4000;
const O_DSYNC = 0o10000;
const O_DIRECT = 0o40000;
const O_NOATIME = 0o1000000;
const O_SYNC = 0o4010000;
/** What the tracee's open keeps when it reopens the backing file: the access mode and the
 * flags of the open file description (O_NOATIME too: the monitor's open of the file had the same
 * right to it). O_CREAT, O_EXCL and O_TRUNC were the monitor's business, O_NOFOLLOW would
 * refuse the /proc magic link. */
const REOPEN_FLAGS = 3 | O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_DIRECT | O_LARGEFILE | O_NOATIME;
/** A module's backing file is the module's way of keeping bytes (a tmpfs keeps them in an
 * unnamed file on the host's disk): O_SYNC, O_DSYNC and O_DIRECT would make each write of the
 * tracee's reach that disk, which the file it opened promised nothing about. */
const BACKING_REOPEN_FLAGS = REOPEN_FLAGS & ~(O_DSYNC | O_SYNC | O_DIRECT);

/** How served regular files move their data: 'kernel', fast fds (this file); 'stop', a
 * placeholder and a stop per call, the monitor moving the data (the 2006 design). */
export type DataPath = 'kernel' | 'stop';

/** A module's file opened only for reading gets a fast fd from this size up. Below it, the two
 * calls injected to place the fd in the band cost more stops than the file's reads save (a
 * 4 KiB reader of a 16 KiB file: 5 reads with placeholders, 4 more stops with a fast fd); a
 * file opened for writing always gets one (its size at the open says nothing). */
export const FAST_MIN_BYTES = 16 * 1024;

/** What handing over a fast fd needs of the monitor. */
export interface FastPathContext extends PlaceholderContext {
  readonly stats: ProxyStats;
  /** With --stats: the calls that ran in the kernel, measured around fast fds. */
  readonly fastCalls: FastCallCount | undefined;
}

/** Hands the tracee a real fd on the host file the monitor opened (`file.fd`) as its open's
 * result, at the number the kernel chooses; the monitor keeps nothing of it. */
export function handOverHostFile(ctx: FastPathContext, call: SyscallCall, process: ProcessState, file: OpenFile, flags: number): void {
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const scratch = reopenAt(call, file.fd, (flags & REOPEN_FLAGS) | (cloexec ? O_CLOEXEC : 0));
  file.retain(); // its fd stays open until the tracee has opened it
  ctx.hooks.expectReturn(call, (ret) => {
    try {
      if (ret.isError) placeholderAtExit(ctx, ret, atExit(ret, scratch), process, file, cloexec);
      else opened(ctx, process);
    } finally {
      file.release();
    }
  }, () => file.release());
}

/** A module's open file, which becomes fast when its fd is. */
export interface BackedDescription extends OpenDescription {
  fast: boolean;
}

/** Hands the tracee a real fd on a module's backing file (`backingFd`, the module's) for its
 * open of `file`, placed in the fast band and kept in the virtual fd table. */
export function handOverBacking(ctx: FastPathContext, call: SyscallCall, process: ProcessState, file: BackedDescription, backingFd: number, flags: number): void {
  const cloexec = (flags & O_CLOEXEC) !== 0;
  // A module that reads its backing file without touching its atime (the overlay's lower
  // files) keeps it so through the tracee's fd too.
  const noatime = hasFlag(backingFd, O_NOATIME) ? O_NOATIME : 0;
  const scratch = reopenAt(call, backingFd, (flags & BACKING_REOPEN_FLAGS) | noatime | O_CLOEXEC);
  file.retain(); // the module's release waits until the tracee has its fd
  ctx.hooks.expectReturn(call, (ret) => {
    try {
      if (ret.isError) {
        placeholderAtExit(ctx, ret, atExit(ret, scratch), process, file, cloexec);
        return;
      }
      const low = Number(ret.result);
      const high = Number(ret.inject(nrOf('fcntl'), [low, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, ctx.layout.fastBase]));
      ret.inject(nrOf('close'), [low]);
      if (high >= 0) {
        file.fast = true;
        process.vfds.set(high, file, cloexec);
        opened(ctx, process);
      }
      ret.setResult(high);
    } finally {
      file.release();
    }
  }, () => file.release());
}

/** Whether the monitor's fd has `flag` among its open flags (/proc/self/fdinfo: Node has no
 * F_GETFL). */
function hasFlag(fd: number, flag: number): boolean {
  try {
    const m = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
    return m !== null && (parseInt(m[1]!, 8) & flag) !== 0;
  } catch {
    return false;
  }
}

/** Rewrites the open into openat(AT_FDCWD, "/proc/<monitor>/fd/<fd>", flags), run to its exit;
 * returns where the path was put (the scratch a placeholder's template may reuse). */
function reopenAt(call: SyscallCall, fd: number, flags: number): bigint {
  // The pid is read at each open, not kept: a monitor started from a V8 snapshot has its own.
  const path = call.placeString(`/proc/${globalThis.process.pid}/fd/${fd}`);
  call.setNumber(nrOf('openat'));
  call.setArg(0, AT_FDCWD);
  call.setArg(1, path);
  call.setArg(2, flags);
  call.setArg(3, 0);
  return path;
}

/** Injecting at the exit: the string goes where the /proc path was ("/dev/null" is shorter). */
function atExit(ret: SyscallReturn, scratch: bigint): Injector {
  return {
    inject: (nr, args) => ret.inject(nr, args),
    placeString: (text) => {
      ret.io.write(scratch, Buffer.from(`${text}\0`, 'utf8'));
      return scratch;
    },
  };
}

function opened(ctx: FastPathContext, process: ProcessState): void {
  ctx.stats.fastOpens++;
  ctx.fastCalls?.opened(process.pid);
}

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
  return process.vfds.get(call.int(kind === 'mmap' ? 4 : 0))?.file.fast === true;
}

type Kind = 'data' | 'mmap' | 'copy';
const kindOf: (Kind | undefined)[] = [];
for (const name of DATA_CALLS) kindOf[nrOf(name)] = name === 'mmap' ? 'mmap' : 'data';
for (const name of Object.keys(COPY_FDS)) kindOf[nrOf(name)] = 'copy';
