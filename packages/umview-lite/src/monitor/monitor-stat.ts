// The stat family run by the monitor itself, into a buffer of its own: the kernel's struct,
// with no Stats object (and its four dates) made for it. Fake root runs a tracee's stat here,
// on the path the guest root resolved (or the fd's /proc link), lays its view over the struct,
// writes it into the tracee's buffer and skips the call: one system call of the monitor's
// instead of an exit stop of the tracee's (under a guest root, stat is the commonest call there
// is). The resolvers (the guest root's, remap's walk) ask it each component's type
// (fileKind): Node's lstatSync cost ~2 µs more a rootfs open or stat (a C loop of 20,000,
// pinned).
import { getLibc, pinnedBuffer } from '@umview/ptrace-core/internal';
import { ERRNO, syscallNumber } from '@umview/ptrace-core';
import { AT_FDCWD } from '../linux.js';
import { PinnedPath } from './pinned-path.js';

const AT_SYMLINK_NOFOLLOW = 0x100;
/** statx's AT_STATX_SYNC_AS_STAT / FORCE_SYNC / DONT_SYNC bits, passed on as asked. */
const AT_STATX_SYNC_TYPE = 0x6000;
const NEWFSTATAT = syscallNumber('newfstatat')!;
const STATX = syscallNumber('statx')!;
/** struct stat is 144 bytes, struct statx 256. */
const STAT_SIZE = 144;
const STATX_SIZE = 256;

export class MonitorStat {
  private readonly libc = getLibc();
  private readonly path = new PinnedPath();
  private readonly out = pinnedBuffer(STATX_SIZE);
  private readonly outAddress = this.libc.address(this.out);
  /** The struct as 32-bit words, for a reader that wants numbers without a call per field. */
  readonly words = new Uint32Array(this.out.buffer, this.out.byteOffset, STATX_SIZE / 4);

  /** stat (or, with `statx`, statx with its sync flags and mask) of `path`: the struct's bytes
   * (a view valid until the next run), or -errno. */
  run(path: string | Buffer, follow: boolean, statx?: { flags: number; mask: number }): Buffer | number {
    if (!this.path.set(path)) return -ERRNO.ENAMETOOLONG; // as the kernel would
    const nofollow = follow ? 0 : AT_SYMLINK_NOFOLLOW;
    const result = statx === undefined
      ? this.libc.syscall6(NEWFSTATAT, AT_FDCWD, this.path.address, this.outAddress, nofollow, 0, 0)
      : this.libc.syscall6(STATX, AT_FDCWD, this.path.address, (statx.flags & AT_STATX_SYNC_TYPE) | nofollow, statx.mask, this.outAddress, 0);
    if (result < 0) return -this.libc.errno();
    return this.out.subarray(0, statx === undefined ? STAT_SIZE : STATX_SIZE);
  }
}

export const MISSING = 0;
export const DIRECTORY = 1;
export const LINK = 2;
export const OTHER = 3;
export type FileKind = typeof MISSING | typeof DIRECTORY | typeof LINK | typeof OTHER;

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** struct stat's fields (x86-64): st_dev, st_ino, st_mode, st_size, st_mtim, st_ctim. */
const ST_DEV = 0;
const ST_INO = 8;
const ST_MODE = 24;
const ST_SIZE = 48;
const ST_MTIM = 88;
const ST_CTIM = 104;
/** Made at the first lookup: importing this module loads no native code. */
let shared: MonitorStat | undefined;

/** What the host's `path` is, not following a last symlink (MISSING for any error: ENOENT,
 * and EACCES or ENOTDIR above it, which the kernel reports for the tracee's call). */
export function fileKind(path: string): FileKind {
  const st = (shared ??= new MonitorStat()).run(path, false);
  if (typeof st === 'number') return MISSING;
  const type = st.readUInt32LE(ST_MODE) & S_IFMT;
  return type === S_IFLNK ? LINK : type === S_IFDIR ? DIRECTORY : OTHER;
}

/** How many 32-bit words a file stamp has (see fileStamp). */
export const STAMP_WORDS = 14;
/** The 32-bit words of struct stat a stamp is made of: st_dev, st_ino, st_size, st_mtim and
 * st_ctim. */
const STAMP_FROM: readonly number[] = ([[ST_DEV, 8], [ST_INO, 8], [ST_SIZE, 8], [ST_MTIM, 16], [ST_CTIM, 16]] as const)
  .flatMap(([offset, bytes]) => Array.from({ length: bytes / 4 }, (_, i) => offset / 4 + i));

/** Writes into `into` (STAMP_WORDS words) a name for the content and permissions of the file at
 * `path` (followed), for a cache of what was read of it: its device and inode, size, and
 * modification and change times (a write, a chmod or a replacement changes one of them).
 * 'missing' when it cannot be stat'ed (nor opened, then), 'changing' when it changed in the
 * last second: timestamps have the kernel clock's tick as their granularity, so two writes of
 * the same size in one tick look alike ("racy git"). Numbers, not a string: it runs at every
 * execve of a shell loop. */
export function fileStamp(path: string | Buffer, into: Uint32Array): 'stamped' | 'missing' | 'changing' {
  const stat = (shared ??= new MonitorStat());
  if (typeof stat.run(path, true) === 'number') return 'missing';
  const words = stat.words;
  const changed = words[ST_CTIM / 4]! + (words[ST_CTIM / 4 + 1]! | 0) * 2 ** 32;
  if (changed >= Math.floor(Date.now() / 1000) - 1) return 'changing';
  for (let i = 0; i < STAMP_WORDS; i++) into[i] = words[STAMP_FROM[i]!]!;
  return 'stamped';
}
