// The tree of a tmpfs mount: the root directory, path walks with the kernel's search
// permission on each directory passed, new inodes (numbers, owner, the setgid directory rule)
// and freeing an inode's space once no entry and no open file holds it.
import { FsError, type Caller } from '../../vfs/file-system.js';
import { FileData } from './file-data.js';
import { Inode, S_IFDIR, S_IFMT, S_IFREG, S_ISGID } from './inode.js';
import { X_OK, check, checkName, inGroup } from './permissions.js';
import type { SpaceAccount } from './space.js';

export interface Parent {
  readonly directory: Inode;
  /** The last component ('' for the root itself). */
  readonly name: string;
  /** The entry's inode, if there is one. */
  readonly entry: Inode | undefined;
}

export class InodeTree {
  readonly root: Inode;
  /** Called when an inode is freed, before its data is (its backing file closes then). */
  onFree: (inode: Inode) => void = () => {};
  private nextIno = 2;

  constructor(
    readonly space: SpaceAccount,
    root: { mode: number; uid: number; gid: number },
  ) {
    space.takeInode();
    this.root = new Inode(1, S_IFDIR | (root.mode & 0o7777), root.uid, root.gid);
  }

  /** The inode at `path` (a final symlink not followed); ENOENT, ENOTDIR, EACCES as a walk. */
  lookup(path: string, caller: Caller): Inode {
    const { entry } = this.parent(path, caller);
    if (!entry) throw new FsError('ENOENT');
    return entry;
  }

  /** The directory holding `path`'s last component, that component and its inode if any. */
  parent(path: string, caller: Caller): Parent {
    const names = path.split('/').filter((name) => name !== '');
    if (names.length === 0) return { directory: this.root, name: '', entry: this.root };
    let directory = this.root;
    for (let i = 0; i < names.length - 1; i++) {
      check(directory, X_OK, caller);
      const next = directory.entries!.get(names[i]!);
      if (!next) throw new FsError('ENOENT');
      // The monitor follows symlinks before the last component; one met here is not a directory.
      if (!next.isDirectory) throw new FsError('ENOTDIR');
      directory = next;
    }
    check(directory, X_OK, caller);
    const name = names[names.length - 1]!;
    checkName(name);
    const entry = directory.entries!.get(name);
    // What the traced program wrote through a backing file is taken in before the operation
    // (a utimens after a write must not be undone by the write's times seen later).
    entry?.sync();
    return { directory, name, entry };
  }

  /** A new inode for `caller` in `directory`: the caller's uid; the directory's gid when it is
   * setgid (and a new directory setgid too), the caller's gid otherwise; a setgid bit asked for
   * a file of a group the caller is not in is dropped (inode_init_owner). */
  make(directory: Inode, mode: number, caller: Caller, extra: { target?: string; rdev?: number } = {}): Inode {
    this.space.takeInode();
    let gid = caller.gid;
    let bits = mode;
    if (directory.mode & S_ISGID) {
      gid = directory.gid;
      if ((mode & S_IFMT) === S_IFDIR) bits |= S_ISGID;
      else if (bits & S_ISGID && !inGroup(caller, gid) && caller.uid !== 0) bits &= ~S_ISGID;
    }
    const data = (mode & S_IFMT) === S_IFREG ? new FileData(this.space) : undefined;
    return new Inode(this.nextIno++, bits, caller.uid, gid, { ...extra, data });
  }

  /** Gives an inode's space and its inode count back once nothing holds it. */
  release(inode: Inode): void {
    if (inode.nlink > 0 || inode.openCount > 0 || inode.freed) return;
    inode.freed = true;
    this.onFree(inode);
    inode.data?.free();
    this.space.giveInode();
  }
}
