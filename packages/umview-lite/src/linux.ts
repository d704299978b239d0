// Linux constants (x86-64 values) the monitor and the proxy share: one definition each.

/** The dirfd that means "the cwd". */
export const AT_FDCWD = -100;
/** A call on the dirfd itself when its path is ''. */
export const AT_EMPTY_PATH = 0x1000;
/** unlinkat's flag that makes it rmdir. */
export const AT_REMOVEDIR = 0x200;
/** linkat's flag that follows a symlink (/proc/self/fd/N: links an O_TMPFILE file in). */
export const AT_SYMLINK_FOLLOW = 0x400;

export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_TRUNC = 0o1000;
export const O_DIRECTORY = 0o200000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
/** An unnamed file in the directory given: __O_TMPFILE | O_DIRECTORY (the kernel refuses
 * __O_TMPFILE alone with EINVAL). */
export const O_TMPFILE = 0o20200000;

/** What the kernel reads of a path at most. */
export const PATH_MAX = 4096;

export const O_EXCL = 0o200;
export const O_APPEND = 0o2000;
export const O_NOFOLLOW = 0o400000;
/** What F_GETFL shows on x86-64: open() forces it on 64-bit kernels. */
export const O_LARGEFILE = 0o100000;
