// A process's virtual fds: placeholder fd numbers in the tracee (fds on /dev/null that keep the
// numbers taken) or fast fds (real fds on a backing file: fast-path.ts), each standing for an open file description the monitor keeps: a real file
// (proxy mode: OpenFile) or a file a file-system module serves (vfs/served-file.ts). The table
// itself (dup, fork, close-on-exec, close) does not care which.
import { OpenFile } from './open-file.js';

/** What the monitor keeps for one open file description, shared by every fd that refers to it
 * (dup, fork): counted references, released with the last. */
export interface OpenDescription {
  retain(): this;
  release(): void;
  /** The guest path it was opened as. */
  readonly guestPath: string;
  /** The host path of the real file, when there is one (proxy mode). */
  readonly hostPath: string | undefined;
  /** The open flags the tracee asked for (access mode, O_APPEND...). */
  readonly flags: number;
  /** The tracee's fds on it are real fds on its backing file, not placeholders (fast-path.ts):
   * its data calls run in the kernel. */
  readonly fast: boolean;
}

export interface VirtualFd<F extends OpenDescription = OpenDescription> {
  file: F;
  cloexec: boolean;
}

export class VirtualFdTable {
  private readonly fds = new Map<number, VirtualFd>();

  get(fd: number): VirtualFd | undefined {
    return this.fds.get(fd);
  }

  /** The fd's entry when it stands for a real file the monitor keeps (proxy mode). */
  host(fd: number): VirtualFd<OpenFile> | undefined {
    const entry = this.fds.get(fd);
    return entry !== undefined && entry.file instanceof OpenFile ? (entry as VirtualFd<OpenFile>) : undefined;
  }

  get size(): number {
    return this.fds.size;
  }

  /** Makes `fd` stand for `file` (replacing what it stood for). */
  set(fd: number, file: OpenDescription, cloexec: boolean): void {
    this.close(fd);
    this.fds.set(fd, { file: file.retain(), cloexec });
  }

  close(fd: number): void {
    const entry = this.fds.get(fd);
    if (!entry) return;
    this.fds.delete(fd);
    entry.file.release();
  }

  closeRange(first: number, last: number): void {
    for (const fd of [...this.fds.keys()]) if (fd >= first && fd <= last) this.close(fd);
  }

  /** At exec: close-on-exec fds are gone. */
  exec(): void {
    for (const [fd, entry] of [...this.fds]) if (entry.cloexec) this.close(fd);
  }

  /** A forked child's table: the same open files. */
  fork(): VirtualFdTable {
    const child = new VirtualFdTable();
    for (const [fd, entry] of this.fds) child.set(fd, entry.file, entry.cloexec);
    return child;
  }

  /** The process is gone. */
  clear(): void {
    for (const fd of [...this.fds.keys()]) this.close(fd);
  }

  fdNumbers(): number[] {
    return [...this.fds.keys()];
  }
}
