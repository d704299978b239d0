// What the monitor writes into tracee memory for a served file: struct stat and struct statx
// (sysvm's encoders) from a module's Attributes, with the monitor's defaults for what the
// module leaves out; struct statfs from FileSystemStats.
import { devMajor, devMinor, encodeStat, encodeStatx, STATX, timespecFromNs, type Statx } from '@umview/sysvm';
import { ST_NOSUID, type Attributes, type FileSystemStats } from './file-system.js';
import type { Mount } from './mount.js';
import { isDir } from './walk.js';

const TMPFS_MAGIC = 0x01021994;
const STATFS_SIZE = 120;
/** f_flags is meaningful (the kernel always sets it). */
const ST_VALID = 0x20;

/** The attributes with every default filled in (file-system.ts says which). */
export interface FullAttributes {
  mode: number; size: number; uid: number; gid: number; nlink: number; ino: number; rdev: number;
  atimeNs: bigint; mtimeNs: bigint; ctimeNs: bigint; birthtimeNs: bigint; blocks: number; blksize: number;
}

const ownUid = process.getuid?.() ?? 0;
const ownGid = process.getgid?.() ?? 0;

export function fullAttributes(mount: Mount, path: string, a: Attributes): FullAttributes {
  const born = mount.bornNs;
  return {
    mode: a.mode,
    size: a.size,
    uid: a.uid ?? ownUid,
    gid: a.gid ?? ownGid,
    nlink: a.nlink ?? (isDir(a) ? 2 : 1),
    ino: a.ino ?? mount.inoOf(path),
    rdev: a.rdev ?? 0,
    atimeNs: a.atimeNs ?? born,
    mtimeNs: a.mtimeNs ?? born,
    ctimeNs: a.ctimeNs ?? born,
    birthtimeNs: a.birthtimeNs ?? born,
    blocks: a.blocks ?? Math.ceil(a.size / 512),
    blksize: a.blksize ?? 4096,
  };
}

export function encodeAttributesStat(mount: Mount, f: FullAttributes): Buffer {
  return encodeStat({
    dev: mount.dev, ino: BigInt(f.ino), nlink: BigInt(f.nlink), mode: f.mode, uid: f.uid, gid: f.gid,
    rdev: BigInt(f.rdev), size: BigInt(f.size), blksize: BigInt(f.blksize), blocks: BigInt(f.blocks),
    atime: timespecFromNs(f.atimeNs), mtime: timespecFromNs(f.mtimeNs), ctime: timespecFromNs(f.ctimeNs),
  });
}

const stamp = (ns: bigint): { sec: bigint; nsec: number } => {
  const t = timespecFromNs(ns);
  return { sec: t.sec, nsec: Number(t.nsec) };
};

export function encodeAttributesStatx(mount: Mount, f: FullAttributes): Buffer {
  const rdev = BigInt(f.rdev);
  const value: Statx = {
    mask: STATX.BASIC_STATS | STATX.BTIME, blksize: f.blksize, attributes: 0n, nlink: f.nlink, uid: f.uid, gid: f.gid,
    mode: f.mode, ino: BigInt(f.ino), size: BigInt(f.size), blocks: BigInt(f.blocks), attributesMask: 0n,
    atime: stamp(f.atimeNs), btime: stamp(f.birthtimeNs), ctime: stamp(f.ctimeNs), mtime: stamp(f.mtimeNs),
    rdevMajor: devMajor(rdev), rdevMinor: devMinor(rdev), devMajor: devMajor(mount.dev), devMinor: devMinor(mount.dev),
    mntId: 0n, dioMemAlign: 0, dioOffsetAlign: 0, subvol: 0n, atomicWriteUnitMin: 0, atomicWriteUnitMax: 0,
    atomicWriteSegmentsMax: 0, dioReadOffsetAlign: 0, atomicWriteUnitMaxOpt: 0,
  };
  return encodeStatx(value);
}

/** statfs's answer when the module has no statfs: a large empty file system. */
export const DEFAULT_STATFS: FileSystemStats = { bsize: 4096, blocks: 1 << 24, bfree: 1 << 24, bavail: 1 << 24, files: 1 << 20, ffree: 1 << 20 };

/** struct statfs (x86-64, 120 bytes). */
export function encodeStatfs(mount: Mount, s: FileSystemStats): Buffer {
  const b = Buffer.alloc(STATFS_SIZE);
  const words = [s.type ?? TMPFS_MAGIC, s.bsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree];
  words.forEach((w, i) => b.writeBigInt64LE(BigInt(w), i * 8));
  b.writeUInt32LE(Number(mount.dev & 0xffffffffn), 56); // f_fsid
  b.writeBigInt64LE(BigInt(s.namemax ?? 255), 64);
  b.writeBigInt64LE(BigInt(s.bsize), 72); // f_frsize
  b.writeBigInt64LE(BigInt(ST_VALID | ST_NOSUID | (s.flags ?? 0)), 80); // f_flags
  return b;
}
