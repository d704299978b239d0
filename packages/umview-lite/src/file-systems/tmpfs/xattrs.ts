// Extended attributes of tmpfs inodes, with the kernel's rules (xattr_permission): user.* on
// regular files and directories only, read with read permission and written with write
// permission (in a sticky directory only by its owner); trusted.* for root alone (hidden from
// others' lists); security.* read by anyone, written by root. Other namespaces (system.*: ACLs)
// are not supported.
import { FsError, type Caller } from '../../vfs/file-system.js';
import { S_ISVTX, type Inode } from './inode.js';
import { R_OK, W_OK, check, isOwner } from './permissions.js';

export const XATTR_CREATE = 1;
export const XATTR_REPLACE = 2;
const XATTR_NAME_MAX = 255;
const XATTR_SIZE_MAX = 65536;

function checkAccess(inode: Inode, name: string, write: boolean, caller: Caller): void {
  if (name === '' || Buffer.byteLength(name) > XATTR_NAME_MAX) throw new FsError('ERANGE');
  if (name.startsWith('user.')) {
    if (!inode.isDirectory && !inode.data) throw new FsError(write ? 'EPERM' : 'ENODATA');
    if (inode.isDirectory && inode.mode & S_ISVTX && write && !isOwner(inode, caller)) throw new FsError('EPERM');
    check(inode, write ? W_OK : R_OK, caller);
  } else if (name.startsWith('trusted.')) {
    if (caller.uid !== 0) throw new FsError(write ? 'EPERM' : 'ENODATA');
  } else if (name.startsWith('security.')) {
    if (write && caller.uid !== 0) throw new FsError('EPERM');
  } else {
    throw new FsError('EOPNOTSUPP');
  }
}

export function getXattr(inode: Inode, name: string, caller: Caller): Uint8Array {
  checkAccess(inode, name, false, caller);
  const value = inode.xattrs.get(name);
  if (!value) throw new FsError('ENODATA');
  return Buffer.from(value);
}

export function setXattr(inode: Inode, name: string, value: Uint8Array, flags: number, caller: Caller): void {
  checkAccess(inode, name, true, caller);
  if (value.length > XATTR_SIZE_MAX) throw new FsError('E2BIG');
  const exists = inode.xattrs.has(name);
  if (flags & XATTR_CREATE && exists) throw new FsError('EEXIST');
  if (flags & XATTR_REPLACE && !exists) throw new FsError('ENODATA');
  inode.xattrs.set(name, Buffer.from(value));
  inode.changed();
}

export function listXattrs(inode: Inode, caller: Caller): string[] {
  return [...inode.xattrs.keys()].filter((name) => caller.uid === 0 || !name.startsWith('trusted.'));
}

export function removeXattr(inode: Inode, name: string, caller: Caller): void {
  checkAccess(inode, name, true, caller);
  if (!inode.xattrs.delete(name)) throw new FsError('ENODATA');
  inode.changed();
}
