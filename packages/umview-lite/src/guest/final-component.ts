// Whether a call follows a symlink named by the last component of its path argument, as the
// kernel decides it: by the call (stat against lstat), or by a flag (AT_SYMLINK_NOFOLLOW,
// AT_SYMLINK_FOLLOW, O_NOFOLLOW, O_CREAT|O_EXCL). Under a guest root the monitor follows it
// itself, in the guest's view; a call that does not follow it gets the link.
import type { SyscallCall } from '@umview/sysvm';
import { O_CREAT } from '../linux.js';

const O_EXCL = 0o200;
const O_NOFOLLOW = 0o400000;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_SYMLINK_FOLLOW = 0x400;
const IN_DONT_FOLLOW = 0x02000000;

/** What the rules read of a call: its name and flags (a SyscallCall, or a call seen at its stop,
 * which has no `io`: openat2, whose flags are in its struct, never goes on there). */
export type CallFlags = Pick<SyscallCall, 'name' | 'int'> & Partial<Pick<SyscallCall, 'io' | 'ptr'>>;

type Rule = boolean | ((call: CallFlags, arg: number) => boolean);

const openFollows = (flags: number): boolean => (flags & O_NOFOLLOW) === 0 && (flags & (O_CREAT | O_EXCL)) !== (O_CREAT | O_EXCL);
const unlessFlag = (arg: number, flag: number): Rule => (call) => (call.int(arg) & flag) === 0;
const ifFlag = (arg: number, flag: number): Rule => (call) => (call.int(arg) & flag) !== 0;

const RULES: Readonly<Record<string, Rule>> = {
  open: (call) => openFollows(call.int(1)),
  openat: (call) => openFollows(call.int(2)),
  openat2: (call) => openFollows(Number(call.io!.readWord(call.ptr!(2)))), // how->flags
  creat: true,
  stat: true, statfs: true, access: true, chdir: true, chroot: true, chmod: true, chown: true,
  truncate: true, utime: true, utimes: true, futimesat: true, execve: true, uselib: true,
  getxattr: true, setxattr: true, listxattr: true, removexattr: true, acct: true, swapon: true,
  swapoff: true, quotactl: true, mount: true, umount2: true, pivot_root: true, fchmodat: true,
  newfstatat: unlessFlag(3, AT_SYMLINK_NOFOLLOW),
  statx: unlessFlag(2, AT_SYMLINK_NOFOLLOW),
  faccessat: true,
  faccessat2: unlessFlag(3, AT_SYMLINK_NOFOLLOW),
  fchmodat2: unlessFlag(3, AT_SYMLINK_NOFOLLOW),
  fchownat: unlessFlag(4, AT_SYMLINK_NOFOLLOW),
  utimensat: unlessFlag(3, AT_SYMLINK_NOFOLLOW),
  execveat: unlessFlag(4, AT_SYMLINK_NOFOLLOW),
  open_tree: unlessFlag(2, AT_SYMLINK_NOFOLLOW),
  inotify_add_watch: unlessFlag(2, IN_DONT_FOLLOW),
  name_to_handle_at: ifFlag(4, AT_SYMLINK_FOLLOW),
  // linkat's old path (argument 1) follows with AT_SYMLINK_FOLLOW; its new path never.
  linkat: (call, arg) => arg === 1 && (call.int(4) & AT_SYMLINK_FOLLOW) !== 0,
};

/** True when the call follows a symlink in the last component of path argument `arg`. Calls
 * not listed (lstat, readlink, unlink, rename, mkdir, symlink, link, lchown, the l*xattr...)
 * name the link itself. */
export function followsLast(call: CallFlags, arg: number): boolean {
  const rule = RULES[call.name];
  if (rule === undefined) return false;
  return typeof rule === 'boolean' ? rule : rule(call, arg);
}
