// Permission checks as the kernel's generic_permission makes them, for the Caller's uid and gid:
// the owner's bits for the owner, the group's for the group, the others' for the rest; uid 0
// passes (CAP_DAC_OVERRIDE), except execution of a file that has no x bit at all. "In the
// file's group" is the Caller's gid or one of its supplementary groups (Caller.groups, when the
// monitor gives them).
import { FsError, type Caller } from '../../vfs/file-system.js';
import { S_ISVTX, type Inode } from './inode.js';

export const R_OK = 4;
export const W_OK = 2;
export const X_OK = 1;

/** The caller may read/write/execute (a mask of R_OK, W_OK, X_OK) the inode. */
export function allowed(inode: Inode, want: number, caller: Caller): boolean {
  if (caller.uid === 0) {
    if (!(want & X_OK) || inode.isDirectory) return true;
    return (inode.mode & 0o111) !== 0;
  }
  const bits = caller.uid === inode.uid ? inode.mode >> 6 : inGroup(caller, inode.gid) ? inode.mode >> 3 : inode.mode;
  return (bits & want & 7) === (want & 7);
}

/** The caller is in group `gid` (in_group_p): its gid, or one of its supplementary groups. */
export function inGroup(caller: Caller, gid: number): boolean {
  return caller.gid === gid || (caller.groups?.().includes(gid) ?? false);
}

/** EACCES unless allowed. */
export function check(inode: Inode, want: number, caller: Caller): void {
  if (!allowed(inode, want, caller)) throw new FsError('EACCES');
}

/** The owner, or root: who may chmod, set times to given values, change the sticky rules. */
export function isOwner(inode: Inode, caller: Caller): boolean {
  return caller.uid === 0 || caller.uid === inode.uid;
}

/** In a sticky directory (mode 1000), only the entry's owner, the directory's owner or root may
 * remove or rename it (EPERM otherwise). */
export function checkSticky(directory: Inode, entry: Inode, caller: Caller): void {
  if (!(directory.mode & S_ISVTX) || caller.uid === 0) return;
  if (caller.uid === entry.uid || caller.uid === directory.uid) return;
  throw new FsError('EPERM');
}

/** What a name can be: at most 255 bytes (NAME_MAX). */
export function checkName(name: string): void {
  if (Buffer.byteLength(name) > 255) throw new FsError('ENAMETOOLONG');
}
