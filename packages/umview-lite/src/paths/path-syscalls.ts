// Which arguments of which syscalls are paths, and relative to which dirfd argument.
//
// A path with `dirfd: null` is relative to the cwd; `dirfd: i` means argument i is the
// directory fd (or AT_FDCWD). Symlink targets (symlink's first argument) are data, not paths
// to resolve, and are not listed.
export interface PathArg {
  arg: number;
  dirfd: number | null;
}

const P = (arg: number, dirfd: number | null = null): PathArg => ({ arg, dirfd });

export const PATH_SYSCALLS: Readonly<Record<string, readonly PathArg[]>> = {
  open: [P(0)], creat: [P(0)], openat: [P(1, 0)], openat2: [P(1, 0)],
  stat: [P(0)], lstat: [P(0)], newfstatat: [P(1, 0)], statx: [P(1, 0)], statfs: [P(0)],
  access: [P(0)], faccessat: [P(1, 0)], faccessat2: [P(1, 0)],
  readlink: [P(0)], readlinkat: [P(1, 0)],
  mkdir: [P(0)], mkdirat: [P(1, 0)], mknod: [P(0)], mknodat: [P(1, 0)],
  unlink: [P(0)], unlinkat: [P(1, 0)], rmdir: [P(0)],
  rename: [P(0), P(1)], renameat: [P(1, 0), P(3, 2)], renameat2: [P(1, 0), P(3, 2)],
  link: [P(0), P(1)], linkat: [P(1, 0), P(3, 2)],
  symlink: [P(1)], symlinkat: [P(2, 1)],
  chmod: [P(0)], fchmodat: [P(1, 0)], fchmodat2: [P(1, 0)],
  chown: [P(0)], lchown: [P(0)], fchownat: [P(1, 0)],
  truncate: [P(0)], utime: [P(0)], utimes: [P(0)], futimesat: [P(1, 0)], utimensat: [P(1, 0)],
  chdir: [P(0)], chroot: [P(0)],
  execve: [P(0)], execveat: [P(1, 0)],
  getxattr: [P(0)], lgetxattr: [P(0)], setxattr: [P(0)], lsetxattr: [P(0)],
  listxattr: [P(0)], llistxattr: [P(0)], removexattr: [P(0)], lremovexattr: [P(0)],
  inotify_add_watch: [P(1)], name_to_handle_at: [P(1, 0)], open_tree: [P(1, 0)],
  uselib: [P(0)], acct: [P(0)], swapon: [P(0)], swapoff: [P(0)], quotactl: [P(1)],
  fanotify_mark: [P(4, 3)], mount: [P(0), P(1)], umount2: [P(0)], pivot_root: [P(0), P(1)],
};

/** The calls whose results depend on the cwd the monitor shows (not paths themselves). */
export const CWD_SYSCALLS = ['getcwd', 'fchdir'] as const;
