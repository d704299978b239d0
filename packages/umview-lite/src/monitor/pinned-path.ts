// A path the monitor hands to a system call of its own through koffi: written as a C string
// into a buffer whose address never changes, so that no call allocates or pins anything.
import { getLibc, pinnedBuffer } from '@umview/ptrace-core/internal';
import { PATH_MAX } from '../linux.js';

export class PinnedPath {
  private readonly buffer = pinnedBuffer(PATH_MAX + 1);
  /** Where the string is, for the system call. */
  readonly address = getLibc().address(this.buffer);

  /** Writes `path` (a string, or a tracee's bytes as they are) with its NUL; false when it is
   * too long (the kernel's ENAMETOOLONG). */
  set(path: string | Buffer): boolean {
    let length: number;
    if (typeof path === 'string') length = this.buffer.write(path, 'utf8');
    else {
      if (path.length >= PATH_MAX) return false;
      this.buffer.set(path); // the TypedArray builtin: Buffer's copy() is JavaScript, checks and all
      length = path.length;
    }
    if (length >= PATH_MAX) return false;
    this.buffer[length] = 0;
    return true;
  }
}
