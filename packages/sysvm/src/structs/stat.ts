// x86-64 `struct stat` (asm/stat.h, 144 bytes), as fstat/stat/lstat/newfstatat fill it, and
// the conversion from Node's `fs.Stats` (bigint) for a monitor that serves fstat on files it
// emulates.
import type { BigIntStats } from 'node:fs';
import { timespecFromNs, type Timespec } from './timespec.js';
import { checkRange, dataView } from './view.js';

/** The kernel's `struct stat` for x86-64, field for field (without the `st_` prefix). */
export interface KernelStat {
  /** Device of the file, in the 64-bit `makeDev()` encoding. */
  dev: bigint;
  ino: bigint;
  nlink: bigint;
  /** Type and permission bits (S_IFMT | 07777). */
  mode: number;
  uid: number;
  gid: number;
  /** Device a character/block special file stands for (`makeDev()` encoding). */
  rdev: bigint;
  size: bigint;
  blksize: bigint;
  /** Number of 512-byte blocks allocated. */
  blocks: bigint;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
}

export const STAT_SIZE = 144;

/** Byte offsets of the fields (for tests and for code that patches one field in place). */
export const STAT_OFFSETS = {
  dev: 0, ino: 8, nlink: 16, mode: 24, uid: 28, gid: 32, pad0: 36, rdev: 40, size: 48,
  blksize: 56, blocks: 64, atime: 72, mtime: 88, ctime: 104, unused: 120,
} as const;

export function decodeStat(buf: Uint8Array, offset = 0): KernelStat {
  checkRange(buf, offset, STAT_SIZE, 'struct stat');
  const v = dataView(buf);
  const u64 = (at: number): bigint => v.getBigUint64(offset + at, true);
  const s64 = (at: number): bigint => v.getBigInt64(offset + at, true);
  const u32 = (at: number): number => v.getUint32(offset + at, true);
  // Times are declared __kernel_ulong_t but hold a signed time64_t (dates before 1970).
  const time = (at: number): Timespec => ({ sec: s64(at), nsec: u64(at + 8) });
  const o = STAT_OFFSETS;
  return {
    dev: u64(o.dev), ino: u64(o.ino), nlink: u64(o.nlink),
    mode: u32(o.mode), uid: u32(o.uid), gid: u32(o.gid),
    rdev: u64(o.rdev), size: s64(o.size), blksize: s64(o.blksize), blocks: s64(o.blocks),
    atime: time(o.atime), mtime: time(o.mtime), ctime: time(o.ctime),
  };
}

/** Writes `value` at `offset`, zeroing the padding and unused words as the kernel does
 * (cp_new_stat() clears the whole struct first). */
export function encodeStatInto(buf: Uint8Array, offset: number, value: KernelStat): void {
  checkRange(buf, offset, STAT_SIZE, 'struct stat');
  buf.fill(0, offset, offset + STAT_SIZE);
  const v = dataView(buf);
  const u64 = (at: number, x: bigint): void => v.setBigUint64(offset + at, BigInt.asUintN(64, x), true);
  const u32 = (at: number, x: number): void => v.setUint32(offset + at, x >>> 0, true);
  const time = (at: number, t: Timespec): void => { u64(at, t.sec); u64(at + 8, t.nsec); };
  const o = STAT_OFFSETS;
  u64(o.dev, value.dev);
  u64(o.ino, value.ino);
  u64(o.nlink, value.nlink);
  u32(o.mode, value.mode);
  u32(o.uid, value.uid);
  u32(o.gid, value.gid);
  u64(o.rdev, value.rdev);
  u64(o.size, value.size);
  u64(o.blksize, value.blksize);
  u64(o.blocks, value.blocks);
  time(o.atime, value.atime);
  time(o.mtime, value.mtime);
  time(o.ctime, value.ctime);
}

export function encodeStat(value: KernelStat): Buffer {
  const buf = Buffer.alloc(STAT_SIZE);
  encodeStatInto(buf, 0, value);
  return buf;
}

/** What fstat() would return for the file Node stat'ed (`fs.statSync(p, { bigint: true })`).
 * Node's `dev`/`rdev` are glibc makedev() values, the same encoding as st_dev/st_rdev. */
export function statFromNodeStats(stats: BigIntStats): KernelStat {
  return {
    dev: stats.dev,
    ino: stats.ino,
    nlink: stats.nlink,
    mode: Number(stats.mode),
    uid: Number(stats.uid),
    gid: Number(stats.gid),
    rdev: stats.rdev,
    size: stats.size,
    blksize: stats.blksize,
    blocks: stats.blocks,
    atime: timespecFromNs(stats.atimeNs),
    mtime: timespecFromNs(stats.mtimeNs),
    ctime: timespecFromNs(stats.ctimeNs),
  };
}
