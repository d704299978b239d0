// An open file the monitor keeps for the tracees: its own fd on the real file, shared by every
// virtual fd that refers to the same open file description (dup, fork), as the kernel shares
// one description (offset, flags) among the fds that refer to it.
import { closeSync } from 'node:fs';

export class OpenFile {
  private refs = 0;
  /** Never: a host file handed over as a fast fd is the tracee's own, not in the table
   * (fast-path.ts), so every OpenFile in the table stands behind a placeholder. */
  readonly fast = false;

  constructor(
    /** The monitor's fd on the real file. */
    readonly fd: number,
    readonly hostPath: string,
    readonly guestPath: string,
    /** The open flags the tracee asked for (access mode, O_APPEND...). */
    readonly flags: number,
  ) {}

  retain(): this {
    this.refs++;
    return this;
  }

  /** Drops a reference; the real file is closed with the last one. */
  release(): void {
    if (--this.refs === 0) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
  }

  get accessMode(): number {
    return this.flags & 3;
  }
}
