// `struct statx` (linux/stat.h, 256 bytes) with `struct statx_timestamp`, and the conversion
// from Node's `fs.Stats` (bigint) for a monitor that serves statx on files it emulates.
import type { BigIntStats } from 'node:fs';
import { devMajor, devMinor } from './device.js';
import { timespecFromNs } from './timespec.js';
import { checkRange, dataView } from './view.js';

/** `struct statx_timestamp`: unlike timespec, tv_nsec is 32-bit and followed by 4 reserved
 * bytes. */
export interface StatxTimestamp {
  sec: bigint;
  nsec: number;
}

/** `struct statx`, field for field (without the `stx_` prefix). */
export interface Statx {
  /** STATX_* bits of the fields that were filled in. */
  mask: number;
  blksize: number;
  attributes: bigint;
  nlink: number;
  uid: number;
  gid: number;
  mode: number;
  ino: bigint;
  size: bigint;
  blocks: bigint;
  attributesMask: bigint;
  atime: StatxTimestamp;
  btime: StatxTimestamp;
  ctime: StatxTimestamp;
  mtime: StatxTimestamp;
  rdevMajor: number;
  rdevMinor: number;
  devMajor: number;
  devMinor: number;
  mntId: bigint;
  dioMemAlign: number;
  dioOffsetAlign: number;
  subvol: bigint;
  atomicWriteUnitMin: number;
  atomicWriteUnitMax: number;
  atomicWriteSegmentsMax: number;
  dioReadOffsetAlign: number;
  atomicWriteUnitMaxOpt: number;
}

export const STATX_SIZE = 256;
export const STATX_TIMESTAMP_SIZE = 16;

/** STATX_* mask bits (linux/stat.h). */
export const STATX = {
  TYPE: 0x1, MODE: 0x2, NLINK: 0x4, UID: 0x8, GID: 0x10, ATIME: 0x20, MTIME: 0x40,
  CTIME: 0x80, INO: 0x100, SIZE: 0x200, BLOCKS: 0x400, BASIC_STATS: 0x7ff, BTIME: 0x800,
  MNT_ID: 0x1000, DIOALIGN: 0x2000, MNT_ID_UNIQUE: 0x4000, SUBVOL: 0x8000,
  WRITE_ATOMIC: 0x10000, DIO_READ_ALIGN: 0x20000,
} as const;

export const STATX_OFFSETS = {
  mask: 0, blksize: 4, attributes: 8, nlink: 16, uid: 20, gid: 24, mode: 28, ino: 32, size: 40,
  blocks: 48, attributesMask: 56, atime: 64, btime: 80, ctime: 96, mtime: 112, rdevMajor: 128,
  rdevMinor: 132, devMajor: 136, devMinor: 140, mntId: 144, dioMemAlign: 152,
  dioOffsetAlign: 156, subvol: 160, atomicWriteUnitMin: 168, atomicWriteUnitMax: 172,
  atomicWriteSegmentsMax: 176, dioReadOffsetAlign: 180, atomicWriteUnitMaxOpt: 184,
} as const;

export function decodeStatxTimestamp(buf: Uint8Array, offset = 0): StatxTimestamp {
  checkRange(buf, offset, STATX_TIMESTAMP_SIZE, 'struct statx_timestamp');
  const v = dataView(buf);
  return { sec: v.getBigInt64(offset, true), nsec: v.getUint32(offset + 8, true) };
}

export function encodeStatxTimestampInto(buf: Uint8Array, offset: number, value: StatxTimestamp): void {
  checkRange(buf, offset, STATX_TIMESTAMP_SIZE, 'struct statx_timestamp');
  const v = dataView(buf);
  v.setBigInt64(offset, value.sec, true);
  v.setUint32(offset + 8, value.nsec, true);
  v.setInt32(offset + 12, 0, true);
}

export function decodeStatx(buf: Uint8Array, offset = 0): Statx {
  checkRange(buf, offset, STATX_SIZE, 'struct statx');
  const v = dataView(buf);
  const o = STATX_OFFSETS;
  const u16 = (at: number): number => v.getUint16(offset + at, true);
  const u32 = (at: number): number => v.getUint32(offset + at, true);
  const u64 = (at: number): bigint => v.getBigUint64(offset + at, true);
  const ts = (at: number): StatxTimestamp => decodeStatxTimestamp(buf, offset + at);
  return {
    mask: u32(o.mask), blksize: u32(o.blksize), attributes: u64(o.attributes),
    nlink: u32(o.nlink), uid: u32(o.uid), gid: u32(o.gid), mode: u16(o.mode),
    ino: u64(o.ino), size: u64(o.size), blocks: u64(o.blocks), attributesMask: u64(o.attributesMask),
    atime: ts(o.atime), btime: ts(o.btime), ctime: ts(o.ctime), mtime: ts(o.mtime),
    rdevMajor: u32(o.rdevMajor), rdevMinor: u32(o.rdevMinor),
    devMajor: u32(o.devMajor), devMinor: u32(o.devMinor),
    mntId: u64(o.mntId), dioMemAlign: u32(o.dioMemAlign), dioOffsetAlign: u32(o.dioOffsetAlign),
    subvol: u64(o.subvol), atomicWriteUnitMin: u32(o.atomicWriteUnitMin),
    atomicWriteUnitMax: u32(o.atomicWriteUnitMax), atomicWriteSegmentsMax: u32(o.atomicWriteSegmentsMax),
    dioReadOffsetAlign: u32(o.dioReadOffsetAlign), atomicWriteUnitMaxOpt: u32(o.atomicWriteUnitMaxOpt),
  };
}

/** Writes `value` at `offset`; spare and reserved fields are zero, as the kernel leaves them. */
export function encodeStatxInto(buf: Uint8Array, offset: number, value: Statx): void {
  checkRange(buf, offset, STATX_SIZE, 'struct statx');
  buf.fill(0, offset, offset + STATX_SIZE);
  const v = dataView(buf);
  const o = STATX_OFFSETS;
  const u16 = (at: number, x: number): void => v.setUint16(offset + at, x, true);
  const u32 = (at: number, x: number): void => v.setUint32(offset + at, x >>> 0, true);
  const u64 = (at: number, x: bigint): void => v.setBigUint64(offset + at, BigInt.asUintN(64, x), true);
  u32(o.mask, value.mask);
  u32(o.blksize, value.blksize);
  u64(o.attributes, value.attributes);
  u32(o.nlink, value.nlink);
  u32(o.uid, value.uid);
  u32(o.gid, value.gid);
  u16(o.mode, value.mode);
  u64(o.ino, value.ino);
  u64(o.size, value.size);
  u64(o.blocks, value.blocks);
  u64(o.attributesMask, value.attributesMask);
  encodeStatxTimestampInto(buf, offset + o.atime, value.atime);
  encodeStatxTimestampInto(buf, offset + o.btime, value.btime);
  encodeStatxTimestampInto(buf, offset + o.ctime, value.ctime);
  encodeStatxTimestampInto(buf, offset + o.mtime, value.mtime);
  u32(o.rdevMajor, value.rdevMajor);
  u32(o.rdevMinor, value.rdevMinor);
  u32(o.devMajor, value.devMajor);
  u32(o.devMinor, value.devMinor);
  u64(o.mntId, value.mntId);
  u32(o.dioMemAlign, value.dioMemAlign);
  u32(o.dioOffsetAlign, value.dioOffsetAlign);
  u64(o.subvol, value.subvol);
  u32(o.atomicWriteUnitMin, value.atomicWriteUnitMin);
  u32(o.atomicWriteUnitMax, value.atomicWriteUnitMax);
  u32(o.atomicWriteSegmentsMax, value.atomicWriteSegmentsMax);
  u32(o.dioReadOffsetAlign, value.dioReadOffsetAlign);
  u32(o.atomicWriteUnitMaxOpt, value.atomicWriteUnitMaxOpt);
}

export function encodeStatx(value: Statx): Buffer {
  const buf = Buffer.alloc(STATX_SIZE);
  encodeStatxInto(buf, 0, value);
  return buf;
}

export interface StatxFromNodeOptions {
  /** The STATX_* mask to report; default STATX_BASIC_STATS, plus STATX_BTIME when Node knows
   * the birth time (it reports 0 when the filesystem does not). */
  mask?: number;
  /** stx_mnt_id (Node does not report it); with `mask` including STATX_MNT_ID. */
  mntId?: bigint;
  attributes?: bigint;
  attributesMask?: bigint;
}

const timestamp = (ns: bigint): StatxTimestamp => {
  const t = timespecFromNs(ns);
  return { sec: t.sec, nsec: Number(t.nsec) };
};

/** What statx() would return for the file Node stat'ed (`fs.statSync(p, { bigint: true })`).
 * Node's `dev` is glibc makedev(stx_dev_major, stx_dev_minor): major()/minor() undo it. */
export function statxFromNodeStats(stats: BigIntStats, options: StatxFromNodeOptions = {}): Statx {
  const hasBirth = stats.birthtimeNs !== 0n;
  const mask = options.mask ?? (STATX.BASIC_STATS | (hasBirth ? STATX.BTIME : 0));
  return {
    mask,
    blksize: Number(stats.blksize),
    attributes: options.attributes ?? 0n,
    nlink: Number(stats.nlink),
    uid: Number(stats.uid),
    gid: Number(stats.gid),
    mode: Number(stats.mode) & 0xffff,
    ino: stats.ino,
    size: stats.size,
    blocks: stats.blocks,
    attributesMask: options.attributesMask ?? 0n,
    atime: timestamp(stats.atimeNs),
    btime: mask & STATX.BTIME ? timestamp(stats.birthtimeNs) : { sec: 0n, nsec: 0 },
    ctime: timestamp(stats.ctimeNs),
    mtime: timestamp(stats.mtimeNs),
    rdevMajor: devMajor(stats.rdev),
    rdevMinor: devMinor(stats.rdev),
    devMajor: devMajor(stats.dev),
    devMinor: devMinor(stats.dev),
    mntId: options.mntId ?? 0n,
    dioMemAlign: 0,
    dioOffsetAlign: 0,
    subvol: 0n,
    atomicWriteUnitMin: 0,
    atomicWriteUnitMax: 0,
    atomicWriteSegmentsMax: 0,
    dioReadOffsetAlign: 0,
    atomicWriteUnitMaxOpt: 0,
  };
}
