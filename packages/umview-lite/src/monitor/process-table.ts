// Per-process state the monitor keeps, by thread group: the guest view of the cwd, directory
// fds opened through served paths, and credentials. Threads share their process's state;
// fork copies it; exec keeps it; the last thread's exit drops it.
import { readlinkSync } from 'node:fs';

export interface DirFd {
  /** The guest path it was opened as. */
  guestPath: string;
  /** The host path it really is, to tell whether the fd number was reused since. */
  hostPath: string;
}

export interface Credentials {
  uid: number;
  gid: number;
}

export class ProcessState {
  /** The cwd as the guest sees it, when it differs from the real one (a served path). */
  guestCwd: string | undefined;
  readonly dirFds = new Map<number, DirFd>();
  /** Live threads of this process. */
  readonly threads = new Set<number>();

  constructor(readonly pid: number, public credentials: Credentials) {}

  /** A copy for a forked child. */
  forkedAs(pid: number): ProcessState {
    const child = new ProcessState(pid, { ...this.credentials });
    child.guestCwd = this.guestCwd;
    for (const [fd, dir] of this.dirFds) child.dirFds.set(fd, { ...dir });
    return child;
  }

  /** The real cwd of the process (from /proc). */
  hostCwd(): string {
    return readlinkSync(`/proc/${this.pid}/cwd`);
  }

  /** The guest view of the cwd. */
  cwd(): string {
    return this.guestCwd ?? this.hostCwd();
  }

  /** The guest path of a directory fd opened through a served path, if it still is that one. */
  dirFd(fd: number): DirFd | undefined {
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
      state = new ProcessState(pid, { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 });
      this.byPid.set(pid, state);
    }
    return state;
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
    if (state.threads.size === 0) this.byPid.delete(pid);
  }

  get size(): number {
    return this.byPid.size;
  }
}
