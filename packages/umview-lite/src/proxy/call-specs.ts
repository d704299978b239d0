// How the monitor re-issues a tracee's call on the real file: what each argument is.
//
//   fd      a virtual fd, replaced by the monitor's own fd on the real file
//   dirfd   a directory fd for the next path: AT_FDCWD once the path is made absolute, the
//           monitor's fd when it is virtual and the path is empty (AT_EMPTY_PATH)
//   path    a path, replaced by its host path
//   string  a C string the kernel reads (an xattr name, a symlink's target)
//   in      a buffer the kernel reads, of `size` bytes
//   out     a buffer the kernel writes: `size` bytes, of which the result says how many
//           (`upTo: 'result'`) or all of them are copied back to the tracee
//   value   passed as it is
export type ArgSize = { arg: number } | { bytes: number };

export type ArgSpec =
  | { kind: 'value' }
  | { kind: 'fd' }
  | { kind: 'dirfd' }
  | { kind: 'path' }
  | { kind: 'string' }
  | { kind: 'in'; size: ArgSize }
  | { kind: 'out'; size: ArgSize; upTo: 'result' | 'size' }
  | { kind: 'inout'; size: ArgSize };

const v: ArgSpec = { kind: 'value' };
const fd: ArgSpec = { kind: 'fd' };
const dirfd: ArgSpec = { kind: 'dirfd' };
const path: ArgSpec = { kind: 'path' };
const string: ArgSpec = { kind: 'string' };
const inArg = (arg: number): ArgSpec => ({ kind: 'in', size: { arg } });
const inBytes = (bytes: number): ArgSpec => ({ kind: 'in', size: { bytes } });
const outResult = (arg: number): ArgSpec => ({ kind: 'out', size: { arg }, upTo: 'result' });
const outBytes = (bytes: number): ArgSpec => ({ kind: 'out', size: { bytes }, upTo: 'size' });
const inoutBytes = (bytes: number): ArgSpec => ({ kind: 'inout', size: { bytes } });

const STAT = 144;
const STATX = 256;
const STATFS = 120;
const TIMESPEC2 = 32;
const TIMEVAL2 = 32;
const UTIMBUF = 16;
const LOFF = 8;

/** Calls on a virtual fd that the monitor re-issues on its real file. */
export const FD_CALLS: Readonly<Record<string, readonly ArgSpec[]>> = {
  read: [fd, outResult(2), v],
  pread64: [fd, outResult(2), v, v],
  write: [fd, inArg(2), v],
  pwrite64: [fd, inArg(2), v, v],
  lseek: [fd, v, v],
  fstat: [fd, outBytes(STAT)],
  fstatfs: [fd, outBytes(STATFS)],
  getdents64: [fd, outResult(2), v],
  getdents: [fd, outResult(2), v],
  ftruncate: [fd, v],
  fsync: [fd],
  fdatasync: [fd],
  syncfs: [fd],
  sync_file_range: [fd, v, v, v],
  fchmod: [fd, v],
  fchown: [fd, v, v],
  flock: [fd, v],
  fallocate: [fd, v, v, v],
  fadvise64: [fd, v, v, v],
  readahead: [fd, v, v],
  fgetxattr: [fd, string, outResult(3), v],
  flistxattr: [fd, outResult(2), v],
  fsetxattr: [fd, string, inArg(3), v, v],
  fremovexattr: [fd, string],
};

/** Path calls the monitor performs itself on the host path, for a proxy module. */
export const PATH_CALLS: Readonly<Record<string, readonly ArgSpec[]>> = {
  stat: [path, outBytes(STAT)],
  lstat: [path, outBytes(STAT)],
  newfstatat: [dirfd, path, outBytes(STAT), v],
  statx: [dirfd, path, v, v, outBytes(STATX)],
  statfs: [path, outBytes(STATFS)],
  access: [path, v],
  faccessat: [dirfd, path, v],
  faccessat2: [dirfd, path, v, v],
  readlink: [path, outResult(2), v],
  readlinkat: [dirfd, path, outResult(3), v],
  mkdir: [path, v],
  mkdirat: [dirfd, path, v],
  mknod: [path, v, v],
  mknodat: [dirfd, path, v, v],
  unlink: [path],
  unlinkat: [dirfd, path, v],
  rmdir: [path],
  rename: [path, path],
  renameat: [dirfd, path, dirfd, path],
  renameat2: [dirfd, path, dirfd, path, v],
  link: [path, path],
  linkat: [dirfd, path, dirfd, path, v],
  symlink: [string, path],
  symlinkat: [string, dirfd, path],
  chmod: [path, v],
  fchmodat: [dirfd, path, v],
  fchmodat2: [dirfd, path, v, v],
  chown: [path, v, v],
  lchown: [path, v, v],
  fchownat: [dirfd, path, v, v, v],
  truncate: [path, v],
  utime: [path, inBytes(UTIMBUF)],
  utimes: [path, inBytes(TIMEVAL2)],
  futimesat: [dirfd, path, inBytes(TIMEVAL2)],
  utimensat: [dirfd, path, inBytes(TIMESPEC2), v],
  getxattr: [path, string, outResult(3), v],
  lgetxattr: [path, string, outResult(3), v],
  listxattr: [path, outResult(2), v],
  llistxattr: [path, outResult(2), v],
  setxattr: [path, string, inArg(3), v, v],
  lsetxattr: [path, string, inArg(3), v, v],
  removexattr: [path, string],
  lremovexattr: [path, string],
};

/** Calls that create files, and so depend on the tracee's umask. */
export const CREATING_CALLS: ReadonlySet<string> = new Set(['mkdir', 'mkdirat', 'mknod', 'mknodat', 'open', 'openat', 'openat2', 'creat']);

export { inoutBytes, LOFF };
