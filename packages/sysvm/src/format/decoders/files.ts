// Flags and commands of file syscalls: open, access, *at, statx, rename, lseek, flock, fcntl,
// xattr, memfd, close_range. Tables list names in strace's order (xlat/*.in).
import { flagsDecoder, valueDecoder, type Decoder } from '../xlat.js';

/** open(2) flags other than the access mode (x86-64 values). O_SYNC before __O_SYNC and
 * O_DSYNC, O_TMPFILE before O_DIRECTORY, so the composites win. */
export const OPEN_FLAG_BITS = [
  ['O_CREAT', 0o100], ['O_EXCL', 0o200], ['O_NOCTTY', 0o400], ['O_TRUNC', 0o1000],
  ['O_APPEND', 0o2000], ['O_NONBLOCK', 0o4000], ['O_SYNC', 0o4010000], ['__O_SYNC', 0o4000000],
  ['O_DSYNC', 0o10000], ['O_DIRECT', 0o40000], ['O_LARGEFILE', 0o100000], ['O_NOFOLLOW', 0o400000],
  ['O_NOATIME', 0o1000000], ['O_CLOEXEC', 0o2000000], ['O_PATH', 0o10000000],
  ['O_TMPFILE', 0o20200000], ['__O_TMPFILE', 0o20000000], ['O_DIRECTORY', 0o200000], ['FASYNC', 0o20000],
] as const;

export const O_CREAT = 0o100n;
export const O_TMPFILE_BIT = 0o20000000n;

const ACCESS_MODES = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'] as const;

/** Flags without an access mode (pipe2, dup3, accept4-style O_* arguments): 0 is `0`. */
export const openFlagBits: Decoder = flagsDecoder(OPEN_FLAG_BITS, { width: 32, unknown: 'O_???' });

// After an access mode, unknown bits are just appended in hex (strace's sprint_open_modes).
const openFlagBitsAfterMode = flagsDecoder(OPEN_FLAG_BITS, { width: 64 });

/** open/openat flags: the access mode, then the other flags: `O_RDONLY|O_CLOEXEC`. */
export function openFlags(raw: bigint, width: 32 | 64 = 32): string {
  const value = BigInt.asUintN(width, raw);
  const mode = ACCESS_MODES[Number(value & 3n)]!;
  const rest = value & ~3n;
  return rest === 0n ? mode : `${mode}|${openFlagBitsAfterMode(rest)}`;
}

export const accessMode: Decoder = flagsDecoder(
  [['F_OK', 0], ['R_OK', 4], ['W_OK', 2], ['X_OK', 1]], { width: 32, unknown: '?_OK' });

const AT_FLAGS = [
  ['AT_SYMLINK_NOFOLLOW', 0x100], ['AT_REMOVEDIR', 0x200], ['AT_SYMLINK_FOLLOW', 0x400],
  ['AT_NO_AUTOMOUNT', 0x800], ['AT_EMPTY_PATH', 0x1000], ['AT_RECURSIVE', 0x8000],
] as const;

export const atFlags: Decoder = flagsDecoder(AT_FLAGS, { width: 32, unknown: 'AT_???' });

/** faccessat2: 0x200 is AT_EACCESS here, not AT_REMOVEDIR. */
export const faccessatFlags: Decoder = flagsDecoder(
  [['AT_SYMLINK_NOFOLLOW', 0x100], ['AT_EACCESS', 0x200], ['AT_EMPTY_PATH', 0x1000]],
  { width: 32, unknown: 'AT_???' });

const statxSync = flagsDecoder(
  [['AT_STATX_SYNC_AS_STAT', 0], ['AT_STATX_FORCE_SYNC', 0x2000], ['AT_STATX_DONT_SYNC', 0x4000]], { width: 32 });

/** statx flags: the sync type (always shown, AT_STATX_SYNC_AS_STAT for 0), then AT_* flags. */
export function statxFlags(raw: bigint): string {
  const value = BigInt.asUintN(32, raw);
  const rest = value & ~0x6000n;
  return rest === 0n ? statxSync(value & 0x6000n) : `${statxSync(value & 0x6000n)}|${atFlags(rest)}`;
}

export const statxMask: Decoder = flagsDecoder([
  ['STATX_ALL', 0xfff], ['STATX_BASIC_STATS', 0x7ff], ['STATX_TYPE', 0x1], ['STATX_MODE', 0x2],
  ['STATX_NLINK', 0x4], ['STATX_UID', 0x8], ['STATX_GID', 0x10], ['STATX_ATIME', 0x20],
  ['STATX_MTIME', 0x40], ['STATX_CTIME', 0x80], ['STATX_INO', 0x100], ['STATX_SIZE', 0x200],
  ['STATX_BLOCKS', 0x400], ['STATX_BTIME', 0x800], ['STATX_MNT_ID', 0x1000],
  ['STATX_DIOALIGN', 0x2000], ['STATX_MNT_ID_UNIQUE', 0x4000], ['STATX_SUBVOL', 0x8000],
  ['STATX_WRITE_ATOMIC', 0x10000], ['STATX_DIO_READ_ALIGN', 0x20000],
], { width: 32, unknown: 'STATX_???' });

export const statxAttributes: Decoder = flagsDecoder([
  ['STATX_ATTR_COMPRESSED', 0x4], ['STATX_ATTR_IMMUTABLE', 0x10], ['STATX_ATTR_APPEND', 0x20],
  ['STATX_ATTR_NODUMP', 0x40], ['STATX_ATTR_ENCRYPTED', 0x800], ['STATX_ATTR_AUTOMOUNT', 0x1000],
  ['STATX_ATTR_MOUNT_ROOT', 0x2000], ['STATX_ATTR_VERITY', 0x100000], ['STATX_ATTR_DAX', 0x200000],
  ['STATX_ATTR_WRITE_ATOMIC', 0x400000],
], { unknown: 'STATX_ATTR_???' });

export const renameFlags: Decoder = flagsDecoder(
  [['RENAME_NOREPLACE', 1], ['RENAME_EXCHANGE', 2], ['RENAME_WHITEOUT', 4]], { width: 32, unknown: 'RENAME_???' });

export const seekWhence: Decoder = valueDecoder(
  [['SEEK_SET', 0], ['SEEK_CUR', 1], ['SEEK_END', 2], ['SEEK_DATA', 3], ['SEEK_HOLE', 4]], { width: 32, unknown: 'SEEK_???' });

export const flockOp: Decoder = flagsDecoder(
  [['LOCK_SH', 1], ['LOCK_EX', 2], ['LOCK_NB', 4], ['LOCK_UN', 8], ['LOCK_MAND', 32],
    ['LOCK_READ', 64], ['LOCK_WRITE', 128]], { width: 32, unknown: 'LOCK_???' });

/** fcntl commands with their numbers (asm-generic/fcntl.h, linux/fcntl.h). */
export const F = {
  DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, GETLK: 5, SETLK: 6, SETLKW: 7, SETOWN: 8,
  GETOWN: 9, SETSIG: 10, GETSIG: 11, SETOWN_EX: 15, GETOWN_EX: 16, GETOWNER_UIDS: 17,
  OFD_GETLK: 36, OFD_SETLK: 37, OFD_SETLKW: 38, SETLEASE: 1024, GETLEASE: 1025, NOTIFY: 1026,
  DUPFD_QUERY: 1027, CREATED_QUERY: 1028, CANCELLK: 1029, DUPFD_CLOEXEC: 1030, SETPIPE_SZ: 1031,
  GETPIPE_SZ: 1032, ADD_SEALS: 1033, GET_SEALS: 1034, GET_RW_HINT: 1035, SET_RW_HINT: 1036,
  GET_FILE_RW_HINT: 1037, SET_FILE_RW_HINT: 1038,
} as const;

export const fcntlCmd: Decoder = valueDecoder(
  Object.entries(F).map(([name, value]) => [`F_${name}`, value] as const), { width: 32, unknown: 'F_???', format: 'hex' });

export const fdFlags: Decoder = flagsDecoder([['FD_CLOEXEC', 1]], { width: 32, unknown: 'FD_???' });

export const lockType: Decoder = valueDecoder(
  [['F_RDLCK', 0], ['F_WRLCK', 1], ['F_UNLCK', 2], ['F_EXLCK', 4], ['F_SHLCK', 8]], { width: 32, unknown: 'F_???' });

export const notifyFlags: Decoder = flagsDecoder([
  ['DN_ACCESS', 1], ['DN_MODIFY', 2], ['DN_CREATE', 4], ['DN_DELETE', 8], ['DN_RENAME', 0x10],
  ['DN_ATTRIB', 0x20], ['DN_MULTISHOT', 0x80000000],
], { width: 32, unknown: 'DN_???' });

export const sealFlags: Decoder = flagsDecoder([
  ['F_SEAL_SEAL', 1], ['F_SEAL_SHRINK', 2], ['F_SEAL_GROW', 4], ['F_SEAL_WRITE', 8],
  ['F_SEAL_FUTURE_WRITE', 0x10], ['F_SEAL_EXEC', 0x20],
], { width: 32, unknown: 'F_SEAL_???' });

export const xattrFlags: Decoder = flagsDecoder(
  [['XATTR_CREATE', 1], ['XATTR_REPLACE', 2]], { width: 32, unknown: 'XATTR_???' });

export const memfdFlags: Decoder = flagsDecoder([
  ['MFD_CLOEXEC', 1], ['MFD_ALLOW_SEALING', 2], ['MFD_HUGETLB', 4], ['MFD_NOEXEC_SEAL', 8], ['MFD_EXEC', 0x10],
], { width: 32, unknown: 'MFD_???' });

export const closeRangeFlags: Decoder = flagsDecoder(
  [['CLOSE_RANGE_UNSHARE', 2], ['CLOSE_RANGE_CLOEXEC', 4]], { width: 32, unknown: 'CLOSE_RANGE_???' });

export const umountFlags: Decoder = flagsDecoder(
  [['MNT_FORCE', 1], ['MNT_DETACH', 2], ['MNT_EXPIRE', 4], ['UMOUNT_NOFOLLOW', 8]], { width: 32, unknown: 'MNT_???' });

const MS_MGC_MASK = 0xffff0000n;
const MS_MGC_VAL = 0xc0ed0000n;
const mountFlagBits = flagsDecoder([
  ['MS_RDONLY', 1], ['MS_NOSUID', 2], ['MS_NODEV', 4], ['MS_NOEXEC', 8], ['MS_SYNCHRONOUS', 16],
  ['MS_REMOUNT', 32], ['MS_MANDLOCK', 64], ['MS_DIRSYNC', 128], ['MS_NOSYMFOLLOW', 256],
  ['MS_NOATIME', 1024], ['MS_NODIRATIME', 2048], ['MS_BIND', 4096], ['MS_MOVE', 8192],
  ['MS_REC', 16384], ['MS_SILENT', 32768], ['MS_POSIXACL', 1 << 16], ['MS_UNBINDABLE', 1 << 17],
  ['MS_PRIVATE', 1 << 18], ['MS_SLAVE', 1 << 19], ['MS_SHARED', 1 << 20], ['MS_RELATIME', 1 << 21],
  ['MS_KERNMOUNT', 1 << 22], ['MS_I_VERSION', 1 << 23], ['MS_STRICTATIME', 1 << 24],
  ['MS_LAZYTIME', 1 << 25], ['MS_SUBMOUNT', 1 << 26], ['MS_NOREMOTELOCK', 1 << 27],
  ['MS_NOSEC', 1 << 28], ['MS_BORN', 1 << 29], ['MS_ACTIVE', 1 << 30], ['MS_NOUSER', 2 ** 31],
], { unknown: 'MS_???' });

/** mount(2) flags; the historical magic in the upper half is shown as MS_MGC_VAL. */
export function mountFlags(raw: bigint): string {
  const value = BigInt.asUintN(64, raw);
  if ((value & MS_MGC_MASK) === MS_MGC_VAL) {
    const rest = value & ~MS_MGC_MASK;
    return rest === 0n ? 'MS_MGC_VAL' : `MS_MGC_VAL|${mountFlagBits(rest)}`;
  }
  return mountFlagBits(value);
}

export const inotifyInitFlags: Decoder = flagsDecoder(
  [['IN_NONBLOCK', 0o4000], ['IN_CLOEXEC', 0o2000000]], { width: 32, unknown: 'IN_???' });

export const inotifyMask: Decoder = flagsDecoder([
  ['IN_ACCESS', 0x1], ['IN_MODIFY', 0x2], ['IN_ATTRIB', 0x4], ['IN_CLOSE_WRITE', 0x8],
  ['IN_CLOSE_NOWRITE', 0x10], ['IN_OPEN', 0x20], ['IN_MOVED_FROM', 0x40], ['IN_MOVED_TO', 0x80],
  ['IN_CREATE', 0x100], ['IN_DELETE', 0x200], ['IN_DELETE_SELF', 0x400], ['IN_MOVE_SELF', 0x800],
  ['IN_UNMOUNT', 0x2000], ['IN_Q_OVERFLOW', 0x4000], ['IN_IGNORED', 0x8000],
  ['IN_ONLYDIR', 0x1000000], ['IN_DONT_FOLLOW', 0x2000000], ['IN_EXCL_UNLINK', 0x4000000],
  ['IN_MASK_CREATE', 0x10000000], ['IN_MASK_ADD', 0x20000000], ['IN_ISDIR', 0x40000000],
  ['IN_ONESHOT', 0x80000000],
], { width: 32, unknown: 'IN_???' });

export const resolveFlags: Decoder = flagsDecoder([
  ['RESOLVE_NO_XDEV', 0x1], ['RESOLVE_NO_MAGICLINKS', 0x2], ['RESOLVE_NO_SYMLINKS', 0x4],
  ['RESOLVE_BENEATH', 0x8], ['RESOLVE_IN_ROOT', 0x10], ['RESOLVE_CACHED', 0x20],
], { unknown: 'RESOLVE_???' });

const FILE_TYPES = [
  ['S_IFREG', 0o100000], ['S_IFSOCK', 0o140000], ['S_IFIFO', 0o10000], ['S_IFLNK', 0o120000],
  ['S_IFDIR', 0o40000], ['S_IFBLK', 0o60000], ['S_IFCHR', 0o20000],
] as const;

/** Permission bits as strace's %#03o: 0644, 04755, and 000 for none. */
export function permissionMode(raw: bigint): string {
  const value = BigInt.asUintN(32, raw);
  return `0${value.toString(8).padStart(2, '0')}`;
}

const SPECIAL_BITS = [['S_ISUID', 0o4000n], ['S_ISGID', 0o2000n], ['S_ISVTX', 0o1000n]] as const;

/** A mode with its file type, as strace's print_symbolic_mode_t: `S_IFREG|0644`,
 * `S_IFDIR|S_ISVTX|0777`; without a type, just the octal bits. */
export function fileMode(raw: bigint): string {
  const value = BigInt.asUintN(32, raw);
  const type = value & 0o170000n;
  const name = FILE_TYPES.find(([, v]) => BigInt(v) === type)?.[0];
  if (type === 0n || !name) return permissionMode(value);
  const special = SPECIAL_BITS.filter(([, bit]) => value & bit).map(([n]) => `${n}|`).join('');
  return `${name}|${special}${permissionMode(value & ~0o177000n)}`;
}
