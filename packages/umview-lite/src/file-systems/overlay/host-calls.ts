// The few host calls node:fs lacks, from glibc through koffi (loaded on first use, as
// ptrace-core loads it): extended attributes, mknod (FIFOs), utimensat with nanosecond times
// (node's utimes takes float seconds, which would not keep a copied-up file's mtime exact, and
// make compares mtimes), and getdents64 on a directory opened with O_NOATIME (node's readdir
// cannot pass it: reading a lower directory must not change its atime). All act on the path
// itself, never following a final symlink.
import { closeSync } from 'node:fs';
import { getKoffi } from '@umview/ptrace-core/internal';
import { errnoName, syscallNumber } from '@umview/ptrace-core';
import { FsError } from '../../vfs/file-system.js';

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
/** Leaves that time as it is (utimensat's tv_nsec). */
const UTIME_OMIT = (1 << 30) - 2;
const XATTR_SIZE_MAX = 65536;

type Call = (...args: unknown[]) => number | bigint;

interface Bindings {
  lgetxattr: Call;
  lsetxattr: Call;
  llistxattr: Call;
  lremovexattr: Call;
  mknod: Call;
  utimensat: Call;
  getdents64: Call;
  errno(): number;
}

let bindings: Bindings | undefined;

function libc(): Bindings {
  if (bindings) return bindings;
  const koffi = getKoffi();
  const lib = koffi.load('libc.so.6');
  const fn = (decl: string): Call => lib.func(decl) as unknown as Call;
  bindings = {
    lgetxattr: fn('long lgetxattr(const char *path, const char *name, void *value, size_t size)'),
    lsetxattr: fn('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)'),
    llistxattr: fn('long llistxattr(const char *path, void *list, size_t size)'),
    lremovexattr: fn('int lremovexattr(const char *path, const char *name)'),
    mknod: fn('int mknod(const char *path, uint32_t mode, uint64_t dev)'),
    utimensat: fn('int utimensat(int dirfd, const char *path, const void *times, int flags)'),
    getdents64: fn('long syscall(long nr, int fd, void *buffer, unsigned long count)'),
    errno: () => koffi.errno(),
  };
  return bindings;
}

/** Throws the last call's errno as an FsError (Node's fs errors carry `code` the same way). */
function fail(call: string, path: string): never {
  const code = errnoName(libc().errno()) ?? 'EIO';
  throw new FsError(code, `${call} ${path}: ${code}`);
}

function check(result: number | bigint, call: string, path: string): number {
  const n = Number(result);
  if (n < 0) fail(call, path);
  return n;
}

/** The value of xattr `name` of `path` (ENODATA when it has none). */
export function getXattr(path: string, name: string): Uint8Array {
  const buffer = Buffer.alloc(XATTR_SIZE_MAX);
  const length = check(libc().lgetxattr(path, name, buffer, buffer.length), 'lgetxattr', path);
  return buffer.subarray(0, length);
}

export function setXattr(path: string, name: string, value: Uint8Array, flags: number): void {
  check(libc().lsetxattr(path, name, value.length === 0 ? Buffer.alloc(1) : value, value.length, flags), 'lsetxattr', path);
}

/** The names of `path`'s xattrs ([] where the file system has none). */
export function listXattrs(path: string): string[] {
  const size = check(libc().llistxattr(path, null, 0), 'llistxattr', path);
  if (size === 0) return [];
  const buffer = Buffer.alloc(size);
  const length = check(libc().llistxattr(path, buffer, size), 'llistxattr', path);
  return buffer.subarray(0, length).toString('utf8').split('\0').filter((name) => name !== '');
}

export function removeXattr(path: string, name: string): void {
  check(libc().lremovexattr(path, name), 'lremovexattr', path);
}

export function mknod(path: string, mode: number, rdev: number): void {
  check(libc().mknod(path, mode, BigInt(rdev)), 'mknod', path);
}

/** Sets `path`'s times (ns since the epoch; undefined leaves that one), without following a
 * final symlink. */
export function setTimes(path: string, atimeNs: bigint | undefined, mtimeNs: bigint | undefined): void {
  const times = new BigInt64Array(4);
  const put = (slot: number, ns: bigint | undefined): void => {
    if (ns === undefined) {
      times[slot * 2 + 1] = BigInt(UTIME_OMIT);
    } else {
      times[slot * 2] = ns / 1_000_000_000n;
      times[slot * 2 + 1] = ns % 1_000_000_000n;
    }
  };
  put(0, atimeNs);
  put(1, mtimeNs);
  check(libc().utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), 'utimensat', path);
}

const GETDENTS64 = syscallNumber('getdents64')!;
const DIRENT_BUFFER = 64 * 1024;
/** d_type values (DT_*) to the S_IF* type bits. */
const TYPE_BITS = [0, 0o010000, 0o020000, 0, 0o040000, 0, 0o060000, 0, 0o100000, 0, 0o120000, 0, 0o140000];

export interface HostDirectoryEntry {
  readonly name: string;
  /** S_IF* bits; 0 when the file system does not say (DT_UNKNOWN). */
  readonly type: number;
  readonly ino: bigint;
}

/** The entries of the directory `fd` (opened by the caller), '.' and '..' left out. */
export function readDirectory(fd: number, path: string): HostDirectoryEntry[] {
  const entries: HostDirectoryEntry[] = [];
  const buffer = Buffer.alloc(DIRENT_BUFFER);
  try {
    for (;;) {
      const n = check(libc().getdents64(GETDENTS64, fd, buffer, buffer.length), 'getdents64', path);
      if (n === 0) break;
      for (let at = 0; at < n;) {
        const ino = buffer.readBigUInt64LE(at);
        const length = buffer.readUInt16LE(at + 16);
        const type = buffer[at + 18]!;
        const nameEnd = buffer.indexOf(0, at + 19);
        const name = buffer.toString('utf8', at + 19, nameEnd);
        if (name !== '.' && name !== '..') entries.push({ name, type: TYPE_BITS[type] ?? 0, ino });
        at += length;
      }
    }
  } finally {
    closeSync(fd);
  }
  return entries;
}
