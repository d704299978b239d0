// rename and renameat2's RENAME_NOREPLACE / RENAME_EXCHANGE on a tmpfs tree, with the kernel's
// rules and in its order of checks: ENOENT, EACCES (write and search on both directories),
// EPERM (sticky directories), EEXIST/ENOENT for the flags, EINVAL for a directory moved into
// itself, ENOTEMPTY for a target that is one of its ancestors or a non-empty directory,
// ENOTDIR/EISDIR for a directory against a non-directory; the same file twice does nothing.
import { FsError, RENAME_EXCHANGE, RENAME_NOREPLACE, type Caller } from '../../vfs/file-system.js';
import { nowNs } from './clock.js';
import type { Inode } from './inode.js';
import type { InodeTree } from './inode-tree.js';
import { W_OK, X_OK, check, checkSticky } from './permissions.js';

/** True when `inside` is `directory` or below it. */
function isWithin(inside: string, directory: string): boolean {
  return inside === directory || inside.startsWith(directory === '/' ? '/' : `${directory}/`);
}

function normalized(path: string): string {
  return `/${path.split('/').filter((name) => name !== '').join('/')}`;
}

export function rename(tree: InodeTree, fromPath: string, toPath: string, flags: number, caller: Caller): void {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE) || (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE)) throw new FsError('EINVAL');
  const from = normalized(fromPath);
  const to = normalized(toPath);
  if (from === '/' || to === '/') throw new FsError('EBUSY');
  const source = tree.parent(from, caller);
  const target = tree.parent(to, caller);
  const moving = source.entry;
  if (!moving) throw new FsError('ENOENT');
  const replaced = target.entry;
  if (flags & RENAME_EXCHANGE && !replaced) throw new FsError('ENOENT');
  if (flags & RENAME_NOREPLACE && replaced) throw new FsError('EEXIST');
  // The same directory entry, or two hard links of one file: nothing to do (POSIX).
  if (moving === replaced) return;
  if (flags & RENAME_EXCHANGE) {
    if ((moving.isDirectory && isWithin(to, from)) || (replaced!.isDirectory && isWithin(from, to))) throw new FsError('EINVAL');
  } else {
    if (isWithin(to, from)) throw new FsError('EINVAL');
    if (isWithin(from, to)) throw new FsError('ENOTEMPTY');
  }
  check(source.directory, W_OK | X_OK, caller);
  checkSticky(source.directory, moving, caller);
  check(target.directory, W_OK | X_OK, caller);
  if (replaced) {
    checkSticky(target.directory, replaced, caller);
    if (!(flags & RENAME_EXCHANGE)) {
      if (moving.isDirectory && !replaced.isDirectory) throw new FsError('ENOTDIR');
      if (!moving.isDirectory && replaced.isDirectory) throw new FsError('EISDIR');
    }
  }
  // A directory that changes parent rewrites its '..': it needs write permission itself.
  if (source.directory !== target.directory) {
    if (moving.isDirectory) check(moving, W_OK, caller);
    if (flags & RENAME_EXCHANGE && replaced!.isDirectory) check(replaced!, W_OK, caller);
  }
  if (!(flags & RENAME_EXCHANGE) && replaced?.isDirectory && replaced.entries!.size > 0) throw new FsError('ENOTEMPTY');

  const now = nowNs();
  if (flags & RENAME_EXCHANGE) {
    source.directory.entries!.set(source.name, replaced!);
    target.directory.entries!.set(target.name, moving);
    if (moving.isDirectory !== replaced!.isDirectory && source.directory !== target.directory) {
      const delta = moving.isDirectory ? 1 : -1;
      target.directory.nlink += delta;
      source.directory.nlink -= delta;
    }
    replaced!.changed(now);
  } else {
    source.directory.entries!.delete(source.name);
    if (replaced) {
      target.directory.entries!.delete(target.name);
      if (replaced.isDirectory) {
        replaced.nlink = 0;
        target.directory.nlink--;
      } else {
        replaced.nlink--;
      }
      replaced.changed(now);
      tree.release(replaced);
    }
    target.directory.entries!.set(target.name, moving);
    if (moving.isDirectory) {
      source.directory.nlink--;
      target.directory.nlink++;
    }
  }
  moving.changed(now);
  source.directory.modified(now);
  target.directory.modified(now);
}
