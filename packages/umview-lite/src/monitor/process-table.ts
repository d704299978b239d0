// Per-process state the monitor keeps, by thread group: the guest view of the cwd, directory
// fds opened through served paths, and (proxy modules) virtual fds. Threads share their
// process's state; fork copies it; exec keeps it; the last thread's exit drops it.
import { closeSync, readlinkSync } from 'node:fs';
import { readProcStatusField } from '@umview/ptrace-core/internal';
import { VirtualFdTable } from '../proxy/virtual-fds.js';
import { copyIds, type FakeIds } from '../fake-root/credentials.js';

export interface DirFd {
  /** The guest path it was opened as. */
  guestPath: string;
  /** The host path it really is, to tell whether the fd number was reused since. */
  hostPath: string;
}

export class ProcessState {
  /** The cwd as the guest sees it, when it differs from the real one (a served path). */
  guestCwd: string | undefined;
  readonly dirFds = new Map<number, DirFd>();
  /** Live threads of this process. */
  readonly threads = new Set<number>();
  /** Virtual fds (proxy modules): placeholders in the tracee for files the monitor keeps. */
  vfds = new VirtualFdTable();
  /** The placeholder that new virtual fds are duplicated from (survives exec and fork). */
  templateFd: number | undefined;
  /** Virtual fds below the threshold that an added filter already stops (inherited by
   * children and across exec, like the filter itself): every fd call ('all'), or only those
   * that are not data calls ('meta', for a fast fd: proxy/fast-path.ts). */
  filteredLowFds = new Map<number, 'all' | 'meta'>();
  /** Under a guest root: the guest program the process runs when the monitor started it
   * through the guest's loader (/proc/PID/exe names the loader), and the one its execve in
   * flight will run. */
  guestExe: string | undefined;
  pendingExe: string | undefined;
  /** Under fake root (`-0`): the ids the process believes it has (undefined: root's). */
  fakeIds: FakeIds | undefined;
  /** pidfd of the process, for pidfd_getfd. */
  private pidfdValue: number | undefined;

  constructor(readonly pid: number) {}

  /** A copy for a forked child. */
  forkedAs(pid: number): ProcessState {
    const child = new ProcessState(pid);
    child.guestCwd = this.guestCwd;
    child.guestExe = this.guestExe;
    child.fakeIds = this.fakeIds && copyIds(this.fakeIds);
    for (const [fd, dir] of this.dirFds) child.dirFds.set(fd, { ...dir });
    child.vfds = this.vfds.fork();
    child.templateFd = this.templateFd;
    child.filteredLowFds = new Map(this.filteredLowFds);
    return child;
  }

  /** The process's umask (from /proc; Linux 4.7+). */
  umask(): number | undefined {
    const value = readProcStatusField(this.pid, 'Umask');
    return value !== undefined && /^[0-7]+$/.test(value) ? parseInt(value, 8) : undefined;
  }

  /** A pidfd on the process, opened once. */
  pidfd(open: () => number): number {
    return (this.pidfdValue ??= open());
  }

  /** The process is gone: release what the monitor kept for it. */
  dispose(): void {
    this.vfds.clear();
    if (this.pidfdValue !== undefined && this.pidfdValue >= 0) {
      try {
        closeSync(this.pidfdValue);
      } catch {
        /* closed */
      }
    }
  }

  /** The real cwd of the process (from /proc). */
  hostCwd(): string {
    return readlinkSync(`/proc/${this.pid}/cwd`);
  }

  /** The guest view of the cwd. */
  cwd(): string {
    return this.guestCwd ?? this.hostCwd();
  }

  /** A directory opened through a served path (by the full way or at its stop) is fd `fd`:
   * kept with the host path it really is. */
  followDirFd(fd: number, guestPath: string): void {
    try {
      this.dirFds.set(fd, { guestPath, hostPath: readlinkSync(`/proc/${this.pid}/fd/${fd}`) });
    } catch {
      /* raced with a close */
    }
  }

  /** The guest path of a directory fd opened through a served path, if it still is that one
   * (a virtual fd of a proxy module, or a real fd opened through a remapped path). */
  dirFd(fd: number): DirFd | undefined {
    const virtual = this.vfds.get(fd);
    if (virtual) return { guestPath: virtual.file.guestPath, hostPath: virtual.file.hostPath ?? virtual.file.guestPath };
    const dir = this.dirFds.get(fd);
    if (!dir) return undefined;
    try {
      if (readlinkSync(`/proc/${this.pid}/fd/${fd}`) === dir.hostPath) return dir;
    } catch {
      /* closed */
    }
    this.dirFds.delete(fd);
    return undefined;
  }
}

export class ProcessTable {
  private readonly byPid = new Map<number, ProcessState>();

  get(pid: number): ProcessState {
    let state = this.byPid.get(pid);
    if (!state) {
      state = new ProcessState(pid);
      this.byPid.set(pid, state);
    }
    return state;
  }

  /** The traced process that `pid` (a process or one of its threads) belongs to, if any. */
  find(pid: number): ProcessState | undefined {
    const state = this.byPid.get(pid);
    if (state) return state;
    for (const candidate of this.byPid.values()) if (candidate.threads.has(pid)) return candidate;
    return undefined;
  }

  /** A new child process: a copy of its parent's state. */
  fork(parentPid: number, childPid: number): ProcessState {
    const child = this.get(parentPid).forkedAs(childPid);
    this.byPid.set(childPid, child);
    return child;
  }

  addThread(pid: number, tid: number): void {
    this.get(pid).threads.add(tid);
  }

  /** A thread exited; the process's state goes with its last thread. */
  threadExited(pid: number, tid: number): void {
    const state = this.byPid.get(pid);
    if (!state) return;
    state.threads.delete(tid);
    if (state.threads.size === 0) {
      state.dispose();
      this.byPid.delete(pid);
    }
  }

  get size(): number {
    return this.byPid.size;
  }

  /** The processes traced now. */
  pids(): IterableIterator<number> {
    return this.byPid.keys();
  }
}
