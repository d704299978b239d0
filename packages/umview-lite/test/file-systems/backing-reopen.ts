// What the monitor does with a module's backing fd (FileSystem.backing), done here in process:
// the fd is opened anew through /proc (/proc/self/fd/N here, /proc/<monitor>/fd/N for a traced
// program) with the open's own access mode, and then read and written natively. The kernel
// checks that access mode against the file's inode at the reopen, not against the fd's mode.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** A new open file description on the backing fd's file, as the traced program would get it. */
export function reopen(fd: number, flags = constants.O_RDONLY): number {
  return openSync(`/proc/self/fd/${fd}`, flags);
}

/** Every byte of the file behind `fd`, read natively from a new open of it, 4 KiB at a time
 * (as dd bs=4k would). */
export function readNatively(fd: number): Buffer {
  const own = reopen(fd);
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = Buffer.allocUnsafe(4096);
      const n = readSync(own, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(own);
  }
}

/** The backing's inode, to tell which host file it is. */
export function inodeOf(fd: number): number {
  return fstatSync(fd).ino;
}
