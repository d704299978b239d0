// The proxy: for modules that serve paths with `proxy: true`, the monitor performs the calls
// itself. An open gives the tracee a placeholder fd at a high number (a duplicate of a
// per-process /dev/null template) while the monitor keeps the real file; calls on that fd are
// re-issued by the monitor on the real file, the data moving through tracee memory in
// ptrace-multi batches, or in the kernel (copy_file_range, sendfile, splice against an fd of
// the tracee's obtained with pidfd_getfd).
import { readlinkSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { ERRNO, pinnedBuffer, syscallNumber } from '@umview/ptrace-core';
import { SyscallFilter, type SyscallCall, type SyscallReturn } from '@umview/sysvm';
import type { TraceeIO } from '@umview/ptrace-multi';
import type { PathRewriter } from '../monitor/path-rewriter.js';
import type { ProcessState } from '../monitor/process-table.js';
import type { PathTranslator } from '../paths/translator.js';
import { settleCwd } from '../monitor/cwd.js';
import { CREATING_CALLS, FD_CALLS, PATH_CALLS, type ArgSpec } from './call-specs.js';
import type { FdLayout } from './fd-limits.js';
import { copyWait, waitInTracee } from './copy-wait.js';
import { cString, sys, withUmask } from './host-syscalls.js';
import { OpenFile } from './open-file.js';
import { emptyProxyStats, type ProxyStats } from './proxy-stats.js';
import { nrOf, reissue, type ReissuePlan } from './reissue.js';
import { READ_VECTORS, WRITE_VECTORS, vectorIO } from './vector-io.js';

const AT_FDCWD = -100;
const O_CLOEXEC = 0o2000000;
const O_RDWR = 2;
const O_CREAT = 0o100;
const O_WRONLY = 1;
const O_TRUNC = 0o1000;
const F_DUPFD = 0;
const F_GETFD = 1;
const F_SETFD = 2;
const F_GETLK = 5;
const F_SETLK = 6;
const F_SETLKW = 7;
const F_OFD_GETLK = 36;
const F_DUPFD_CLOEXEC = 1030;
const FD_CLOEXEC = 1;
const CLOSE_RANGE_CLOEXEC = 4;
const FLOCK_SIZE = 32;
const OPEN_HOW_MAX = 24;
const AT_EMPTY_PATH = 0x1000;
const PROC_FD_LINK = /^(?:\/proc\/(self|thread-self|\d+)|\/dev)\/fd\/(\d+)(\/.*)?$/;

/** Calls whose first argument is an fd the filter must test against the threshold. */
export const FD0_CALLS = [...Object.keys(FD_CALLS), ...READ_VECTORS, ...WRITE_VECTORS, 'close', 'fcntl', 'dup', 'fchdir'];
/** Calls that stop always when a proxy module is active (two fd arguments, or ranges). */
export const ALWAYS_CALLS = ['dup2', 'dup3', 'close_range', 'copy_file_range', 'sendfile', 'splice'];

export interface CallHooks {
  /** Asks for the call's return and runs `hook` there; `abandon` runs instead if the thread
   * dies (or execs) before it returns. */
  expectReturn(call: SyscallCall, hook: (ret: SyscallReturn) => void, abandon?: () => void): void;
  /** The traced process a pid or tid belongs to (for another tracee's /proc/<pid>/fd/N). */
  traced(pid: number): ProcessState | undefined;
}

export class ProxyService {
  readonly stats: ProxyStats = emptyProxyStats();

  constructor(
    private readonly translator: PathTranslator,
    private readonly rewriter: PathRewriter,
    private readonly layout: FdLayout,
    private readonly ioOf: (call: SyscallCall) => TraceeIO,
    private readonly hooks: CallHooks,
  ) {}

  /** The syscalls a proxy needs to stop (on top of the path calls). */
  addToFilter(filter: SyscallFilter): SyscallFilter {
    return filter
      .traceWhenFdAtLeast(FD0_CALLS.filter(known), 0, this.layout.threshold)
      .traceWhenFdAtLeast(['mmap'], 4, this.layout.threshold)
      .trace(ALWAYS_CALLS.filter(known));
  }

  /** Handles the call if it concerns a virtual fd or a proxied path; false otherwise. */
  handle(call: SyscallCall, process: ProcessState): boolean {
    const name = call.name;
    const vfds = process.vfds;
    const fdSpecs = FD_CALLS[name];
    if (fdSpecs) {
      if (!vfds.get(call.int(0))) return false;
      this.reissueOn(call, process, fdSpecs);
      return true;
    }
    if (READ_VECTORS.has(name) || WRITE_VECTORS.has(name)) {
      const entry = vfds.get(call.int(0));
      if (!entry) return false;
      const { result, bytes } = vectorIO(call, entry.file.fd, this.ioOf(call));
      this.stats.proxiedCalls++;
      if (bytes > 0) {
        this.stats.throughMemoryCalls++;
        this.stats.throughMemoryBytes += bytes;
      }
      call.skip(result);
      return true;
    }
    switch (name) {
      case 'open':
      case 'creat':
      case 'openat':
      case 'openat2':
        return this.open(call, process);
      case 'close':
        if (!vfds.get(call.int(0))) return false;
        vfds.close(call.int(0));
        return true; // the placeholder is closed by the kernel (the call runs)
      case 'close_range':
        return this.closeRange(call, process);
      case 'dup':
      case 'dup2':
      case 'dup3':
        return this.dup(call, process);
      case 'fcntl':
        return this.fcntl(call, process);
      case 'mmap':
        return this.mmap(call, process);
      case 'fchdir':
        return this.fchdir(call, process);
      case 'execveat':
        return this.execveat(call, process);
      case 'execve':
        return this.execveOfFdLink(call, process);
      case 'copy_file_range':
        return this.kernelCopy(call, process, [0, 2], [{ kind: 'fd' }, { kind: 'inout', size: { bytes: 8 } }, { kind: 'fd' }, { kind: 'inout', size: { bytes: 8 } }, { kind: 'value' }, { kind: 'value' }]);
      case 'sendfile':
        return this.kernelCopy(call, process, [0, 1], [{ kind: 'fd' }, { kind: 'fd' }, { kind: 'inout', size: { bytes: 8 } }, { kind: 'value' }]);
      case 'splice':
        return this.kernelCopy(call, process, [0, 2], [{ kind: 'fd' }, { kind: 'inout', size: { bytes: 8 } }, { kind: 'fd' }, { kind: 'inout', size: { bytes: 8 } }, { kind: 'value' }, { kind: 'value' }]);
      default:
        return PATH_CALLS[name] ? this.pathCall(call, process, PATH_CALLS[name]!) : false;
    }
  }

  /** A process exec'd: its close-on-exec virtual fds are gone. */
  exec(process: ProcessState): void {
    process.vfds.exec();
  }

  // ---- opens ----

  private open(call: SyscallCall, process: ProcessState): boolean {
    const name = call.name;
    const pathArg = name === 'open' || name === 'creat' ? 0 : 1;
    const dirfd = pathArg === 1 ? call.int(0) : AT_FDCWD;
    let how: Buffer | undefined;
    if (name === 'openat2') {
      // struct open_how { u64 flags, mode, resolve }: kept whole, the RESOLVE_* flags matter.
      try {
        how = copyPinned(this.ioOf(call).read(call.ptr(2), Math.min(call.size(3), OPEN_HOW_MAX)));
      } catch {
        if (!process.vfds.get(dirfd)) return false; // the kernel fails it as natively
        call.skip(-ERRNO.EFAULT);
        return true;
      }
    }
    // RESOLVE_BENEATH, RESOLVE_IN_ROOT... are relative to the directory fd itself: the walk
    // must start at the monitor's real fd on it, not at its path.
    const fromDirfd = how !== undefined && how.length >= 24 && how.readBigUInt64LE(16) !== 0n;
    const target = this.proxied(call, process, pathArg, dirfd, false, fromDirfd);
    if (!target) return false;
    if (isSpecialFile(target.hostPath)) return this.handOver(call, pathArg, target.hostPath);
    let flags: number;
    let mode: number;
    if (name === 'creat') {
      flags = O_CREAT | O_WRONLY | O_TRUNC;
      mode = call.uint(1);
    } else if (how) {
      const size = how.length;
      flags = size >= 8 ? Number(how.readBigUInt64LE(0)) : 0;
      mode = size >= 16 ? Number(how.readBigUInt64LE(8)) : 0;
      if (size >= 8) how.writeBigUInt64LE(BigInt(flags | O_CLOEXEC), 0);
    } else {
      flags = call.int(pathArg + 1);
      mode = call.uint(pathArg + 2);
    }
    const path = cString(target.host);
    const fd = withUmask(CREATING_CALLS.has(name) && (flags & O_CREAT) !== 0 ? process.umask() : undefined, () =>
      how ? sys('openat2', target.dirfd, path, how, how.length) : sys('openat', target.dirfd, path, flags | O_CLOEXEC, mode));
    this.stats.proxiedCalls++;
    if (fd < 0) {
      call.skip(fd);
      return true;
    }
    const file = new OpenFile(fd, target.hostPath, target.guest, flags);
    this.stats.virtualOpens++;
    try {
      this.placeholder(call, process, file, (flags & O_CLOEXEC) !== 0);
    } catch (error) {
      // The tracee died while its placeholder was being made: the real file is nobody's.
      file.retain().release();
      throw error;
    }
    return true;
  }

  /** A FIFO, socket or device is opened by the tracee itself, on its host path (as remap mode
   * does): calls on it may block, and a blocking call must block in the tracee, where signals
   * interrupt it (EINTR, SA_RESTART) as natively and where it holds up no other process. Were
   * the monitor to open it, its open (a FIFO's waits for a writer) and its reads would block
   * the monitor, and with it every tracee: two tracees meeting at a FIFO would wait forever. */
  private handOver(call: SyscallCall, pathArg: number, hostPath: string): boolean {
    call.setArg(pathArg, call.placeString(hostPath));
    if (pathArg === 1) call.setArg(0, AT_FDCWD);
    return true;
  }

  /** Turns the call into fcntl(template, F_DUPFD[_CLOEXEC], threshold): the kernel hands the
   * tracee a fresh placeholder fd as the call's result; its number is learnt at the exit. */
  private placeholder(call: SyscallCall, process: ProcessState, file: OpenFile, cloexec: boolean): void {
    const template = this.template(call, process);
    file.retain(); // held until the exit hook gives it to the table
    call.setNumber(nrOf('fcntl'));
    call.setArg(0, template);
    call.setArg(1, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD);
    call.setArg(2, this.layout.threshold);
    // The hook's reference is dropped whatever happens (the tracee may die in adopt's filter
    // injection): a reference left behind would keep the real file open in the monitor.
    this.hooks.expectReturn(call, (ret) => {
      try {
        const fd = Number(ret.result);
        if (fd >= 0) process.vfds.set(fd, file, cloexec);
      } finally {
        file.release();
      }
    }, () => file.release());
  }

  /** The process's template placeholder, made (or made again, if the program closed or
   * replaced it: closefrom and the like) by injecting openat(/dev/null) + F_DUPFD. */
  private template(call: SyscallCall, process: ProcessState): number {
    const current = process.templateFd;
    if (current !== undefined && isDevNull(process.pid, current)) return current;
    const inject = (nr: number, args: (bigint | number)[]) => Number(call.inject(nr, args));
    const low = inject(nrOf('openat'), [AT_FDCWD, call.placeString('/dev/null'), O_RDWR, 0]);
    if (low < 0) throw new Error(`cannot open /dev/null in the tracee (errno ${-low})`);
    const high = inject(nrOf('fcntl'), [low, F_DUPFD, this.layout.templateBase]);
    inject(nrOf('close'), [low]);
    if (high < 0) throw new Error(`cannot place the template fd (errno ${-high})`);
    process.templateFd = high;
    return high;
  }

  // ---- calls on virtual fds ----

  private reissueOn(call: SyscallCall, process: ProcessState, specs: readonly ArgSpec[]): void {
    const plan: ReissuePlan = {
      realFd: (fd) => process.vfds.get(fd)?.file.fd ?? -ERRNO.EBADF,
      hostPath: () => undefined,
      dirfd: () => AT_FDCWD,
    };
    const { result, bytes } = reissue(call, call.nr, specs, plan, this.ioOf(call));
    this.stats.proxiedCalls++;
    if (bytes > 0) {
      this.stats.throughMemoryCalls++;
      this.stats.throughMemoryBytes += bytes;
    }
    call.skip(result);
  }

  private closeRange(call: SyscallCall, process: ProcessState): boolean {
    const first = call.uint(0);
    const last = call.uint(1);
    if (call.uint(2) & CLOSE_RANGE_CLOEXEC) {
      for (const fd of process.vfds.fdNumbers()) {
        if (fd >= first && fd <= last) process.vfds.get(fd)!.cloexec = true;
      }
    } else {
      process.vfds.closeRange(first, last);
      if (process.templateFd !== undefined && process.templateFd >= first && process.templateFd <= last) process.templateFd = undefined;
    }
    return false; // the kernel closes the placeholders
  }

  /** dup, dup2, dup3 run in the kernel on the placeholders; the table follows at the exit. */
  private dup(call: SyscallCall, process: ProcessState): boolean {
    const old = call.int(0);
    const source = process.vfds.get(old);
    const target = call.name === 'dup' ? undefined : call.int(1);
    if (!source && (target === undefined || !process.vfds.get(target))) {
      if (target !== undefined && target === process.templateFd) process.templateFd = undefined;
      return false;
    }
    const cloexec = call.name === 'dup3' && (call.uint(2) & O_CLOEXEC) !== 0;
    const file = source?.file.retain();
    this.hooks.expectReturn(call, (ret) => {
      try {
        const fd = Number(ret.result);
        if (fd >= 0 && fd !== old) {
          if (file) this.adopt(ret, process, fd, file, cloexec);
          else process.vfds.close(fd);
        }
      } finally {
        file?.release();
      }
    }, () => file?.release());
    return true;
  }

  private fcntl(call: SyscallCall, process: ProcessState): boolean {
    const fd = call.int(0);
    const entry = process.vfds.get(fd);
    if (!entry) return false;
    const cmd = call.int(1);
    switch (cmd) {
      case F_DUPFD:
      case F_DUPFD_CLOEXEC: {
        const file = entry.file.retain();
        this.hooks.expectReturn(call, (ret) => {
          try {
            const newFd = Number(ret.result);
            if (newFd >= 0) this.adopt(ret, process, newFd, file, cmd === F_DUPFD_CLOEXEC);
          } finally {
            file.release();
          }
        }, () => file.release());
        return true;
      }
      case F_GETFD:
        return false; // the placeholder carries the same flag
      case F_SETFD:
        entry.cloexec = (call.uint(2) & FD_CLOEXEC) !== 0;
        return false; // and the kernel sets it on the placeholder too
      case F_GETLK:
      case F_SETLK:
      case F_SETLKW:
      case F_OFD_GETLK:
      case F_OFD_GETLK + 1:
      case F_OFD_GETLK + 2: {
        // Locks are taken on the monitor's open file, so they are open-file-description locks
        // (a classic POSIX lock would belong to the monitor, and never conflict between
        // tracees).
        const ofd = cmd >= F_OFD_GETLK ? cmd : cmd - F_GETLK + F_OFD_GETLK;
        const specs: ArgSpec[] = [{ kind: 'fd' }, { kind: 'value' }, { kind: 'inout', size: { bytes: FLOCK_SIZE } }];
        const plan: ReissuePlan = {
          realFd: () => entry.file.fd, hostPath: () => undefined, dirfd: () => AT_FDCWD,
          value: (arg) => (arg === 1 ? BigInt(ofd) : undefined),
        };
        const { result } = reissue(call, call.nr, specs, plan, this.ioOf(call));
        this.stats.proxiedCalls++;
        call.skip(result);
        return true;
      }
      default:
        this.reissueOn(call, process, [{ kind: 'fd' }, { kind: 'value' }, { kind: 'value' }]);
        return true;
    }
  }

  /** mmap of a virtual fd: the mapping needs a real file in the tracee, so one is opened there
   * for the call (and closed after): the pages map the real file, MAP_SHARED writes reach it. */
  private mmap(call: SyscallCall, process: ProcessState): boolean {
    const entry = process.vfds.get(call.int(4));
    if (!entry) return false;
    const path = call.placeString(entry.file.hostPath);
    const access = entry.file.accessMode === O_WRONLY ? O_RDWR : entry.file.accessMode;
    const real = Number(call.inject(nrOf('openat'), [AT_FDCWD, path, access | O_CLOEXEC, 0]));
    if (real < 0) {
      call.skip(real);
      return true;
    }
    call.setArg(4, real);
    this.hooks.expectReturn(call, (ret) => {
      ret.inject(nrOf('close'), [real]);
    });
    this.stats.proxiedCalls++;
    return true;
  }

  /** execveat relative to a virtual directory fd, or of a virtual fd itself (AT_EMPTY_PATH):
   * the placeholder is /dev/null, so the call becomes an execve of the host path. */
  private execveat(call: SyscallCall, process: ProcessState): boolean {
    const entry = process.vfds.get(call.int(0));
    if (!entry) return false;
    let path: string;
    try {
      path = call.readString(1);
    } catch {
      return false;
    }
    if (path.startsWith('/')) return false;
    const host = path === '' && (call.int(4) & AT_EMPTY_PATH) !== 0 ? entry.file.hostPath : resolvePath(entry.file.hostPath, path);
    call.setNumber(nrOf('execve'));
    call.setArg(0, call.placeString(host));
    call.setArg(1, call.ptr(2));
    call.setArg(2, call.ptr(3));
    this.stats.proxiedCalls++;
    return true;
  }

  /** execve("/proc/self/fd/N") of a virtual fd (glibc's fexecve without execveat): the
   * placeholder would be exec'd, so the call names the real file's host path instead. */
  private execveOfFdLink(call: SyscallCall, process: ProcessState): boolean {
    if (process.vfds.size === 0) return false; // the usual case: no path read here
    let path: string;
    try {
      path = call.readString(0);
    } catch {
      return false;
    }
    const link = this.procFdLink(path, process);
    if (!link) return false;
    call.setArg(0, call.placeString(link.file.hostPath));
    this.stats.proxiedCalls++;
    return true;
  }

  private fchdir(call: SyscallCall, process: ProcessState): boolean {
    const entry = process.vfds.get(call.int(0));
    if (!entry) return false;
    call.setNumber(nrOf('chdir'));
    call.setArg(0, call.placeString(entry.file.hostPath));
    const guest = entry.file.guestPath;
    this.hooks.expectReturn(call, (ret) => {
      if (!ret.isError) settleCwd(process, true, this.translator, guest);
    });
    return true;
  }

  /** copy_file_range, sendfile, splice with a virtual fd on either side: done by the monitor
   * between its real file and a duplicate of the tracee's other fd (pidfd_getfd), so the data
   * never leaves the kernel. */
  private kernelCopy(call: SyscallCall, process: ProcessState, fdArgs: number[], specs: ArgSpec[]): boolean {
    if (!fdArgs.some((i) => process.vfds.get(call.int(i)))) return false;
    // The tracee's own fds of the copy, duplicated into the monitor.
    const borrowed = new Map<number, number>();
    for (const i of fdArgs) {
      const fd = call.int(i);
      if (process.vfds.get(fd) || borrowed.has(fd)) continue;
      const pidfd = process.pidfd(() => sys('pidfd_open', process.pid, 0));
      borrowed.set(fd, sys('pidfd_getfd', pidfd, fd, 0));
    }
    const plan: ReissuePlan = {
      realFd: (fd) => process.vfds.get(fd)?.file.fd ?? (borrowed.get(fd)! >= 0 ? borrowed.get(fd)! : -ERRNO.EBADF),
      hostPath: () => undefined,
      dirfd: () => AT_FDCWD,
    };
    try {
      const wait = copyWait(call, (fd) => borrowed.get(fd));
      if (wait) {
        waitInTracee(call, wait, this.hooks.expectReturn, nrOf('ppoll'));
        this.stats.waitsInTracee++;
        return true;
      }
      const { result } = reissue(call, call.nr, specs, plan, this.ioOf(call));
      this.stats.proxiedCalls++;
      this.stats.inKernelCalls++;
      if (result > 0) this.stats.inKernelBytes += result;
      call.skip(result);
    } finally {
      for (const fd of borrowed.values()) if (fd >= 0) sys('close', fd);
    }
    return true;
  }

  /** A new fd number stands for `file`; below the threshold, the process's filter is grown so
   * that calls on it stop too (dup2 onto stdout). */
  private adopt(ret: SyscallReturn, process: ProcessState, fd: number, file: OpenFile, cloexec: boolean): void {
    process.vfds.set(fd, file, cloexec);
    if (fd < this.layout.threshold && !process.filteredLowFds.has(fd)) {
      process.filteredLowFds.add(fd);
      ret.addFilter(new SyscallFilter().traceWhenFdIn(FD0_CALLS.filter(known), 0, [fd]).traceWhenFdIn(['mmap'], 4, [fd]));
    }
  }

  // ---- path calls ----

  /** A path call performed by the monitor when a path it names is served by a proxy module, or
   * it is relative to a virtual directory fd. */
  private pathCall(call: SyscallCall, process: ProcessState, specs: readonly ArgSpec[]): boolean {
    const hostPaths = new Map<number, string | undefined>();
    const dirfds = new Map<number, number>();
    let proxied = false;
    for (let i = 0; i < specs.length; i++) {
      if (specs[i]!.kind !== 'path') continue;
      const dirIndex = i > 0 && specs[i - 1]!.kind === 'dirfd' ? i - 1 : undefined;
      const dirfd = dirIndex === undefined ? AT_FDCWD : call.int(dirIndex);
      const target = this.proxied(call, process, i, dirfd, true);
      if (target === undefined) return false; // unreadable path: let the kernel fail it
      hostPaths.set(i, target.pointerIsNull ? undefined : target.host);
      if (dirIndex !== undefined) dirfds.set(dirIndex, target.dirfd);
      if (target.served) proxied = true;
    }
    if (!proxied) return false;
    const plan: ReissuePlan = {
      realFd: (fd) => process.vfds.get(fd)?.file.fd ?? fd,
      hostPath: (arg) => hostPaths.get(arg),
      dirfd: (arg) => dirfds.get(arg) ?? AT_FDCWD,
    };
    const { result, bytes } = withUmask(CREATING_CALLS.has(call.name) ? process.umask() : undefined, () =>
      reissue(call, call.nr, specs, plan, this.ioOf(call)));
    this.stats.proxiedCalls++;
    if (bytes > 0) this.stats.throughMemoryBytes += bytes;
    call.skip(result);
    return true;
  }

  /** Where a path argument lands for the monitor: `served` when a proxy module serves it or it
   * is relative to a virtual dirfd; `host` is what the monitor passes (absolute, or relative to
   * `dirfd`, the monitor's real fd). Undefined when the path cannot be read. */
  private proxied(call: SyscallCall, process: ProcessState, arg: number, dirfd: number, anyPath = false, fromDirfd = false):
    { served: boolean; host: string; hostPath: string; guest: string; dirfd: number; pointerIsNull: boolean } | undefined {
    const pointer = call.ptr(arg);
    if (pointer === 0n) {
      // utimensat(fd, NULL, ...) works on the fd itself: served when the fd is virtual.
      if (!anyPath) return undefined;
      return { served: process.vfds.get(dirfd) !== undefined, host: '', hostPath: '', guest: '', dirfd: this.dirfdFor(process, dirfd), pointerIsNull: true };
    }
    let path: string;
    try {
      path = call.io.readCString(pointer, 4096);
    } catch {
      return undefined;
    }
    const magic = this.procFdLink(path, process);
    if (magic) {
      // /proc/self/fd/N of a virtual fd names the placeholder (/dev/null) to the kernel: the
      // monitor's own magic link on the real file takes its place (tar's chmod of an O_PATH fd).
      return { served: true, host: magic.host, hostPath: magic.file.hostPath, guest: magic.file.guestPath, dirfd: AT_FDCWD, pointerIsNull: false };
    }
    const virtualDir = process.vfds.get(dirfd);
    if (virtualDir && path === '') {
      // AT_EMPTY_PATH on a virtual fd: the call is on the monitor's fd itself, not on its path
      // (an O_PATH|O_NOFOLLOW fd names the symlink, its path would name the target).
      const file = virtualDir.file;
      return { served: true, host: '', hostPath: file.hostPath, guest: file.guestPath, dirfd: file.fd, pointerIsNull: false };
    }
    const { guest, host } = this.rewriter.resolve(path, dirfd, process);
    const claim = guest !== undefined ? this.translator.claimOf(guest) : undefined;
    if (host !== undefined && guest !== undefined && claim?.module.proxy && !(fromDirfd && virtualDir && !path.startsWith('/'))) {
      return { served: true, host, hostPath: host, guest, dirfd: AT_FDCWD, pointerIsNull: false };
    }
    if (virtualDir && !path.startsWith('/')) {
      // Relative to a virtual directory: the monitor's own fd on it resolves the rest.
      const joined = `${virtualDir.file.guestPath}/${path}`;
      return { served: true, host: path, hostPath: resolvePath(virtualDir.file.hostPath, path), guest: joined, dirfd: virtualDir.file.fd, pointerIsNull: false };
    }
    if (!anyPath) return undefined;
    // Not served: as the tracee would see it, made absolute against its own cwd.
    const absolute = host ?? (path.startsWith('/') ? path : this.absoluteFor(process, dirfd, path));
    return { served: false, host: absolute, hostPath: absolute, guest: guest ?? absolute, dirfd: AT_FDCWD, pointerIsNull: false };
  }

  /** For `/proc/{self,thread-self,<pid>}/fd/<virtual fd>[/rest]` (or `/dev/fd/...`) of the
   * tracee itself: the monitor's path to the same real file, and that file. */
  private procFdLink(path: string, process: ProcessState): { host: string; file: OpenFile } | undefined {
    const m = PROC_FD_LINK.exec(path);
    if (!m) return undefined;
    const [, who, fd, rest] = m;
    const owner = who === undefined || who === 'self' || who === 'thread-self' ? process : this.hooks.traced(Number(who));
    const file = owner?.vfds.get(Number(fd))?.file;
    return file ? { host: `/proc/self/fd/${file.fd}${rest ?? ''}`, file } : undefined;
  }

  private dirfdFor(process: ProcessState, dirfd: number): number {
    return process.vfds.get(dirfd)?.file.fd ?? dirfd;
  }

  private absoluteFor(process: ProcessState, dirfd: number, path: string): string {
    if (path === '') return path;
    try {
      const base = dirfd === AT_FDCWD ? process.hostCwd() : readlinkSync(`/proc/${process.pid}/fd/${dirfd}`);
      return resolvePath(base, path);
    } catch {
      return path;
    }
  }
}

function known(name: string): boolean {
  return syscallNumber(name) !== undefined;
}

/** True for an existing path that is neither a regular file nor a directory (stat, which
 * never blocks, follows symlinks as the open will). */
function isSpecialFile(path: string): boolean {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st !== undefined && !st.isFile() && !st.isDirectory();
  } catch {
    return false; // ELOOP, EACCES...: the monitor's own open reports it as the kernel would
  }
}

function copyPinned(data: Buffer): Buffer {
  const out = pinnedBuffer(data.length);
  data.copy(out);
  return out;
}

function isDevNull(pid: number, fd: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/fd/${fd}`) === '/dev/null';
  } catch {
    return false;
  }
}
