// A host directory served through the file-system API: every operation done on the real
// directory, as FUSE's passthrough example does. It is what `unreal,mode=fs` mounts (the whole
// host at /unreal), so that the monitor's file-system layer runs the suites that compare with
// native runs; and the model of a module that keeps its data in host files.
//
// Synchronous node:fs calls: a passthrough has nothing to wait for that a thread pool would
// hide, and a synchronous answer takes the monitor's fast path (no held call). Modes given to
// create, mkdir and mknod are already masked by the caller's umask, so they are applied with the
// monitor's own umask at 0.
import {
  accessSync, chmodSync, closeSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, lchownSync, linkSync, lstatSync,
  mkdirSync, opendirSync, openSync, readSync, readlinkSync, renameSync, rmdirSync, statfsSync, symlinkSync,
  truncateSync, unlinkSync, writeSync, type Dirent,
} from 'node:fs';
import { errnoName } from '@umview/ptrace-core';
import { pinnedBuffer } from '@umview/ptrace-core/internal';
import { AT_FDCWD, O_APPEND, O_CREAT } from '../../linux.js';
import { cString, sys, withUmask } from '../../proxy/host-syscalls.js';
import { FsError, type Attributes, type DirectoryEntry, type FileSystem, type FileSystemStats } from '../../vfs/file-system.js';
import { decodeXattrList, utimensTimes } from './raw-calls.js';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFIFO = 0o010000;
const S_IFSOCK = 0o140000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const AT_SYMLINK_NOFOLLOW = 0x100;
const XATTR_SIZE_MAX = 65536;

/** Serves the host directory `root` (its '/' is `root`). */
export function passthrough(root: string): FileSystem {
  const host = (path: string): string => (root === '/' ? path : path === '/' ? root : `${root}${path}`);
  const raw = (result: number): number => {
    if (result < 0) throw new FsError(errnoName(-result));
    return result;
  };
  return {
    getattr(path): Attributes {
      const st = lstatSync(host(path), { bigint: true });
      return {
        mode: Number(st.mode), size: Number(st.size), uid: Number(st.uid), gid: Number(st.gid), nlink: Number(st.nlink),
        ino: Number(st.ino), rdev: Number(st.rdev), blocks: Number(st.blocks), blksize: Number(st.blksize),
        atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, birthtimeNs: st.birthtimeNs,
      };
    },
    readlink: (path) => readlinkSync(host(path)),
    readdir(path): DirectoryEntry[] {
      // In the directory's own order (getdents'), as a native listing sees it: du and tar keep
      // the first name of a hard-linked file they meet (readdirSync sorts the names).
      const dir = opendirSync(host(path));
      const entries: DirectoryEntry[] = [];
      try {
        for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) entries.push({ name: entry.name, mode: typeBits(entry) });
      } finally {
        dir.closeSync();
      }
      return entries;
    },
    // O_APPEND is the monitor's to apply: it gives every write its position (the file's size).
    open: (path, flags) => openSync(host(path), flags & ~(O_APPEND | O_CREAT)),
    create: (path, flags, mode) => withUmask(0, () => openSync(host(path), (flags & ~O_APPEND) | O_CREAT, mode)),
    read(_path, handle, length, position): Uint8Array {
      const buffer = Buffer.allocUnsafe(length);
      return buffer.subarray(0, readSync(handle as number, buffer, 0, length, position));
    },
    write: (_path, handle, data, position) => writeSync(handle as number, data, 0, data.length, position),
    // The fast data path: the open's own host fd is the file (see FileSystem.backing). Its access
    // mode does not matter: the monitor reopens it through /proc with the traced program's mode,
    // and the kernel checks that mode against the inode then. Something that is no longer a
    // regular file (replaced on the host since the lookup) is served call by call.
    backing: (_path, handle) => (fstatSync(handle as number).isFile() ? (handle as number) : undefined),
    release: (_path, handle) => closeSync(handle as number),
    fsync: (_path, handle, datasync) => (datasync ? fdatasyncSync : fsyncSync)(handle as number),
    truncate: (path, size, handle) => (handle === undefined ? truncateSync(host(path), size) : ftruncateSync(handle as number, size)),
    fallocate: (_path, handle, mode, offset, length) => void raw(sys('fallocate', handle as number, mode, offset, length)),
    mkdir: (path, mode) => withUmask(0, () => void mkdirSync(host(path), mode)),
    rmdir: (path) => rmdirSync(host(path)),
    unlink: (path) => unlinkSync(host(path)),
    rename: (from, to, flags) => (flags === 0
      ? renameSync(host(from), host(to))
      : void raw(sys('renameat2', AT_FDCWD, cString(host(from)), AT_FDCWD, cString(host(to)), flags))),
    link: (existing, path) => linkSync(host(existing), host(path)),
    symlink: (target, path) => symlinkSync(target, host(path)),
    mknod: (path, mode, rdev) => withUmask(0, () => void raw(sys('mknodat', AT_FDCWD, cString(host(path)), mode, rdev))),
    chmod: (path, mode) => chmodSync(host(path), mode),
    chown: (path, uid, gid) => lchownSync(host(path), uid, gid),
    utimens: (path, atimeNs, mtimeNs, _caller, now) => void raw(sys('utimensat', AT_FDCWD, cString(host(path)), utimensTimes(atimeNs, mtimeNs, now), AT_SYMLINK_NOFOLLOW)),
    access: (path, mode) => accessSync(host(path), mode),
    statfs(path): FileSystemStats {
      const st = statfsSync(host(path));
      return { bsize: st.bsize, blocks: st.blocks, bfree: st.bfree, bavail: st.bavail, files: st.files, ffree: st.ffree, type: st.type };
    },
    getxattr(path, name): Uint8Array {
      const value = pinnedBuffer(XATTR_SIZE_MAX);
      return value.subarray(0, raw(sys('lgetxattr', cString(host(path)), cString(name), value, value.length)));
    },
    setxattr(path, name, value, flags): void {
      const copy = pinnedBuffer(value.length);
      copy.set(value);
      raw(sys('lsetxattr', cString(host(path)), cString(name), copy, value.length, flags));
    },
    listxattr(path): string[] {
      const list = pinnedBuffer(XATTR_SIZE_MAX);
      return decodeXattrList(list.subarray(0, raw(sys('llistxattr', cString(host(path)), list, list.length))));
    },
    removexattr: (path, name) => void raw(sys('lremovexattr', cString(host(path)), cString(name))),
  };
}

function typeBits(entry: Dirent): number | undefined {
  if (entry.isFile()) return S_IFREG;
  if (entry.isDirectory()) return S_IFDIR;
  if (entry.isSymbolicLink()) return S_IFLNK;
  if (entry.isFIFO()) return S_IFIFO;
  if (entry.isSocket()) return S_IFSOCK;
  if (entry.isCharacterDevice()) return S_IFCHR;
  if (entry.isBlockDevice()) return S_IFBLK;
  return undefined;
}
