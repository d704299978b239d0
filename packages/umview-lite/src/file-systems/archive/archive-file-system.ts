// The archive as a FileSystem (src/vfs/file-system.ts): read-only. Lookups walk the tree built
// at mount; an open file gets its member's reader (in place, or inflated for this open file),
// and, when the monitor asks, its backing file (a copy of the member: extracted-members.ts).
// Every change fails with EROFS: the operations that change are left out, for which the API has
// the monitor answer EROFS, and opens for writing, access(W_OK) and setxattr say it here.
import { constants } from 'node:fs';
import { FsError, ST_RDONLY, type Attributes, type Caller, type DirectoryEntry, type FileSystem, type FileSystemStats, type MaybePromise } from '../../vfs/file-system.js';
import type { MemberContent, MemberReader } from './archive-index.js';
import { isDirectory, type ArchiveNode, type ArchiveTree } from './archive-tree.js';
import type { ExtractedMembers } from './extracted-members.js';

/** What statfs calls the file system: FUSE's magic, as archivemount and fuse-archive show. */
const FUSE_SUPER_MAGIC = 0x65735546;
const BLOCK = 4096;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const O_ACCMODE = 3;

interface OpenMember {
  readonly reader?: MemberReader;
  /** The member's content, for its backing file. */
  readonly content?: MemberContent;
  readonly size?: number;
  /** The member's backing file, when this open file uses it (given back at release). */
  backedBy?: number;
  /** Released (while its copy may still be in the making). */
  released?: boolean;
}

/** The kernel's permission check (generic_permission) for the caller on `node`. */
function permitted(node: ArchiveNode, mask: number, caller: Caller): boolean {
  const mode = node.mode;
  if (caller.uid === 0) return (mask & constants.X_OK) === 0 || (mode & 0o111) !== 0 || isDirectory(node);
  const owner = node.uid ?? process.getuid!();
  const group = node.gid ?? process.getgid!();
  const bits = caller.uid === owner ? (mode >> 6) & 7 : caller.gid === group ? (mode >> 3) & 7 : mode & 7;
  return (bits & mask) === mask;
}

export class ArchiveFileSystem implements FileSystem {
  private destroyed = false;

  constructor(
    private readonly tree: ArchiveTree,
    /** Frees the archive's file and scratch files (once). */
    private readonly release_: () => void,
    /** The members' backing files; without: every open is served call by call. */
    private readonly extracted?: ExtractedMembers,
  ) {}

  private lookup(path: string): ArchiveNode {
    let node = this.tree.root;
    if (path === '/') return node;
    for (const part of path.slice(1).split('/')) {
      if (!node.children) throw new FsError('ENOTDIR');
      const child = node.children.get(part);
      if (!child) throw new FsError('ENOENT');
      node = child;
    }
    return node;
  }

  getattr(path: string): Attributes {
    const node = this.lookup(path);
    return {
      mode: node.mode,
      size: node.size,
      uid: node.uid,
      gid: node.gid,
      nlink: node.nlink,
      ino: node.ino,
      rdev: node.rdev,
      mtimeNs: node.mtimeNs,
      atimeNs: node.atimeNs ?? node.mtimeNs,
      ctimeNs: node.ctimeNs ?? node.mtimeNs,
    };
  }

  readlink(path: string): string {
    const node = this.lookup(path);
    if ((node.mode & S_IFMT) !== S_IFLNK) throw new FsError('EINVAL');
    return node.target!;
  }

  readdir(path: string): DirectoryEntry[] {
    const node = this.lookup(path);
    if (!node.children) throw new FsError('ENOTDIR');
    return [...node.children].map(([name, child]) => ({ name, mode: child.mode & S_IFMT, ino: child.ino }));
  }

  /** Synchronous for members read in place; a promise while a deflated zip member inflates. */
  open(path: string, flags: number, caller: Caller): MaybePromise<OpenMember> {
    const node = this.lookup(path);
    if ((flags & O_ACCMODE) !== constants.O_RDONLY || (flags & constants.O_TRUNC) !== 0) throw new FsError('EROFS');
    if (!permitted(node, constants.R_OK, caller)) throw new FsError('EACCES');
    if ((node.mode & S_IFMT) !== S_IFREG || !node.content) return {};
    const { content, size } = node;
    const reader = content.open();
    return reader instanceof Promise ? reader.then((opened) => ({ reader: opened, content, size })) : { reader, content, size };
  }

  /** The member's copy in a file of its own (extracted-members.ts): made at the first open
   * that asks, shared by the later ones; undefined for a small member, or where no copy could
   * be made (read call by call then, as before). The archive's data never changes, so getattr's
   * size is the copy's, and its times the member's (the copy's atime is not shown). */
  backing(_path: string, handle: unknown): MaybePromise<number | undefined> {
    const open = handle as OpenMember | undefined;
    if (open?.backedBy !== undefined) return open.backedBy;
    if (!this.extracted || !open?.content) return undefined;
    const { content } = open;
    const mark = (fd: number | undefined): number | undefined => {
      // Released while the copy was being made (the traced program is gone): give it back now.
      if (open.released) {
        if (fd !== undefined) this.extracted?.release(content);
        return undefined;
      }
      return (open.backedBy = fd);
    };
    const fd = this.extracted.acquire(content, open.size ?? 0);
    return fd instanceof Promise ? fd.then(mark) : mark(fd);
  }

  read(path: string, handle: unknown, length: number, position: number): MaybePromise<Uint8Array> {
    const reader = (handle as OpenMember | undefined)?.reader;
    if (!reader) throw new FsError(isDirectory(this.lookup(path)) ? 'EISDIR' : 'EINVAL');
    return reader.read(length, position);
  }

  release(_path: string, handle: unknown): void {
    const open = handle as OpenMember | undefined;
    if (!open) return;
    open.released = true;
    open.reader?.close();
    if (open.backedBy !== undefined && open.content) this.extracted?.release(open.content);
  }

  access(path: string, mode: number, caller: Caller): void {
    const node = this.lookup(path);
    if ((mode & constants.W_OK) !== 0) throw new FsError('EROFS');
    if (!permitted(node, mode, caller)) throw new FsError('EACCES');
  }

  statfs(): FileSystemStats {
    return {
      bsize: BLOCK,
      blocks: Math.ceil(this.tree.bytes / BLOCK),
      bfree: 0,
      bavail: 0,
      files: this.tree.nodes,
      ffree: 0,
      namemax: 255,
      type: FUSE_SUPER_MAGIC,
      flags: ST_RDONLY, // statvfs says read-only, as for a mount made with -o ro
    };
  }

  setxattr(): void {
    throw new FsError('EROFS');
  }

  removexattr(): void {
    throw new FsError('EROFS');
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.extracted?.close();
    this.release_();
  }
}

