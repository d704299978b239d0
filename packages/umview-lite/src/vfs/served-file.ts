// An open file description of a file a module serves: the module's handle, the open flags, the
// offset (shared by every fd on it: dup, fork), a directory's listing for getdents64. It lives
// in the processes' virtual fd tables (proxy/virtual-fds.ts) as a proxied real file does; the
// last reference released calls the module's `release`.
import type { OpenDescription } from '../proxy/virtual-fds.js';
import type { DirectoryEntry, FileHandle } from './file-system.js';
import { isPromise } from './maybe.js';
import type { Mount } from './mount.js';

export class ServedFile implements OpenDescription {
  private refs = 0;
  /** Bytes from the start (a directory: the index of the next entry of `listing`). */
  offset = 0;
  /** A directory's entries ('.', '..' first), read at the first getdents64 after an open or
   * a rewind to 0. */
  listing: readonly DirectoryEntry[] | undefined;
  readonly hostPath = undefined;
  fast = false;

  constructor(
    readonly mount: Mount,
    /** The path within the mount. */
    readonly path: string,
    readonly guestPath: string,
    /** open(2)'s flags; F_SETFL changes O_APPEND (and O_NONBLOCK, which means nothing here). */
    public flags: number,
    readonly handle: FileHandle,
    /** The file's type bits (S_IFDIR...), as the open found it. */
    readonly type: number,
    /** Reports a module's failure in release (no call is there to fail). */
    private readonly log: (message: string) => void,
    /** O_PATH: no handle was opened, nothing to release. */
    readonly pathOnly = false,
    /** The module's open (or create) gave `handle`: its release is owed at the last close. A
     * directory, or a file system without open, was never opened. */
    private readonly opened = true,
  ) {}

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs !== 0) return;
    this.mount.locks.releaseOwner(this); // its flock and OFD locks
    if (this.pathOnly || !this.opened || !this.mount.fs.release) return;
    try {
      const done = this.mount.fs.release(this.path, this.handle);
      if (isPromise(done)) done.catch((error: unknown) => this.log(`umview-lite: module ${this.mount.name}: release of ${this.path}: ${String(error)}`));
    } catch (error) {
      this.log(`umview-lite: module ${this.mount.name}: release of ${this.path}: ${String(error)}`);
    }
  }

  get accessMode(): number {
    return this.flags & 3;
  }
}
