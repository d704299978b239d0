// A process's virtual fds: placeholder fd numbers in the tracee (fds on /dev/null that keep the
// numbers taken), each standing for a real file the monitor keeps.
import type { OpenFile } from './open-file.js';

export interface VirtualFd {
  file: OpenFile;
  cloexec: boolean;
}

export class VirtualFdTable {
  private readonly fds = new Map<number, VirtualFd>();

  get(fd: number): VirtualFd | undefined {
    return this.fds.get(fd);
  }

  get size(): number {
    return this.fds.size;
  }

  /** Makes `fd` stand for `file` (replacing what it stood for). */
  set(fd: number, file: OpenFile, cloexec: boolean): void {
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
