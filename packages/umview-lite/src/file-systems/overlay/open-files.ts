// The overlay's open files: a host fd on the layer the file was in when it was opened. An open
// for writing (or O_TRUNC) copies the file up first and opens the copy; an open for reading
// opens whichever layer shows the file then and keeps it: a file opened for reading before
// another process's write copies it up goes on reading the lower file, as with overlayfs (the
// two are different files from then on).
import { closeSync, constants, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, readSync, writeSync } from 'node:fs';
import { FsError } from '../../vfs/file-system.js';

const O_ACCMODE = 3;

export class OpenFile {
  constructor(
    /** The host fd; undefined for a directory (the monitor keeps directory cursors). */
    readonly fd: number | undefined,
    readonly writable: boolean,
    readonly readable: boolean,
  ) {}

  read(length: number, position: number): Uint8Array {
    const fd = this.file();
    if (!this.readable) throw new FsError('EBADF');
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buffer, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  }

  write(data: Uint8Array, position: number): number {
    const fd = this.file();
    if (!this.writable) throw new FsError('EBADF');
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
    return done;
  }

  truncate(size: number): void {
    if (!this.writable) throw new FsError('EINVAL'); // ftruncate on a read-only fd
    ftruncateSync(this.file(), size);
  }

  /** fallocate: mode 0 makes the file at least offset + length long; FALLOC_FL_KEEP_SIZE (1)
   * has nothing to do without block allocation to ask for; other modes are not offered. */
  allocate(mode: number, offset: number, length: number): void {
    if (!this.writable) throw new FsError('EBADF');
    if (mode === 1) return;
    if (mode !== 0) throw new FsError('EOPNOTSUPP');
    const fd = this.file();
    if (fstatSync(fd).size < offset + length) ftruncateSync(fd, offset + length);
  }

  sync(datasync: boolean): void {
    if (this.fd === undefined) return;
    if (datasync) fdatasyncSync(this.fd);
    else fsyncSync(this.fd);
  }

  /** The host fd as a backing file, when it is a regular file's. */
  backingFd(): number | undefined {
    return this.fd !== undefined && fstatSync(this.fd).isFile() ? this.fd : undefined;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }

  private file(): number {
    if (this.fd === undefined) throw new FsError('EISDIR');
    return this.fd;
  }
}

/** open(2) flags kept for the host open: the access mode, O_TRUNC and the sync flags. O_CREAT
 * and O_EXCL were decided by the overlay, O_APPEND is the monitor's (it passes the position),
 * O_NONBLOCK and the rest mean nothing for a regular file opened by the monitor. */
export const HOST_OPEN_FLAGS = O_ACCMODE | constants.O_TRUNC | constants.O_DSYNC | constants.O_SYNC;

export function accessOf(flags: number): { readable: boolean; writable: boolean } {
  const mode = flags & O_ACCMODE;
  return { readable: mode !== constants.O_WRONLY, writable: mode !== constants.O_RDONLY };
}
