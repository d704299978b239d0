// The two encodings the passthrough needs for the calls node:fs does not have (utimensat with
// UTIME_OMIT, the xattr calls), in memory the kernel reads and writes.
import { pinnedBuffer } from '@umview/ptrace-core/internal';
import { encodeTimespecInto, timespecFromNs, TIMESPEC_SIZE, UTIME_NOW, UTIME_OMIT } from '@umview/sysvm';

/** utimensat's struct timespec[2]; an undefined time is UTIME_OMIT (left as it is); `now`:
 * both UTIME_NOW (the kernel's own clock and its rule for setting times to now). */
export function utimensTimes(atimeNs: bigint | undefined, mtimeNs: bigint | undefined, now = false): Buffer {
  const times = pinnedBuffer(2 * TIMESPEC_SIZE);
  [atimeNs, mtimeNs].forEach((ns, i) => encodeTimespecInto(times, i * TIMESPEC_SIZE, now ? { sec: 0n, nsec: UTIME_NOW } : ns === undefined ? { sec: 0n, nsec: UTIME_OMIT } : timespecFromNs(ns)));
  return times;
}

/** listxattr's answer, NUL-terminated names one after the other, as a list. */
export function decodeXattrList(list: Uint8Array): string[] {
  return Buffer.from(list.buffer, list.byteOffset, list.length).toString('utf8').split('\0').filter((name) => name !== '');
}
