// The tmpfs file system: the FileSystem operations over an InodeTree, with the kernel's rules
// for each (permissions against the Caller, errnos in the kernel's order, times as POSIX and
// `relatime` set them, the size limit). Open files hold their inode, so an unlinked file stays
// readable and keeps its space until its last release. A regular file's bytes are in Buffers
// (file-data.ts), or while it is open in a kernel file that the traced program reads and writes
// directly (FileSystem.backing; backing-file.ts, and backing-pool.ts for when).
import { constants } from 'node:fs';
import {
  FsError,
  type Attributes,
  type Caller,
  type DirectoryEntry,
  type FileHandle,
  type FileSystem,
  type FileSystemStats,
} from '../../vfs/file-system.js';
import { BackingPool, type BackingPolicy } from './backing-pool.js';
import { nowNs } from './clock.js';
import { Inode, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, S_ISGID, S_ISUID, S_IXGRP } from './inode.js';
import { InodeTree, type Parent } from './inode-tree.js';
import { R_OK, W_OK, X_OK, allowed, check, checkSticky, inGroup, isOwner } from './permissions.js';
import { rename } from './rename.js';
import { PAGE_SIZE, SpaceAccount } from './space.js';
import { getXattr, listXattrs, removeXattr, setXattr } from './xattrs.js';

const { O_RDONLY, O_WRONLY, O_RDWR, O_TRUNC, O_DIRECTORY, O_EXCL } = constants;
const O_ACCMODE = 3;
const O_PATH = 0o10000000;
const FALLOC_FL_KEEP_SIZE = 1;
const TMPFS_MAGIC = 0x01021994;
const PATH_MAX = 4096;
/** Offsets are JavaScript numbers: exact up to 2^53 (the kernel's limit is 2^63 - 1). */
const MAX_FILE_SIZE = Number.MAX_SAFE_INTEGER;

/** What `open` and `create` give back: the inode itself (it outlives its names) and how it was
 * opened. */
export class OpenFile {
  /** It was given the inode's backing file (counted in inode.unprivilegedWriters if so). */
  backed = false;

  constructor(
    readonly inode: Inode,
    readonly flags: number,
    /** Who opened it (root when unknown). */
    readonly uid = 0,
  ) {}

  get readable(): boolean {
    return (this.flags & O_ACCMODE) !== O_WRONLY && !(this.flags & O_PATH);
  }

  get writable(): boolean {
    const mode = this.flags & O_ACCMODE;
    return (mode === O_WRONLY || mode === O_RDWR) && !(this.flags & O_PATH);
  }
}

export interface TmpfsSettings {
  /** Pages (4 KiB) the data may take; Infinity for no limit. */
  readonly maxPages: number;
  readonly maxInodes: number;
  readonly rootMode: number;
  readonly rootUid: number;
  readonly rootGid: number;
  /** Overrides of backing-pool.ts's policy (tests, a monitor's own budget). */
  readonly backing?: Partial<BackingPolicy>;
}

/** A non-root writer (or truncater) of a file drops its set-user-ID bit, and its set-group-ID
 * bit when group-executable (file_remove_privs). */
function dropPrivileges(inode: Inode, caller: Caller): void {
  if (caller.uid === 0 || !(inode.mode & (S_ISUID | S_ISGID))) return;
  inode.dropSetIdBits();
}

export class TmpfsFileSystem implements FileSystem {
  readonly space: SpaceAccount;
  readonly tree: InodeTree;
  readonly backings: BackingPool;

  constructor(settings: TmpfsSettings) {
    this.space = new SpaceAccount(settings.maxPages, settings.maxInodes);
    this.tree = new InodeTree(this.space, { mode: settings.rootMode, uid: settings.rootUid, gid: settings.rootGid });
    this.backings = new BackingPool(this.space, settings.backing);
    this.tree.onFree = (inode) => this.backings.forget(inode);
  }

  getattr(path: string, caller: Caller): Attributes {
    return this.tree.lookup(path, caller).attributes();
  }

  readlink(path: string, caller: Caller): string {
    const inode = this.tree.lookup(path, caller);
    if (inode.target === undefined) throw new FsError('EINVAL');
    inode.accessed();
    return inode.target;
  }

  readdir(path: string, caller: Caller): DirectoryEntry[] {
    const inode = this.tree.lookup(path, caller);
    if (!inode.entries) throw new FsError('ENOTDIR');
    check(inode, R_OK, caller);
    inode.accessed();
    const list: DirectoryEntry[] = [];
    for (const [name, entry] of inode.entries) list.push({ name, mode: entry.type, ino: entry.ino });
    return list.reverse();
  }

  open(path: string, flags: number, caller: Caller): FileHandle {
    return this.openInode(this.tree.lookup(path, caller), flags, caller);
  }

  create(path: string, flags: number, mode: number, caller: Caller): FileHandle {
    const parent = this.tree.parent(path, caller);
    if (parent.entry) {
      if (flags & O_EXCL) throw new FsError('EEXIST');
      return this.openInode(parent.entry, flags, caller);
    }
    const inode = this.add(parent, S_IFREG | (mode & 0o7777), caller);
    // A file just created is opened whatever its mode says (FMODE_CREATED).
    inode.openCount++;
    return new OpenFile(inode, flags, caller.uid);
  }

  read(path: string, handle: FileHandle, length: number, position: number, caller: Caller): Uint8Array {
    const file = this.handleOf(path, handle, caller);
    if (!file.readable) throw new FsError('EBADF');
    const inode = file.inode;
    if (inode.isDirectory) throw new FsError('EISDIR');
    const content = inode.content;
    if (!content) throw new FsError('EINVAL');
    if (position < 0) throw new FsError('EINVAL');
    inode.sync();
    inode.accessed();
    return content.read(position, length);
  }

  write(path: string, handle: FileHandle, data: Uint8Array, position: number, caller: Caller): number {
    const file = this.handleOf(path, handle, caller);
    if (!file.writable) throw new FsError('EBADF');
    const inode = file.inode;
    const content = inode.content;
    if (!content) throw new FsError('EINVAL');
    if (position < 0) throw new FsError('EINVAL');
    if (data.length === 0) return 0;
    if (position + data.length > MAX_FILE_SIZE) throw new FsError('EFBIG');
    inode.sync();
    const written = content.write(data, position);
    dropPrivileges(inode, caller);
    inode.modified();
    return written;
  }

  /** The inode's backing file for this open, when backing-pool.ts's policy gives one. */
  backing(_path: string, handle: FileHandle): number | undefined {
    if (!(handle instanceof OpenFile) || !handle.inode.data || handle.flags & O_PATH) return undefined;
    if (handle.backed) return handle.inode.backing?.fd; // asked again for the same open
    const fd = this.backings.acquire(handle.inode, handle.writable);
    if (fd === undefined) return undefined;
    handle.backed = true;
    if (handle.writable && handle.uid !== 0) handle.inode.unprivilegedWriters++;
    return fd;
  }

  release(_path: string, handle: FileHandle): void {
    if (!(handle instanceof OpenFile)) return;
    const inode = handle.inode;
    if (handle.backed) {
      // What it wrote last is taken in (and set-id bits dropped) while it still counts.
      inode.sync();
      if (handle.writable && handle.uid !== 0) inode.unprivilegedWriters--;
    }
    inode.openCount--;
    if (inode.openCount === 0 && inode.nlink > 0) this.backings.lastReleased(inode);
    this.tree.release(inode);
  }

  flush(): void {}

  fsync(): void {}

  truncate(path: string, size: number, handle: FileHandle | undefined, caller: Caller): void {
    let inode: Inode;
    if (handle instanceof OpenFile) {
      inode = handle.inode;
      if (!handle.writable) throw new FsError('EINVAL');
    } else {
      inode = this.tree.lookup(path, caller);
      if (inode.isDirectory) throw new FsError('EISDIR');
      check(inode, W_OK, caller);
    }
    if (inode.isDirectory) throw new FsError('EISDIR');
    const content = inode.content;
    if (!content) throw new FsError('EINVAL');
    if (size < 0) throw new FsError('EINVAL');
    if (size > MAX_FILE_SIZE) throw new FsError('EFBIG');
    inode.sync();
    content.truncate(size);
    dropPrivileges(inode, caller);
    inode.modified();
  }

  fallocate(path: string, handle: FileHandle, mode: number, offset: number, length: number, caller: Caller): void {
    const file = this.handleOf(path, handle, caller);
    if (mode & ~FALLOC_FL_KEEP_SIZE) throw new FsError('EOPNOTSUPP');
    if (offset < 0 || length <= 0) throw new FsError('EINVAL');
    if (offset + length > MAX_FILE_SIZE) throw new FsError('EFBIG');
    if (!file.writable) throw new FsError('EBADF');
    const inode = file.inode;
    if (inode.isDirectory) throw new FsError('EISDIR');
    const content = inode.content;
    if (!content) throw new FsError('ENODEV');
    // shmem_fallocate refuses up front what can never fit.
    if (Math.ceil((offset + length) / PAGE_SIZE) - Math.floor(offset / PAGE_SIZE) > this.space.maxPages) throw new FsError('ENOSPC');
    inode.sync();
    content.allocate(offset, length, (mode & FALLOC_FL_KEEP_SIZE) !== 0);
    dropPrivileges(inode, caller);
    inode.modified();
  }

  mkdir(path: string, mode: number, caller: Caller): void {
    const parent = this.tree.parent(path, caller);
    // Linux keeps the permission and sticky bits of mkdir's mode; setgid comes from the parent.
    this.add(parent, S_IFDIR | (mode & 0o1777), caller);
    parent.directory.nlink++;
  }

  rmdir(path: string, caller: Caller): void {
    const { directory, name, entry } = this.tree.parent(path, caller);
    if (!entry) throw new FsError('ENOENT');
    this.checkDelete(directory, entry, caller);
    if (!entry.isDirectory) throw new FsError('ENOTDIR');
    if (entry === this.tree.root) throw new FsError('EBUSY');
    if (entry.entries!.size > 0) throw new FsError('ENOTEMPTY');
    directory.entries!.delete(name);
    directory.nlink--;
    directory.modified();
    entry.nlink = 0;
    this.tree.release(entry);
  }

  unlink(path: string, caller: Caller): void {
    const { directory, name, entry } = this.tree.parent(path, caller);
    if (!entry) throw new FsError('ENOENT');
    this.checkDelete(directory, entry, caller);
    if (entry.isDirectory) throw new FsError('EISDIR');
    directory.entries!.delete(name);
    const now = nowNs();
    directory.modified(now);
    entry.nlink--;
    entry.changed(now);
    this.tree.release(entry);
  }

  rename(from: string, to: string, flags: number, caller: Caller): void {
    rename(this.tree, from, to, flags, caller);
  }

  link(existing: string, path: string, caller: Caller): void {
    const inode = this.tree.lookup(existing, caller);
    const parent = this.tree.parent(path, caller);
    if (parent.entry) throw new FsError('EEXIST');
    check(parent.directory, W_OK | X_OK, caller);
    if (inode.isDirectory) throw new FsError('EPERM');
    // fs.protected_hardlinks (on in Debian): only a file one owns, or may read and write and is
    // a plain regular file that gives no privileges, can be linked.
    if (!isOwner(inode, caller)) {
      const privileged = inode.mode & S_ISUID || (inode.mode & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP);
      if (!inode.data || privileged || !allowed(inode, R_OK | W_OK, caller)) throw new FsError('EPERM');
    }
    if (inode.nlink === 0) throw new FsError('ENOENT');
    parent.directory.entries!.set(parent.name, inode);
    const now = nowNs();
    inode.nlink++;
    inode.changed(now);
    parent.directory.modified(now);
  }

  symlink(target: string, path: string, caller: Caller): void {
    const parent = this.tree.parent(path, caller);
    if (target === '') throw new FsError('ENOENT');
    if (Buffer.byteLength(target) >= PATH_MAX) throw new FsError('ENAMETOOLONG');
    this.add(parent, S_IFLNK | 0o777, caller, { target });
  }

  mknod(path: string, mode: number, rdev: number, caller: Caller): void {
    const type = (mode & S_IFMT) || S_IFREG;
    if (![S_IFREG, S_IFIFO, S_IFSOCK, S_IFCHR, S_IFBLK].includes(type)) throw new FsError('EINVAL');
    const parent = this.tree.parent(path, caller);
    if ((type === S_IFCHR || type === S_IFBLK) && caller.uid !== 0) {
      if (parent.entry) throw new FsError('EEXIST');
      throw new FsError('EPERM');
    }
    this.add(parent, type | (mode & 0o7777), caller, type === S_IFCHR || type === S_IFBLK ? { rdev } : {});
  }

  chmod(path: string, mode: number, caller: Caller): void {
    const inode = this.tree.lookup(path, caller);
    if (!isOwner(inode, caller)) throw new FsError('EPERM');
    let bits = mode & 0o7777;
    // Not in the file's group: the setgid bit cannot be given (setattr_copy).
    if (caller.uid !== 0 && !inGroup(caller, inode.gid)) bits &= ~S_ISGID;
    inode.mode = (inode.mode & S_IFMT) | bits;
    inode.changed();
  }

  chown(path: string, uid: number, gid: number, caller: Caller): void {
    const inode = this.tree.lookup(path, caller);
    const newUid = uid === -1 || uid === 0xffffffff ? inode.uid : uid;
    const newGid = gid === -1 || gid === 0xffffffff ? inode.gid : gid;
    if (caller.uid !== 0) {
      // Only root gives a file away; its owner may change its group to its own.
      if (newUid !== inode.uid || caller.uid !== inode.uid) throw new FsError('EPERM');
      if (newGid !== inode.gid && !inGroup(caller, newGid)) throw new FsError('EPERM');
    }
    inode.uid = newUid;
    inode.gid = newGid;
    if (!inode.isDirectory) {
      inode.mode &= ~S_ISUID;
      if (inode.mode & S_IXGRP) inode.mode &= ~S_ISGID;
    }
    inode.changed();
  }

  utimens(path: string, atimeNs: bigint | undefined, mtimeNs: bigint | undefined, caller: Caller, now = false): void {
    const inode = this.tree.lookup(path, caller);
    if (!isOwner(inode, caller)) {
      // Setting both times to now needs write permission; any other time, ownership.
      if (!now) throw new FsError('EPERM');
      check(inode, W_OK, caller);
    }
    if (atimeNs !== undefined) inode.atimeNs = atimeNs;
    if (mtimeNs !== undefined) inode.mtimeNs = mtimeNs;
    inode.changed();
  }

  access(path: string, mode: number, caller: Caller): void {
    const inode = this.tree.lookup(path, caller);
    if (mode & (R_OK | W_OK | X_OK)) check(inode, mode, caller);
  }

  statfs(): FileSystemStats {
    this.backings.syncAll();
    const limited = Number.isFinite(this.space.maxPages);
    const inodesLimited = Number.isFinite(this.space.maxInodes);
    return {
      bsize: PAGE_SIZE,
      blocks: limited ? this.space.maxPages : 0,
      bfree: limited ? this.space.freePages : 0,
      bavail: limited ? this.space.freePages : 0,
      files: inodesLimited ? this.space.maxInodes : 0,
      ffree: inodesLimited ? this.space.maxInodes - this.space.usedInodes : 0,
      namemax: 255,
      type: TMPFS_MAGIC,
    };
  }

  getxattr(path: string, name: string, caller: Caller): Uint8Array {
    return getXattr(this.tree.lookup(path, caller), name, caller);
  }

  setxattr(path: string, name: string, value: Uint8Array, flags: number, caller: Caller): void {
    setXattr(this.tree.lookup(path, caller), name, value, flags, caller);
  }

  listxattr(path: string, caller: Caller): string[] {
    return listXattrs(this.tree.lookup(path, caller), caller);
  }

  removexattr(path: string, name: string, caller: Caller): void {
    removeXattr(this.tree.lookup(path, caller), name, caller);
  }

  /** The backing files' fds close (the monitor stops). */
  destroy(): void {
    this.backings.closeAll();
  }

  /** open(2) of an existing inode: the kernel's may_open. */
  private openInode(inode: Inode, flags: number, caller: Caller): OpenFile {
    if (!(flags & O_PATH)) {
      if (inode.type === S_IFLNK) throw new FsError('ELOOP'); // the monitor follows a final symlink unless O_NOFOLLOW
      if (flags & O_DIRECTORY && !inode.isDirectory) throw new FsError('ENOTDIR');
      const accmode = flags & O_ACCMODE;
      if (inode.isDirectory && (accmode !== O_RDONLY || flags & O_TRUNC)) throw new FsError('EISDIR');
      let want = accmode === O_RDONLY ? R_OK : accmode === O_WRONLY ? W_OK : R_OK | W_OK;
      if (flags & O_TRUNC) want |= W_OK;
      check(inode, want, caller);
      // An O_TRUNC open of a file nobody has open drops its idle backing file rather than
      // truncating it (a kernel file truncated to 0 is written back at its close: see
      // BackingFile.truncate); the open gets a new, empty one.
      if (flags & O_TRUNC && inode.backing && inode.openCount === 0) this.backings.forget(inode);
      const content = inode.content;
      if (flags & O_TRUNC && content) {
        inode.sync();
        content.truncate(0);
        dropPrivileges(inode, caller);
        inode.modified();
      }
    } else if (flags & O_DIRECTORY && !inode.isDirectory) {
      throw new FsError('ENOTDIR');
    }
    inode.openCount++;
    return new OpenFile(inode, flags, caller.uid);
  }

  /** The open file a call names: the handle `open` gave, or (for a caller without one) the path
   * opened for reading and writing as root would. */
  private handleOf(path: string, handle: FileHandle, caller: Caller): OpenFile {
    if (handle instanceof OpenFile) return handle;
    return new OpenFile(this.tree.lookup(path, caller), O_RDWR);
  }

  /** may_delete: write and search on the directory, then the sticky rule. */
  private checkDelete(directory: Inode, entry: Inode, caller: Caller): void {
    check(directory, W_OK | X_OK, caller);
    checkSticky(directory, entry, caller);
  }

  /** A new entry `parent.name` for a new inode: EEXIST, then write and search on the directory. */
  private add(parent: Parent, mode: number, caller: Caller, extra: { target?: string; rdev?: number } = {}): Inode {
    if (parent.entry) throw new FsError('EEXIST');
    check(parent.directory, W_OK | X_OK, caller);
    if (parent.directory.nlink === 0) throw new FsError('ENOENT');
    const inode = this.tree.make(parent.directory, mode, caller, extra);
    parent.directory.entries!.set(parent.name, inode);
    parent.directory.modified(inode.birthtimeNs);
    return inode;
  }
}
