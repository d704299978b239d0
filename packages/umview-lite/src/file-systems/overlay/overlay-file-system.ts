// The overlay file system: the FileSystem operations over two host directories, the lower one
// never written (see layers.ts for lookup, copy-up.ts, whiteouts.ts, merge-directory.ts,
// rename.ts, open-files.ts). Every operation is synchronous: each is a few host calls on local
// directories, cheaper done at once than through a promise.
//
// Permissions: checked by the overlay against what it shows and the caller's ids
// (permissions.ts), as the kernel would; the host then checks again what is done on the
// upper layer, as the user running the monitor.
import { chmodSync, constants, fstatSync, lchownSync, lstatSync, linkSync, mkdirSync, openSync, readlinkSync, statfsSync, symlinkSync, truncateSync, unlinkSync, type BigIntStats } from 'node:fs';
import { dirname } from 'node:path';
import {
  FsError,
  type Attributes,
  type Caller,
  type DirectoryEntry,
  type FileHandle,
  type FileSystem,
  type FileSystemStats,
  type MaybePromise,
} from '../../vfs/file-system.js';
import { copyUp, ensureUpperDirectory, openLowerForReading } from './copy-up.js';
import { getXattr, listXattrs, mknod, removeXattr, setTimes, setXattr } from './host-calls.js';
import { InodeNumbers } from './inode-numbers.js';
import { StagedCopies } from './staged-copies.js';
import { existing, hostPath, lookup, lowerBeneath, shown, type Layers, type Lookup } from './layers.js';
import { isEmptyDirectory, mergedEntries } from './merge-directory.js';
import { isLayerName, splitPath } from './names.js';
import { R, W, requireAccess, requireChown, requireEntryChange, requireLinkable, requireOwner, requireXattr } from './permissions.js';
import { HOST_OPEN_FLAGS, OpenFile, accessOf } from './open-files.js';
import { renameInOverlay } from './rename.js';
import { dropWhiteout, markOpaque, removeEmptiedDirectory, writeWhiteout } from './whiteouts.js';

/** overlayfs's f_type, for statfs. */
export const OVERLAYFS_SUPER_MAGIC = 0x794c7630;

export class OverlayFileSystem implements FileSystem {
  private readonly inodes = new InodeNumbers();
  readonly layers: Layers;
  private readonly staged: StagedCopies;

  constructor(layers: Layers) {
    this.layers = { ...layers, staged: { take: (path, lower) => this.staged.take(path, lower) } };
    this.staged = new StagedCopies(this.layers, this.inodes);
  }

  getattr(path: string): Attributes {
    const found = existing(this.layers, path);
    const stats = found.shown;
    return {
      mode: Number(stats.mode),
      size: Number(stats.size),
      uid: Number(stats.uid),
      gid: Number(stats.gid),
      // A merged directory's link count would count only one layer's subdirectories: 1 says
      // "unknown" to find and fts (their leaf optimization would skip subdirectories), as
      // overlayfs says it.
      nlink: found.upper && found.lower ? 1 : Number(stats.nlink),
      ino: this.inodes.numberFor(stats, path === '/'),
      rdev: Number(stats.rdev),
      atimeNs: stats.atimeNs,
      mtimeNs: stats.mtimeNs,
      ctimeNs: stats.ctimeNs,
      birthtimeNs: stats.birthtimeNs,
      blocks: Number(stats.blocks),
      blksize: Number(stats.blksize),
    };
  }

  readlink(path: string): string {
    const found = existing(this.layers, path);
    if (!found.shown.isSymbolicLink()) throw new FsError('EINVAL');
    return readlinkSync(this.hostOf(found));
  }

  readdir(path: string): readonly DirectoryEntry[] {
    return mergedEntries(this.layers, this.inodes, path);
  }

  open(path: string, flags: number, caller: Caller): MaybePromise<FileHandle> {
    const { writable } = accessOf(flags);
    if (!writable && (flags & constants.O_TRUNC) === 0) return this.openNow(path, flags, caller);
    return this.afterCopy(path, () => this.openNow(path, flags, caller, true), () => this.openNow(path, flags, caller));
  }

  /** open; with `checkOnly`, its checks alone (before a big copy-up is started for it). */
  private openNow(path: string, flags: number, caller: Caller, checkOnly = false): FileHandle {
    const found = existing(this.layers, path);
    const { readable, writable } = accessOf(flags);
    const changes = writable || (flags & constants.O_TRUNC) !== 0;
    if (found.shown.isDirectory()) {
      if (changes) throw new FsError('EISDIR');
      requireAccess(found.shown, caller, R);
      return new OpenFile(undefined, false, true);
    }
    if (found.shown.isSymbolicLink()) throw new FsError('ELOOP');
    requireAccess(found.shown, caller, (readable ? R : 0) | (changes ? W : 0));
    if (checkOnly) return undefined;
    if (changes) {
      const upper = copyUp(this.layers, this.inodes, path);
      return new OpenFile(openSync(upper, flags & HOST_OPEN_FLAGS), writable, readable);
    }
    const fd = found.upper ? openSync(this.hostOf(found), constants.O_RDONLY) : openLowerForReading(this.hostOf(found));
    return new OpenFile(fd, false, true);
  }

  create(path: string, flags: number, mode: number, caller: Caller): MaybePromise<FileHandle> {
    refuseLayerName(path);
    const found = lookup(this.layers, path);
    if (shown(found)) {
      if (flags & constants.O_EXCL) throw new FsError('EEXIST');
      return this.open(path, flags, caller);
    }
    return this.createNew(path, flags, mode, caller);
  }

  private createNew(path: string, flags: number, mode: number, caller: Caller): FileHandle {
    this.mayChangeEntry(path, undefined, caller);
    const { parent, name } = splitPath(path);
    const parentUpper = ensureUpperDirectory(this.layers, this.inodes, parent);
    const { readable, writable } = accessOf(flags);
    const fd = openSync(this.layers.upper + path, (flags & HOST_OPEN_FLAGS) | constants.O_CREAT | constants.O_EXCL, mode & 0o7777);
    // The monitor's own umask must not apply again: the caller's is in `mode` already.
    if ((fstatSync(fd).mode & 0o7777) !== (mode & 0o7777)) chmodSync(this.layers.upper + path, mode & 0o7777);
    giveToCaller(this.layers.upper + path, caller);
    dropWhiteout(parentUpper, name);
    return new OpenFile(fd, writable, readable);
  }

  read(_path: string, handle: FileHandle, length: number, position: number): Uint8Array {
    return (handle as OpenFile).read(length, position);
  }

  write(_path: string, handle: FileHandle, data: Uint8Array, position: number): number {
    return (handle as OpenFile).write(data, position);
  }

  /** The fast data path (FileSystem.backing): the host fd the open file already has, on the
   * layer it was opened in: a lower file opened for reading (read there as before), the upper
   * file otherwise (an open for writing copied it up first). getattr lstats that same host
   * file, so the size and times it reports are the backing file's. */
  backing(_path: string, handle: FileHandle): number | undefined {
    return handle instanceof OpenFile ? handle.backingFd() : undefined;
  }

  // A directory may be released (and fsynced) without having been opened: the monitor reads
  // directories with readdir alone.
  release(_path: string, handle: FileHandle): void {
    if (handle instanceof OpenFile) handle.close();
  }

  fsync(_path: string, handle: FileHandle, datasync: boolean): void {
    if (handle instanceof OpenFile) handle.sync(datasync);
  }

  truncate(path: string, size: number, handle: FileHandle | undefined, caller: Caller): MaybePromise<void> {
    if (handle instanceof OpenFile && handle.writable) return handle.truncate(size);
    const check = (): void => {
      const found = existing(this.layers, path);
      if (found.shown.isDirectory()) throw new FsError('EISDIR');
      requireAccess(found.shown, caller, W);
    };
    return this.afterCopy(path, check, () => {
      check();
      truncateSync(copyUp(this.layers, this.inodes, path), size);
    });
  }

  fallocate(_path: string, handle: FileHandle, mode: number, offset: number, length: number): void {
    (handle as OpenFile).allocate(mode, offset, length);
  }

  mkdir(path: string, mode: number, caller: Caller): void {
    refuseLayerName(path);
    if (shown(lookup(this.layers, path))) throw new FsError('EEXIST');
    this.mayChangeEntry(path, undefined, caller);
    const { parent, name } = splitPath(path);
    const parentUpper = ensureUpperDirectory(this.layers, this.inodes, parent);
    const upper = this.layers.upper + path;
    mkdirSync(upper, mode & 0o7777);
    chmodSync(upper, mode & 0o7777);
    giveToCaller(upper, caller);
    // Made where a lower directory was deleted: its contents must not show through again.
    if (lowerBeneath(this.layers, path)?.isDirectory()) markOpaque(upper);
    dropWhiteout(parentUpper, name);
  }

  rmdir(path: string, caller: Caller): void {
    if (path === '/') throw new FsError('EBUSY');
    const found = existing(this.layers, path);
    if (!found.shown.isDirectory()) throw new FsError('ENOTDIR');
    this.mayChangeEntry(path, found.shown, caller);
    if (!isEmptyDirectory(this.layers, this.inodes, path)) throw new FsError('ENOTEMPTY');
    this.hideLower(path);
    if (found.upper) {
      removeEmptiedDirectory(this.layers.upper + path);
      this.inodes.forget(found.upper);
    }
  }

  unlink(path: string, caller: Caller): void {
    const found = existing(this.layers, path);
    if (found.shown.isDirectory()) throw new FsError('EISDIR');
    this.mayChangeEntry(path, found.shown, caller);
    this.hideLower(path);
    if (found.upper) {
      unlinkSync(this.layers.upper + path);
      this.inodes.forget(found.upper);
    }
  }

  rename(from: string, to: string, flags: number, caller: Caller): MaybePromise<void> {
    refuseLayerName(to);
    return this.afterCopy(from, () => undefined, () => renameInOverlay(this.layers, this.inodes, from, to, flags, caller));
  }

  link(existingPath: string, path: string, caller: Caller): MaybePromise<void> {
    refuseLayerName(path);
    const check = (): void => {
      const source = existing(this.layers, existingPath);
      if (source.shown.isDirectory()) throw new FsError('EPERM');
      if (shown(lookup(this.layers, path))) throw new FsError('EEXIST');
      this.mayChangeEntry(path, undefined, caller);
      requireLinkable(source.shown, caller);
    };
    return this.afterCopy(existingPath, check, () => {
      check();
      this.linkNow(existingPath, path);
    });
  }

  private linkNow(existingPath: string, path: string): void {
    const sourceUpper = copyUp(this.layers, this.inodes, existingPath);
    const parentUpper = this.newEntryParent(path);
    linkSync(sourceUpper, this.layers.upper + path);
    dropWhiteout(parentUpper, splitPath(path).name);
  }

  symlink(target: string, path: string, caller: Caller): void {
    refuseLayerName(path);
    if (shown(lookup(this.layers, path))) throw new FsError('EEXIST');
    this.mayChangeEntry(path, undefined, caller);
    const parentUpper = this.newEntryParent(path);
    symlinkSync(target, this.layers.upper + path);
    giveToCaller(this.layers.upper + path, caller);
    dropWhiteout(parentUpper, splitPath(path).name);
  }

  mknod(path: string, mode: number, rdev: number, caller: Caller): void {
    refuseLayerName(path);
    if (shown(lookup(this.layers, path))) throw new FsError('EEXIST');
    this.mayChangeEntry(path, undefined, caller);
    const parentUpper = this.newEntryParent(path);
    mknod(this.layers.upper + path, mode, rdev);
    chmodSync(this.layers.upper + path, mode & 0o7777);
    giveToCaller(this.layers.upper + path, caller);
    dropWhiteout(parentUpper, splitPath(path).name);
  }

  chmod(path: string, mode: number, caller: Caller): MaybePromise<void> {
    const check = (): void => requireOwner(existing(this.layers, path).shown, caller);
    return this.afterCopy(path, check, () => {
      check();
      chmodSync(copyUp(this.layers, this.inodes, path), mode & 0o7777);
    });
  }

  chown(path: string, uid: number, gid: number, caller: Caller): MaybePromise<void> {
    const check = (): void => requireChown(existing(this.layers, path).shown, caller, uid, gid);
    return this.afterCopy(path, check, () => {
      check();
      lchownSync(copyUp(this.layers, this.inodes, path), uid, gid);
    });
  }

  /** The owner may set any times; others with write permission may set both to now. */
  utimens(path: string, atimeNs: bigint | undefined, mtimeNs: bigint | undefined, caller: Caller, now = false): MaybePromise<void> {
    const check = (): void => {
      const stats = existing(this.layers, path).shown;
      if (!now) requireOwner(stats, caller);
      else if (caller.uid !== 0 && caller.uid !== Number(stats.uid)) requireAccess(stats, caller, W);
    };
    return this.afterCopy(path, check, () => {
      check();
      setTimes(copyUp(this.layers, this.inodes, path), atimeNs, mtimeNs);
    });
  }

  statfs(): FileSystemStats {
    const stats = statfsSync(this.layers.upper);
    return {
      bsize: stats.bsize,
      blocks: stats.blocks,
      bfree: stats.bfree,
      bavail: stats.bavail,
      files: stats.files,
      ffree: stats.ffree,
      type: OVERLAYFS_SUPER_MAGIC,
    };
  }

  getxattr(path: string, name: string, caller: Caller): Uint8Array {
    const found = existing(this.layers, path);
    requireXattr(found.shown, caller, name, R);
    return getXattr(this.hostOf(found), name);
  }

  listxattr(path: string): readonly string[] {
    const host = this.hostOf(existing(this.layers, path));
    try {
      return listXattrs(host);
    } catch (error) {
      if ((error as FsError).code === 'ENOTSUP' || (error as FsError).code === 'EOPNOTSUPP') return [];
      throw error;
    }
  }

  setxattr(path: string, name: string, value: Uint8Array, flags: number, caller: Caller): MaybePromise<void> {
    const check = (): void => requireXattr(existing(this.layers, path).shown, caller, name, W);
    return this.afterCopy(path, check, () => {
      check();
      setXattr(copyUp(this.layers, this.inodes, path), name, value, flags);
    });
  }

  removexattr(path: string, name: string, caller: Caller): MaybePromise<void> {
    const check = (): void => requireXattr(existing(this.layers, path).shown, caller, name, W);
    return this.afterCopy(path, check, () => {
      check();
      removeXattr(copyUp(this.layers, this.inodes, path), name);
    });
  }

  /** Runs `operation` at once, or, when it will copy up a big lower file (path), once that
   * file's data is copied (asynchronously: the call is held meanwhile, the others go on).
   * `check` (the operation's permission checks) runs first, so that a refused operation copies
   * nothing; the operation makes its checks again when it runs, as things may have changed. */
  private afterCopy<T>(path: string, check: () => unknown, operation: () => T): MaybePromise<T> {
    check();
    const pending = this.staged.prepare(path);
    if (!pending) return operation();
    // A failed copy leaves the operation to copy up itself (or to fail as it fails).
    return pending.then(operation, operation).finally(() => this.staged.discard(path));
  }

  /** The host file the overlay shows for a lookup. */
  private hostOf(found: Lookup): string {
    return hostPath(found.upper ? this.layers.upper : this.layers.lower, found.path);
  }

  /** The caller may add (entry undefined) or remove the entry at `path` in its parent. */
  private mayChangeEntry(path: string, entry: BigIntStats | undefined, caller: Caller): void {
    requireEntryChange(existing(this.layers, splitPath(path).parent).shown, entry, caller);
  }

  /** The upper directory a new entry at `path` goes in (its parent, copied up). */
  private newEntryParent(path: string): string {
    return ensureUpperDirectory(this.layers, this.inodes, splitPath(path).parent);
  }

  /** Before deleting `path`: a whiteout, when the lower layer has an entry there that would
   * show once the upper one is gone. Written first, so that the overlay never shows the lower
   * entry again, even between the two steps. */
  private hideLower(path: string): void {
    if (!lowerBeneath(this.layers, path)) return;
    const { parent, name } = splitPath(path);
    writeWhiteout(ensureUpperDirectory(this.layers, this.inodes, parent), name);
  }
}

/** A new entry belongs to the caller, as the kernel gives it to the creating process: where the
 * caller's ids are not the monitor's (a program that changed its ids under a root monitor) and
 * the monitor may give it away. The group stays the upper directory's where it is set-group-ID
 * (the kernel gave it so already). Under fake root (-0) the monitor cannot, and the faked ids
 * are fake root's to show. */
function giveToCaller(hostPath: string, caller: Caller): void {
  if (caller.uid === process.getuid?.() && caller.gid === process.getgid?.()) return;
  const setgidParent = (lstatSync(dirname(hostPath)).mode & 0o2000) !== 0;
  try {
    lchownSync(hostPath, caller.uid, setgidParent ? -1 : caller.gid);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EINVAL') throw error;
  }
}

/** The layer's own names cannot be made through the overlay (they would be read back as
 * whiteouts or markers). */
function refuseLayerName(path: string): void {
  if (isLayerName(splitPath(path).name)) throw new FsError('EINVAL', `overlay: names starting with .wh. are the upper layer's own`);
}
