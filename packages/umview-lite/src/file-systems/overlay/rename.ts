// rename in the overlay. A file (or symlink, or special file) is copied up and renamed within
// the upper layer, with a whiteout left where it was when the lower layer has an entry there.
// A directory is renamed only when all of it is the upper layer's (made in the overlay, or
// opaque); one with lower contents fails with EXDEV, as overlayfs without redirect_dir answers:
// mv then copies the tree and deletes the original, which the overlay serves.
import { renameSync } from 'node:fs';
import { FsError, RENAME_EXCHANGE, RENAME_NOREPLACE, type Caller } from '../../vfs/file-system.js';
import { copyUp, ensureUpperDirectory } from './copy-up.js';
import type { InodeNumbers } from './inode-numbers.js';
import { existing, lowerBeneath, lookup, lstatOrUndefined, shown, type Layers } from './layers.js';
import { isEmptyDirectory } from './merge-directory.js';
import { splitPath } from './names.js';
import { W, requireAccess, requireEntryChange } from './permissions.js';
import { dropWhiteout, markOpaque, removeEmptiedDirectory, writeWhiteout } from './whiteouts.js';

export function renameInOverlay(layers: Layers, inodes: InodeNumbers, from: string, to: string, flags: number, caller: Caller): void {
  if (flags & RENAME_EXCHANGE) throw new FsError('EINVAL', 'overlay: RENAME_EXCHANGE is not offered');
  if (flags & ~RENAME_NOREPLACE) throw new FsError('EINVAL');
  if (from === '/' || to === '/') throw new FsError('EBUSY');
  const source = existing(layers, from);
  const target = lookup(layers, to);
  const replaced = shown(target);
  if (replaced && flags & RENAME_NOREPLACE) throw new FsError('EEXIST');
  if (from === to) return;
  if (to.startsWith(`${from}/`)) throw new FsError('EINVAL');
  const fromParent = existing(layers, splitPath(from).parent).shown;
  requireEntryChange(fromParent, source.shown, caller);
  const toParentShown = existing(layers, splitPath(to).parent).shown;
  requireEntryChange(toParentShown, replaced, caller);
  // A directory moved to another parent has its '..' rewritten: it must be writable.
  if (source.shown.isDirectory() && splitPath(from).parent !== splitPath(to).parent) requireAccess(source.shown, caller, W);
  if (source.shown.isDirectory()) {
    if (replaced && !replaced.isDirectory()) throw new FsError('ENOTDIR');
    if (replaced && !isEmptyDirectory(layers, inodes, to)) throw new FsError('ENOTEMPTY');
    if (source.lower) throw new FsError('EXDEV', 'overlay: a directory with lower contents is not renamed (mv copies it)');
  } else {
    if (replaced?.isDirectory()) throw new FsError('EISDIR');
    // Two names of one file: rename does nothing (POSIX).
    if (replaced && Boolean(target.upper) === Boolean(source.upper)
      && replaced.dev === source.shown.dev && replaced.ino === source.shown.ino) return;
  }
  const sourceUpper = copyUp(layers, inodes, from);
  const lowerAtSource = lowerBeneath(layers, from);
  const lowerAtTarget = lowerBeneath(layers, to);
  const { parent: toParent, name: toName } = splitPath(to);
  const toParentUpper = ensureUpperDirectory(layers, inodes, toParent);
  const targetUpper = layers.upper + to;
  // The source's whiteout first: until the rename, the upper copy still shows over it.
  if (lowerAtSource) {
    const { parent, name } = splitPath(from);
    writeWhiteout(ensureUpperDirectory(layers, inodes, parent), name);
  }
  if (source.shown.isDirectory() && target.upper) removeEmptiedDirectory(targetUpper);
  const old = !source.shown.isDirectory() ? lstatOrUndefined(targetUpper) : undefined;
  renameSync(sourceUpper, targetUpper);
  if (old) inodes.forget(old);
  // A directory moved over a lower directory must not let the lower contents through.
  if (source.shown.isDirectory() && lowerAtTarget?.isDirectory()) markOpaque(targetUpper);
  dropWhiteout(toParentUpper, toName);
}
