// The file-system module API: a module that *is* a file system (umview's umfuse, without FUSE
// and without the kernel's help). The monitor turns the traced programs' system calls on paths
// under the module's mount point, and on the fds it opened there, into these operations, in the
// spirit of FUSE's high-level API: the monitor walks paths (a lookup is a `getattr`, a symlink a
// `readlink`), keeps the open file descriptions (offsets shared after fork and dup, O_APPEND,
// close-on-exec), the directory cursors, the locks (flock and fcntl record locks, kept among the
// traced processes: they are the only ones that see the mount), the placeholder fds, mmap and
// execve of served files (by materializing them in a directory only the user can read), and
// maps what an operation throws to an errno.
//
// Every operation may return its answer or a promise of it. While a promise is pending, the
// calling thread is held stopped and the monitor goes on serving the other processes of the
// tree; a promise that does not settle within the mount's `timeout` fails the call with EIO.
//
// Paths given to operations are absolute within the mount ('/' is the mount point itself,
// '/a/b' the file `b` in its directory `a`), normalized (no '.', '..', '//' or trailing '/'),
// with every symlink before the last component already followed; names are UTF-8.
// Operations a module leaves out fail with ENOSYS (reads) or EROFS (changes), as noted.

/** A Linux errno name, e.g. 'ENOENT'. */
export type ErrnoCode = string;

/** Throw it to fail the call with an errno: `throw new FsError('ENOENT')`. Any error with a
 * `code` naming an errno (Node's fs errors: err.code === 'ENOENT') works the same. Anything else
 * thrown is a bug of the module: the call fails with EIO and the error is logged with the
 * module's name; the traced program goes on. */
export class FsError extends Error {
  override name = 'FsError';
  constructor(readonly code: ErrnoCode, message?: string) {
    super(message ?? code);
  }
}

/** What `getattr` says of a file (as `lstat` would). */
export interface Attributes {
  /** Type and permission bits, as st_mode: S_IFREG | 0o644, S_IFDIR | 0o755, S_IFLNK | 0o777... */
  readonly mode: number;
  /** Bytes (a symlink: the length of its target). */
  readonly size: number;
  /** Default: the uid/gid of the user running the monitor. */
  readonly uid?: number;
  readonly gid?: number;
  /** Default: 1 (2 for a directory). */
  readonly nlink?: number;
  /** Default: a number the monitor gives each path, stable while the mount lives. Give your own
   * when files share an inode (hard links), so that tar and find see it. */
  readonly ino?: number;
  /** The device a character or block special file stands for (makedev encoding). */
  readonly rdev?: number;
  /** Nanoseconds since the epoch (BigIntStats' `mtimeNs`). Default: when the mount was made. */
  readonly atimeNs?: bigint;
  readonly mtimeNs?: bigint;
  readonly ctimeNs?: bigint;
  readonly birthtimeNs?: bigint;
  /** 512-byte blocks allocated. Default: the size rounded up. */
  readonly blocks?: number;
  /** Default: 4096. */
  readonly blksize?: number;
}

/** One entry of a directory, without '.' and '..' (the monitor adds them). */
export interface DirectoryEntry {
  readonly name: string;
  /** The entry's type bits (S_IFDIR...), for getdents' d_type; without them DT_UNKNOWN, which
   * makes programs like find ask getattr. */
  readonly mode?: number;
  readonly ino?: number;
}

/** statfs's answer (sizes in `bsize` blocks). */
export interface FileSystemStats {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly files: number;
  readonly ffree: number;
  /** Longest name; default 255. */
  readonly namemax?: number;
  /** f_type magic; default TMPFS_MAGIC. */
  readonly type?: number;
  /** The mount's flags, statvfs's f_flag (ST_RDONLY, ST_NODEV, ST_NOEXEC, ST_NOATIME...).
   * ST_NOSUID is always added (a served program runs from a copy, never set-id), and so is
   * ST_VALID, as the kernel does. */
  readonly flags?: number;
}

/** FileSystemStats.flags (statvfs's ST_* bits). */
export const ST_RDONLY = 0x0001;
export const ST_NOSUID = 0x0002;
export const ST_NODEV = 0x0004;
export const ST_NOEXEC = 0x0008;
export const ST_NOATIME = 0x0400;
export const ST_RELATIME = 0x1000;

/** Who made the call (as fuse_get_context): the traced process and its credentials as the
 * guest sees them (fake root's, with `-0`). */
export interface Caller {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
  /** Already applied to the modes given to create, mkdir and mknod. */
  readonly umask: number;
  /** The groups the process is in (its gid and its supplementary groups), for permission
   * checks as the kernel's in_group_p makes them; read when asked. Absent: only `gid`. */
  groups?(): readonly number[];
}

/** The module's own value for an open file (a number, an object): given back to read, write,
 * release... for that open file description. */
export type FileHandle = unknown;

export type MaybePromise<T> = T | Promise<T>;

/** RENAME_* flags of renameat2. */
export const RENAME_NOREPLACE = 1;
export const RENAME_EXCHANGE = 2;

export interface FileSystem {
  /** lstat: the file's attributes, without following a final symlink. ENOENT when absent.
   * The only operation every file system must have. */
  getattr(path: string, caller: Caller): MaybePromise<Attributes>;
  /** A symlink's target (ENOSYS when absent: a file system without symlinks). */
  readlink?(path: string, caller: Caller): MaybePromise<string>;
  /** The entries of a directory, read once per opendir (getdents goes through the list). */
  readdir?(path: string, caller: Caller): MaybePromise<readonly DirectoryEntry[]>;

  /** Opens an existing file with open(2)'s flags (O_TRUNC included: truncate then). Without
   * `open`, read and write get `undefined` as the handle. Permission checks are the module's;
   * the monitor checks only the access mode against a read-only mount. */
  open?(path: string, flags: number, caller: Caller): MaybePromise<FileHandle>;
  /** Creates and opens a regular file that does not exist (O_CREAT); EEXIST when it does and
   * O_EXCL was given (the monitor calls `create` only after getattr said ENOENT, but a file may
   * appear meanwhile). EROFS when absent. */
  create?(path: string, flags: number, mode: number, caller: Caller): MaybePromise<FileHandle>;
  /** Up to `length` bytes at `position`; fewer only at the end of the file. */
  read?(path: string, handle: FileHandle, length: number, position: number, caller: Caller): MaybePromise<Uint8Array>;
  /** Writes all of `data` at `position` (O_APPEND: the monitor passes the current size) and
   * returns how many bytes were written (fewer only with ENOSPC for the rest: throw it when
   * nothing was written). */
  write?(path: string, handle: FileHandle, data: Uint8Array, position: number, caller: Caller): MaybePromise<number>;
  /** A kernel file whose bytes are this open file's bytes, as FUSE's passthrough backing file:
   * an fd of the module's on it, in any access mode. The traced program's fd is a new open of
   * that inode through /proc/<monitor>/fd/N with the program's own access mode and O_APPEND
   * (O_NOATIME too when the module's fd has it), so the kernel checks that mode against the
   * inode's permissions and the program's credentials (where that fails, the open is served
   * call by call); programs of the monitor's user could open that /proc link themselves, so
   * give the backing file no more permission than the file has. With one, the traced program
   * reads, writes, seeks, maps, polls and copies it in the kernel,
   * without a stop per call: `read` and `write` are not called for this open. The file's size
   * and data times are then the backing file's, and getattr must say so (fstat the fd); reads
   * through opens without a backing file must see its bytes. Metadata calls on the fd (fstat,
   * fchmod, ftruncate, fsync, fallocate, locks, xattrs) still come to the module. The fd stays
   * the module's: it must stay open until `release`. undefined: this open is served call by
   * call (the monitor's stop per read and write). Called after `open` or `create` of a regular
   * file, never for O_PATH or a directory. */
  backing?(path: string, handle: FileHandle, flags: number): MaybePromise<number | undefined>;
  /** The last fd on the open file description was closed (after `flush`). */
  release?(path: string, handle: FileHandle): MaybePromise<void>;
  /** Each close(2) of an fd on the file: errors reported here are close's (as NFS reports them). */
  flush?(path: string, handle: FileHandle, caller: Caller): MaybePromise<void>;
  /** fsync/fdatasync: the data is durable when it returns. */
  fsync?(path: string, handle: FileHandle, datasync: boolean, caller: Caller): MaybePromise<void>;

  truncate?(path: string, size: number, handle: FileHandle | undefined, caller: Caller): MaybePromise<void>;
  /** fallocate(2): mode 0 (or FALLOC_FL_KEEP_SIZE) extends the space; EOPNOTSUPP otherwise. */
  fallocate?(path: string, handle: FileHandle, mode: number, offset: number, length: number, caller: Caller): MaybePromise<void>;

  mkdir?(path: string, mode: number, caller: Caller): MaybePromise<void>;
  rmdir?(path: string, caller: Caller): MaybePromise<void>;
  unlink?(path: string, caller: Caller): MaybePromise<void>;
  /** flags: 0, RENAME_NOREPLACE, RENAME_EXCHANGE. Both paths are in this mount (a rename
   * across mounts is EXDEV, answered by the monitor). */
  rename?(from: string, to: string, flags: number, caller: Caller): MaybePromise<void>;
  /** A hard link `path` to the existing `existing`. */
  link?(existing: string, path: string, caller: Caller): MaybePromise<void>;
  /** A symlink at `path` whose target is `target` (any text, kept as given). */
  symlink?(target: string, path: string, caller: Caller): MaybePromise<void>;
  /** A FIFO (S_IFIFO), or with the right to, a device or socket node; the monitor serves
   * opens of a FIFO with a real FIFO of its own, one per node. */
  mknod?(path: string, mode: number, rdev: number, caller: Caller): MaybePromise<void>;

  /** Permission bits (07777) of the file (a final symlink followed by the monitor). */
  chmod?(path: string, mode: number, caller: Caller): MaybePromise<void>;
  /** -1 leaves that id as it is. On the path itself: a final symlink is the link (lchown,
   * fchownat with AT_SYMLINK_NOFOLLOW), the monitor follows it first for chown. */
  chown?(path: string, uid: number, gid: number, caller: Caller): MaybePromise<void>;
  /** Times in ns since the epoch; undefined leaves that time as it is (UTIME_OMIT). UTIME_NOW
   * is resolved by the monitor (the current time is given). `now` is true when the call sets
   * both times to now (utimensat or futimens with NULL times or both UTIME_NOW, utime and
   * utimes with NULL): the one change the kernel lets a caller who does not own the file make,
   * with write permission on it (EACCES without); any other times need ownership (EPERM).
   * On the path itself, as chown. */
  utimens?(path: string, atimeNs: bigint | undefined, mtimeNs: bigint | undefined, caller: Caller, now?: boolean): MaybePromise<void>;
  /** access(2)'s check (mode: R_OK|W_OK|X_OK, or F_OK = 0). Without it the monitor checks
   * getattr's mode bits against the caller's ids, as the kernel would. */
  access?(path: string, mode: number, caller: Caller): MaybePromise<void>;
  /** Without it: a fixed answer (a large empty file system of the TMPFS_MAGIC type). */
  statfs?(path: string, caller: Caller): MaybePromise<FileSystemStats>;

  /** Extended attributes; without them ENOTSUP (getxattr, setxattr...) and an empty list. */
  getxattr?(path: string, name: string, caller: Caller): MaybePromise<Uint8Array>;
  /** flags: XATTR_CREATE (1), XATTR_REPLACE (2). */
  setxattr?(path: string, name: string, value: Uint8Array, flags: number, caller: Caller): MaybePromise<void>;
  listxattr?(path: string, caller: Caller): MaybePromise<readonly string[]>;
  removexattr?(path: string, name: string, caller: Caller): MaybePromise<void>;

  /** The mount is going away (the monitor stops): flush what must be kept. */
  destroy?(): MaybePromise<void>;
}
