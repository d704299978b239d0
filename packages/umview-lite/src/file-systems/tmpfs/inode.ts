// A tmpfs inode: what every file has (mode, owner, times, link count, extended attributes) and
// what its type adds: a directory's entries, a regular file's data, a symlink's target, a
// device node's rdev. Directory entries name inodes, so hard links share one.
import { constants } from 'node:fs';
import type { Attributes } from '../../vfs/file-system.js';
import type { BackingFile } from './backing-file.js';
import { changeNs, nowNs, observe } from './clock.js';
import { FileData } from './file-data.js';
import { PAGE_SIZE } from './space.js';

export const { S_IFMT, S_IFDIR, S_IFREG, S_IFLNK, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK } = constants;
export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
export const S_ISVTX = 0o1000;
export const S_IXGRP = 0o010;

/** The kernel's tmpfs counts 20 bytes per directory entry in a directory's size (BOGO_DIRENT_SIZE),
 * '.' and '..' included; ls and du show it. */
const DIRENT_SIZE = 20;

export class Inode {
  /** Links from directory entries ('.' and a subdirectory's '..' included for directories). */
  nlink: number;
  /** Open file descriptions on it: an unlinked file keeps its data until the last is released. */
  openCount = 0;
  /** Its attributes were read since its last change: the next change gets a fine-grained time
   * if the coarse clock would not move its ctime (clock.ts). */
  private queried = false;
  /** Its space was given back (no entry and no open file left). */
  freed = false;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  readonly birthtimeNs: bigint;
  readonly xattrs = new Map<string, Buffer>();
  /** A directory's entries, newest first when listed (as the kernel's tmpfs lists them). */
  readonly entries?: Map<string, Inode>;
  readonly data?: FileData;
  /** A regular file's kernel file while it has one (backing-pool.ts): then the only copy of its
   * bytes, `data` being empty. */
  backing?: BackingFile;
  /** Open descriptions with a backing file, writable, of callers other than root: a write the
   * traced program makes through them drops the set-id bits, as the kernel's write would. */
  unprivilegedWriters = 0;
  readonly target?: string;

  constructor(
    readonly ino: number,
    public mode: number,
    public uid: number,
    public gid: number,
    extra: { data?: FileData; target?: string; rdev?: number } = {},
    readonly rdev = extra.rdev ?? 0,
  ) {
    const now = nowNs();
    this.atimeNs = this.mtimeNs = this.ctimeNs = this.birthtimeNs = now;
    if ((mode & S_IFMT) === S_IFDIR) {
      this.entries = new Map();
      this.nlink = 2;
    } else {
      this.nlink = 1;
    }
    this.data = extra.data;
    this.target = extra.target;
  }

  get type(): number {
    return this.mode & S_IFMT;
  }

  get isDirectory(): boolean {
    return this.type === S_IFDIR;
  }

  get size(): number {
    if (this.entries) return DIRENT_SIZE * (this.entries.size + 2);
    if (this.backing) return this.backing.size;
    if (this.data) return this.data.size;
    if (this.target !== undefined) return Buffer.byteLength(this.target);
    return 0;
  }

  /** A regular file's bytes: its backing file, or its Buffers (undefined: not a regular file). */
  get content(): FileData | BackingFile | undefined {
    return this.backing ?? this.data;
  }

  /** Takes in what the traced program did through a backing file since the last look: size,
   * pages, and the times the kernel set (its writes: mtime and ctime; its reads: atime, as the
   * host's relatime decides). Every operation that reads or changes the data calls it first. */
  sync(): void {
    if (!this.backing) return;
    const { atimeNs, modified } = this.backing.changes();
    if (atimeNs !== undefined) this.atimeNs = atimeNs;
    if (modified) {
      observe(modified.ctimeNs);
      this.mtimeNs = modified.mtimeNs;
      this.changed(modified.ctimeNs);
      if (this.unprivilegedWriters > 0) this.dropSetIdBits();
    }
  }

  /** What a write or truncate by someone without CAP_FSETID does (file_remove_privs): the
   * set-user-ID bit goes, and the set-group-ID bit when group-executable. */
  dropSetIdBits(): void {
    this.mode &= ~S_ISUID;
    if (this.mode & S_IXGRP) this.mode &= ~S_ISGID;
  }

  /** Marks a change of the inode (chmod, link, rename...): ctime, from the kernel's clocks as
   * the kernel would set it (clock.ts), or `now` when one time is shared by several inodes;
   * never older than the last change. */
  changed(now = changeNs(this.ctimeNs, this.queried)): void {
    this.ctimeNs = now > this.ctimeNs ? now : this.ctimeNs;
    this.queried = false;
  }

  /** Marks a change of the content (write, truncate, a new entry): mtime and ctime. */
  modified(now?: bigint): void {
    this.changed(now);
    this.mtimeNs = this.ctimeNs;
  }

  /** Marks a read, as `relatime` (the kernel's default) does: only when the last access is not
   * newer than the last change, or a day old. */
  accessed(now = nowNs()): void {
    if (this.atimeNs <= this.mtimeNs || this.atimeNs <= this.ctimeNs || now - this.atimeNs >= 86_400_000_000_000n) this.atimeNs = now;
  }

  attributes(): Attributes {
    this.sync();
    this.queried = true;
    const pages = this.content?.pages ?? 0;
    return {
      mode: this.mode,
      size: this.size,
      uid: this.uid,
      gid: this.gid,
      nlink: this.nlink,
      ino: this.ino,
      rdev: this.rdev,
      atimeNs: this.atimeNs,
      mtimeNs: this.mtimeNs,
      ctimeNs: this.ctimeNs,
      birthtimeNs: this.birthtimeNs,
      blocks: pages * (PAGE_SIZE / 512),
      blksize: PAGE_SIZE,
    };
  }
}
