// Copy-up: before the first change of a file that is the lower layer's, the overlay copies it
// into the upper layer at the same path (its directories first, as directories) and changes
// the copy. The copy keeps what can be kept: the data, the mode, the times (to the nanosecond:
// make compares them), the xattrs that can be read and set, and the owner where the user may
// set it (root; an unprivileged user keeps its own, as fuse-overlayfs does). A file is copied
// to a temporary name in its upper directory and renamed into place, so that a copy-up cut
// short never leaves a partial file under the real name; the parent's times are put back after
// it, as overlayfs does, so that a copy-up is not a visible change of the directory.
import { closeSync, constants, lchownSync, chmodSync, mkdirSync, openSync, readSync, readlinkSync, renameSync, rmSync, symlinkSync, writeSync, type BigIntStats } from 'node:fs';
import { FsError } from '../../vfs/file-system.js';
import { getXattr, listXattrs, mknod, setTimes, setXattr } from './host-calls.js';
import type { InodeNumbers } from './inode-numbers.js';
import { existing, lstatOrUndefined, type Layers } from './layers.js';
import { COPY_UP_TEMPORARY, splitPath } from './names.js';

const COPY_CHUNK = 1 << 20;
let temporaries = 0;

/** Makes sure `path` (a file the overlay shows) is in the upper layer; returns its host path
 * there. */
export function copyUp(layers: Layers, inodes: InodeNumbers, path: string): string {
  const found = existing(layers, path);
  const upperPath = layers.upper + path;
  if (found.upper) return path === '/' ? layers.upper : upperPath;
  const lower = found.lower!;
  const { parent } = splitPath(path);
  const upperParent = ensureUpperDirectory(layers, inodes, parent);
  keepingTimes(upperParent, () => {
    if (lower.isDirectory()) {
      mkdirSync(upperPath, { mode: 0o700 });
      copyMetadata(layers.lower + path, upperPath, lower);
    } else {
      const staged = lower.isFile() ? layers.staged?.take(path, lower) : undefined;
      const temporary = staged ?? `${upperParent}/${COPY_UP_TEMPORARY}${process.pid}.${temporaries++}`;
      try {
        if (!staged) copyEntry(layers.lower + path, temporary, lower);
        copyMetadata(layers.lower + path, temporary, lower);
        renameSync(temporary, upperPath);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
    }
  });
  inodes.copiedUp(lower, lstatOrUndefined(upperPath)!);
  return upperPath;
}

/** Makes sure the directory `path` (one the overlay shows) is in the upper layer, copying it
 * and its parents up as directories; returns its host path there. */
export function ensureUpperDirectory(layers: Layers, inodes: InodeNumbers, path: string): string {
  if (path === '/') return layers.upper;
  const found = existing(layers, path);
  if (!found.shown.isDirectory()) throw new FsError('ENOTDIR');
  return copyUp(layers, inodes, path);
}

/** Runs `change` on the upper directory `directory` and puts its atime and mtime back. A
 * directory the monitor's user may not write (a copy of a 0555 one, where only a user's
 * existing files may change) is made writable for the change: a copy-up is the overlay's own
 * doing, which the caller's permission checks have allowed already. */
export function keepingTimes<T>(directory: string, change: () => T): T {
  const before = lstatOrUndefined(directory);
  const mode = before ? Number(before.mode) & 0o7777 : 0;
  const opened = before !== undefined && (mode & 0o300) !== 0o300 && process.getuid?.() !== 0;
  if (opened) chmodSync(directory, mode | 0o300);
  try {
    return change();
  } finally {
    if (opened) chmodSync(directory, mode);
    if (before) setTimes(directory, before.atimeNs, before.mtimeNs);
  }
}

/** Copies a non-directory `source` (with `stats`) to the new `target`. */
function copyEntry(source: string, target: string, stats: BigIntStats): void {
  if (stats.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
  else if (stats.isFile()) copyData(source, target);
  else mknod(target, Number(stats.mode), Number(stats.rdev)); // FIFO, socket, device (if allowed)
}

function copyData(source: string, target: string): void {
  const input = openLowerForReading(source);
  try {
    const output = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      const buffer = Buffer.allocUnsafe(COPY_CHUNK);
      for (;;) {
        const n = readSync(input, buffer, 0, buffer.length, null);
        if (n === 0) break;
        for (let done = 0; done < n;) done += writeSync(output, buffer, done, n - done);
      }
    } finally {
      closeSync(output);
    }
  } finally {
    closeSync(input);
  }
}

/** Opens a lower file for reading without touching its atime (O_NOATIME, allowed to its owner
 * and to root; others read it the ordinary way): the lower tree stays as it was, times too. */
export function openLowerForReading(path: string, flags = constants.O_RDONLY): number {
  try {
    return openSync(path, flags | constants.O_NOATIME);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    return openSync(path, flags);
  }
}

/** Owner (where allowed), mode, xattrs (where readable and settable) and times of `source`
 * onto `target`; in this order, as chown clears set-id bits and setting xattrs may change
 * the ctime only. */
function copyMetadata(source: string, target: string, stats: BigIntStats): void {
  try {
    lchownSync(target, Number(stats.uid), Number(stats.gid));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EINVAL') throw error;
  }
  if (!stats.isSymbolicLink()) chmodSync(target, Number(stats.mode) & 0o7777);
  copyXattrs(source, target);
  setTimes(target, stats.atimeNs, stats.mtimeNs);
}

function copyXattrs(source: string, target: string): void {
  let names: string[];
  try {
    names = listXattrs(source);
  } catch {
    return; // a file system without xattrs
  }
  for (const name of names) {
    try {
      setXattr(target, name, getXattr(source, name), 0);
    } catch {
      // Not readable or not settable by this user (trusted.*, security.* without privilege).
    }
  }
}
