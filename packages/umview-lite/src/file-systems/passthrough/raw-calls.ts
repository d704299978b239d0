// The two encodings the passthrough needs for the calls node:fs does not have (utimensat with
// UTIME_OMIT, the xattr calls), in memory the kernel reads and writes.
import { pinnedBuffer } from '@umview/ptrace-core/internal';
import { encodeTimespecInto, timespecFromNs, TIMESPEC_SIZE, UTIME_OMIT } from '@umview/sysvm';

/** utimensat's struct timespec[2]; an undefined time is UTIME_OMIT (left as it is). */
export function utimensTimes(atimeNs: bigint | undefined, mtimeNs: bigint | undefined): Buffer {
  const times = pinnedBuffer(2 * TIMESPEC_SIZE);
  [atimeNs, mtimeNs].forEach((ns, i) => encodeTimespecInto(times, i * TIMESPEC_SIZE, ns === undefined ? { sec: 0n, nsec: UTIME_OMIT } : timespecFromNs(ns)));
  return times;
}

/** listxattr's answer, NUL-terminated names one after the other, as a list. */
export function decodeXattrList(list: Uint8Array): string[] {
  return Buffer.from(list.buffer, list.byteOffset, list.length).toString('utf8').split('\0').filter((name) => name !== '');
}
