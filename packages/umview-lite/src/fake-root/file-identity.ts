// A host file's identity (device and inode) as the metadata store keys it, from the monitor's
// own stat of a path (monitor/monitor-stat.ts) or from the stat buffers a tracee's stat calls
// fill (struct stat and struct statx, x86-64): the same key whichever way it was read.
import type { FileKey } from './metadata-store.js';

export interface FileIdentity {
  readonly key: FileKey;
  readonly nlink: number;
  readonly isDirectory: boolean;
  /** Its owner on the host. */
  readonly uid: number;
}

/** glibc's gnu_dev_major/minor of a dev_t. */
const major = (dev: bigint): bigint => ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
const minor = (dev: bigint): bigint => (dev & 0xffn) | ((dev >> 12n) & ~0xffn);

export const keyOf = (devMajor: bigint, devMinor: bigint, ino: bigint): FileKey => `${devMajor}:${devMinor}:${ino}`;

/** The identity in a struct stat the monitor filled (monitor/monitor-stat.ts). */
export function identityOfStat(st: Buffer): FileIdentity {
  return { key: STAT.key(st), nlink: Number(st.readBigUInt64LE(16)), isDirectory: (st.readUInt32LE(24) & 0o170000) === 0o040000, uid: st.readUInt32LE(28) };
}

/** Where a stat call's buffer holds what fake root reads and patches. */
export interface StatLayout {
  /** Bytes to read from the buffer's start to have every field below. */
  readonly size: number;
  key(b: Buffer): FileKey;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
  /** The mode's width in bytes (statx's is 16 bits). */
  readonly modeSize: 2 | 4;
  writeRdev(b: Buffer, rdevMajor: number, rdevMinor: number): void;
}

/** struct stat: st_dev 0, st_ino 8, st_mode 24, st_uid 28, st_gid 32, st_rdev 40. */
export const STAT: StatLayout = {
  size: 48,
  key: (b) => {
    const dev = b.readBigUInt64LE(0);
    return keyOf(major(dev), minor(dev), b.readBigUInt64LE(8));
  },
  uid: 28, gid: 32, mode: 24, modeSize: 4,
  writeRdev: (b, ma, mi) => b.writeBigUInt64LE(makedev(BigInt(ma), BigInt(mi)), 40),
};

/** struct statx: stx_uid 20, stx_gid 24, stx_mode 28, stx_ino 32, stx_rdev_* 128, stx_dev_* 136. */
export const STATX: StatLayout = {
  size: 144,
  key: (b) => keyOf(BigInt(b.readUInt32LE(136)), BigInt(b.readUInt32LE(140)), b.readBigUInt64LE(32)),
  uid: 20, gid: 24, mode: 28, modeSize: 2,
  writeRdev: (b, ma, mi) => {
    b.writeUInt32LE(ma, 128);
    b.writeUInt32LE(mi, 132);
  },
};

/** glibc's gnu_dev_makedev. */
export function makedev(ma: bigint, mi: bigint): bigint {
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

/** The major and minor numbers of a device number as mknod takes it (a dev_t). */
export function splitDev(dev: bigint): [number, number] {
  return [Number(major(dev)), Number(minor(dev))];
}
