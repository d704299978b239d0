// Permission checks, as the kernel makes them, against the attributes the overlay shows and the
// caller's ids (Caller: the guest's view, fake root's with -0). They are the overlay's to make:
// the host checks only what it does on the upper layer, as the user running the monitor, and
// a copy-up would otherwise let a user change what the lower layer's owners keep (a root-owned
// directory's entries, another user's file). Root passes every check but execute-less search
// (CAP_DAC_OVERRIDE, CAP_FOWNER); only the caller's primary group is known (Caller has no
// supplementary groups).
import type { BigIntStats } from 'node:fs';
import { FsError, type Caller } from '../../vfs/file-system.js';

export const R = 4;
export const W = 2;
export const X = 1;
const S_ISVTX = 0o1000;

function modeBitsFor(stats: BigIntStats, caller: Caller): number {
  const mode = Number(stats.mode);
  if (caller.uid === Number(stats.uid)) return (mode >> 6) & 7;
  if (caller.gid === Number(stats.gid)) return (mode >> 3) & 7;
  return mode & 7;
}

export function allowed(stats: BigIntStats, caller: Caller, want: number): boolean {
  if (caller.uid === 0) return (want & X) === 0 || stats.isDirectory() || (Number(stats.mode) & 0o111) !== 0;
  return (modeBitsFor(stats, caller) & want) === want;
}

/** EACCES unless the caller may `want` (R, W, X bits) the file. */
export function requireAccess(stats: BigIntStats, caller: Caller, want: number): void {
  if (!allowed(stats, caller, want)) throw new FsError('EACCES');
}

/** EPERM unless the caller owns the file (or is root): chmod, utimens with times given. */
export function requireOwner(stats: BigIntStats, caller: Caller): void {
  if (caller.uid !== 0 && caller.uid !== Number(stats.uid)) throw new FsError('EPERM');
}

/** May the caller add or remove `entry` (undefined: a new name) in the directory `parent`?
 * Write and search on the directory, and in a sticky one (/tmp's kind) only the owner of the
 * entry or of the directory may remove or replace it. */
export function requireEntryChange(parent: BigIntStats, entry: BigIntStats | undefined, caller: Caller): void {
  requireAccess(parent, caller, W | X);
  if (entry && caller.uid !== 0 && (Number(parent.mode) & S_ISVTX) !== 0
    && caller.uid !== Number(entry.uid) && caller.uid !== Number(parent.uid)) throw new FsError('EPERM');
}

/** chown: root may give anything; an owner may only change the group, to its own. */
export function requireChown(stats: BigIntStats, caller: Caller, uid: number, gid: number): void {
  if (caller.uid === 0) return;
  const owner = Number(stats.uid);
  if (caller.uid !== owner) throw new FsError('EPERM');
  if (uid !== -1 && uid !== owner) throw new FsError('EPERM');
  if (gid !== -1 && gid !== Number(stats.gid) && gid !== caller.gid) throw new FsError('EPERM');
}

/** A hard link to a file one does not own needs read and write on it (fs.protected_hardlinks,
 * on by default) and a regular file without set-id bits. */
export function requireLinkable(stats: BigIntStats, caller: Caller): void {
  if (caller.uid === 0 || caller.uid === Number(stats.uid)) return;
  const mode = Number(stats.mode);
  const setId = (mode & 0o4000) !== 0 || (mode & 0o2010) === 0o2010;
  if (!stats.isFile() || setId || !allowed(stats, caller, R | W)) throw new FsError('EPERM');
}

/** Extended attributes: user.* need read (get) or write (set) permission; trusted.* root;
 * security.* and system.* are left to the host. */
export function requireXattr(stats: BigIntStats, caller: Caller, name: string, want: number): void {
  if (name.startsWith('user.')) requireAccess(stats, caller, want);
  else if (name.startsWith('trusted.') && caller.uid !== 0) throw new FsError('EPERM');
}
