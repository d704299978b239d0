// The archive members' copies kept from one run to the next: a member's backing file
// (extracted-members.ts) is linked, once complete, into a directory of the user's cache, under
// a name made of the archive's identity and the member's; a later mount of the same archive
// opens it instead of copying the member again. A member's first open in any run pays the copy
// (~1.6 x a read of the same bytes here: no kernel file is a slice of another without one); the
// next runs read it at the host file's speed from their first open, as a rootfs or a toolchain
// unpacked once would be.
//
// The rules:
// - The directory follows the project's rule for files read back and trusted (ptrace-core's
//   private-directory.ts): $XDG_CACHE_HOME/umview-lite/archive-copies, else ~/.cache/...; where
//   it does not pass, nothing is kept (the copies are the mount's own, as with `transient`).
// - A name is the SHA-256 of the archive's path and identity (device, inode, size, mtime and
//   ctime to the ns: any change to the archive, even a chmod, gives new names) and of the
//   member's place in it (MemberContent.id). A copy is linked in only once complete (made as an
//   unnamed O_TMPFILE file, then linkat through /proc/self/fd): a crash leaves no half copy.
//   Two runs making the same copy at once both succeed; the second link finds the first.
// - A copy is used only while it is what this code made: a regular file of the user's, mode
//   0400, of the member's size. Anything else under a name is removed and made again.
// - The names together stay within the mount's `cache=` budget: the least recently used go
//   first (a use sets the copy's mtime). A copy removed while a run has it open lives on for
//   that run (the kernel keeps an unlinked file until its last fd).
import { closeSync, constants, fstatSync, futimesSync, lstatSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDirectory } from '@umview/ptrace-core/internal';
import { AT_FDCWD, AT_SYMLINK_FOLLOW, O_TMPFILE } from '../../linux.js';
import { cString, sys } from '../../proxy/host-syscalls.js';
import { spareBytes } from './free-space.js';
import { userCacheDirectory } from './user-cache.js';

const NAME = /^[0-9a-f]{64}$/;
/** The one mode a kept copy has: read-only for its owner, as extracted-members.ts leaves it. */
const KEPT_MODE = 0o400;

/** The directory of kept copies, or why there is none. */
export function keptCopiesDirectory(): { directory?: string; problem?: string } {
  const base = userCacheDirectory();
  if (!base) return { problem: 'no XDG_CACHE_HOME and no home directory' };
  const directory = join(base, 'archive-copies');
  const problem = makePrivateDirectory(directory);
  return problem ? { problem } : { directory };
}

export class KeptCopies {
  constructor(
    readonly directory: string,
    /** What the archive is: its path and identity (see `archiveIdentity`). */
    private readonly archive: string,
    /** Bytes the names may take together. */
    private readonly budget: number,
  ) {}

  /** The name of the copy of the member `memberId`. */
  nameOf(memberId: string): string {
    // node:crypto loaded at the first name, not with the module: ~3 ms of every start-up.
    return process.getBuiltinModule('node:crypto').createHash('sha256').update(this.archive).update('\0').update(memberId).digest('hex');
  }

  /** The kept copy `name`, open read-only, when there is a sound one of `size` bytes (its use
   * noted); undefined otherwise (an unsound one is removed). */
  find(name: string, size: number): number | undefined {
    const path = join(this.directory, name);
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      return undefined;
    }
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.uid !== process.geteuid!() || (stats.mode & 0o7777) !== KEPT_MODE || stats.size !== size) {
      closeSync(fd);
      removeQuietly(path);
      return undefined;
    }
    touch(fd);
    return fd;
  }

  /** A new unnamed file in the directory, open for writing, for a copy of `size` bytes, room
   * made for it first; undefined when there is no room, or no O_TMPFILE on the directory's file
   * system (the caller then makes a copy of the mount's own). */
  create(size: number): number | undefined {
    if (size > this.budget || !this.makeRoom(size)) return undefined;
    try {
      return openSync(this.directory, O_TMPFILE | constants.O_RDWR, 0o600);
    } catch {
      return undefined;
    }
  }

  /** The complete copy `fd` (read-only already) is kept under `name`. Best effort: a copy not
   * kept still serves this mount. */
  keep(fd: number, name: string): void {
    const result = sys('linkat', AT_FDCWD, cString(`/proc/self/fd/${fd}`), AT_FDCWD, cString(join(this.directory, name)), AT_SYMLINK_FOLLOW);
    if (result >= 0) touch(fd);
    // EEXIST: another run kept the same copy meanwhile; anything else: not kept.
  }

  /** Removes the least recently used names until `size` more bytes fit in the budget, and
   * checks the file system has room (a tenth of its free space left to others). */
  private makeRoom(size: number): boolean {
    let entries: { path: string; size: number; used: number }[] = [];
    try {
      for (const name of readdirSync(this.directory)) {
        if (!NAME.test(name)) continue;
        const path = join(this.directory, name);
        try {
          const stats = lstatSync(path);
          entries.push({ path, size: stats.isFile() ? stats.size : 0, used: stats.mtimeMs });
        } catch {
          /* removed by another run meanwhile */
        }
      }
      if (size > spareBytes(this.directory)) return false;
    } catch {
      return false;
    }
    let total = entries.reduce((sum, entry) => sum + entry.size, 0);
    entries = entries.sort((a, b) => a.used - b.used);
    for (const entry of entries) {
      if (total + size <= this.budget) break;
      removeQuietly(entry.path);
      total -= entry.size;
    }
    return total + size <= this.budget;
  }
}

/** The archive's path and identity, as a kept copy's name takes them; undefined when the
 * archive cannot be stat'ed. */
export function archiveIdentity(path: string): string | undefined {
  try {
    const s = statSync(path, { bigint: true });
    return [path, s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join('\0');
  } catch {
    return undefined;
  }
}

/** Marks a copy used now (the order in which copies are removed to make room). */
function touch(fd: number): void {
  try {
    const now = Date.now() / 1000;
    futimesSync(fd, now, now);
  } catch {
    /* only the order of removal suffers */
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* gone already */
  }
}
