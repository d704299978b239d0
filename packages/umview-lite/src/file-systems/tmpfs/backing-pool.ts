// Which tmpfs files have a backing kernel file (backing-file.ts), and for how long: the policy,
// in one place.
//
// A file gets its backing file at an open (FileSystem.backing) and keeps it while any open
// description of it exists (hard links share the inode, hence the backing file; an unlinked
// open file keeps it until its last release). At the last release:
// - a file of at most `foldAtMost` bytes goes back into Buffers and its fd is closed: small
//   files are the many (a source tree, headers), cost little to copy, and would otherwise hold
//   one fd each for good;
// - a bigger one keeps its backing file, idle, so that the next open is fast without copying
//   it again (copying 256 MiB at each open would cost more than the reads it saves).
// At most `maxFiles` backing files exist at once (the monitor's fds are bounded, and each
// backing file is one). When an open needs one and the budget is spent, the least recently
// released idle file folds back into Buffers to make room; when every one is held by an open
// file, `backing` says undefined and the open is served call by call (a stop per read and
// write), as every open was before.
//
// A read-only open of a file in Buffers gets one only when the file is bigger than
// `minReadOnlySize` (by default just over `foldAtMost`: it then keeps it, and the copy is paid
// once). For a smaller one the backing file would be made and folded back at every open (a new
// inode on the host's disk, a copy in, the traced program's extra open through /proc, a copy
// out), which costs more than the few stopped reads of a program that reads with a large
// buffer (cat, cp, gcc: a read or two per file). A writable open always gets one (budget
// permitting): the size it will reach is not known (`cp` creates an empty file and writes
// 256 MiB into it); `cp -a /usr/include` (8,321 files) took 3.3-5.6 s so against 5.8-9.0 s
// call by call (a loaded 2-CPU machine, 3 runs each).
//
// The size limit (size=, nr_blocks=) cannot be held call by call for writes through a backing
// file: the kernel runs them without asking the module. It is held this way instead:
// - the pages a backing file holds (its allocated blocks, from fstat) count against the limit,
//   re-read at every getattr, statfs, module operation on the file, and release;
// - a writable open gets no backing file while the mount is full (no free page): it is then
//   served call by call, and its writes fail with ENOSPC as before;
// - the module's own writes (opens without a backing file) are held page by page as before.
// So a program that holds a writable fd with a backing file can write past the limit until it
// closes it; what it wrote is then counted (statfs says the mount is full, further writes fail
// with ENOSPC) and nothing it wrote is lost. The README's tmpfs section says so.
import { tmpdir } from 'node:os';
import { BackingFile } from './backing-file.js';
import type { Inode } from './inode.js';
import type { SpaceAccount } from './space.js';

export interface BackingPolicy {
  /** The most backing files (fds of the monitor) a mount holds at once. */
  readonly maxFiles: number;
  /** At the last release, a file of at most this many bytes goes back into Buffers. */
  readonly foldAtMost: number;
  /** A read-only open of a smaller file in Buffers is served call by call. */
  readonly minReadOnlySize: number;
  /** Where the O_TMPFILE files are made (their file system must support O_TMPFILE). */
  readonly directory: string;
}

export const DEFAULT_BACKING_POLICY: Omit<BackingPolicy, 'directory'> = {
  maxFiles: 1024,
  foldAtMost: 1 << 20,
  minReadOnlySize: (1 << 20) + 1,
};

/** node:fs error codes of an O_TMPFILE open that will fail again: the directory's file system
 * cannot make unnamed files (or the directory is unusable); the mount then makes no more. */
const PERMANENT = new Set(['EOPNOTSUPP', 'ENOTSUP', 'EISDIR', 'EINVAL', 'ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS']);

export class BackingPool {
  readonly policy: BackingPolicy;
  /** Inodes with a backing file and no open description, least recently released first. */
  private readonly idle = new Set<Inode>();
  private readonly backed = new Set<Inode>();
  /** Why backing files cannot be made here (then none are). */
  private unavailable: string | undefined;

  constructor(
    private readonly space: SpaceAccount,
    policy: Partial<BackingPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_BACKING_POLICY, directory: tmpdir(), ...policy };
  }

  /** How many backing files are open, how many of them idle, and why none can be made if so. */
  get stats(): { files: number; idle: number; unavailable: string | undefined } {
    return { files: this.backed.size, idle: this.idle.size, unavailable: this.unavailable };
  }

  /** The fd of `inode`'s backing file for an open (FileSystem.backing), made if the policy
   * gives one; undefined: the open is served call by call. The inode is open (openCount > 0). */
  acquire(inode: Inode, writable: boolean): number | undefined {
    if (inode.backing) {
      this.idle.delete(inode);
      return inode.backing.fd;
    }
    if (this.unavailable !== undefined || !inode.data) return undefined;
    if (writable ? this.space.freePages === 0 : inode.data.size < this.policy.minReadOnlySize) return undefined;
    if (this.backed.size >= this.policy.maxFiles && !this.evictOne()) return undefined;
    try {
      inode.backing = BackingFile.fromData(this.policy.directory, inode.data, this.space);
    } catch (error) {
      const code = (error as { code?: string }).code ?? String(error);
      if (PERMANENT.has(code)) this.unavailable = `O_TMPFILE in ${this.policy.directory}: ${code}`;
      return undefined; // EMFILE, ENOSPC on the host...: this open goes call by call
    }
    this.backed.add(inode);
    return inode.backing.fd;
  }

  /** The last open description of a still linked `inode` was released: the policy above. */
  lastReleased(inode: Inode): void {
    if (!inode.backing) return;
    inode.sync();
    if (inode.backing.size <= this.policy.foldAtMost) this.fold(inode);
    else this.idle.add(inode);
  }

  /** The inode is gone (no name, no open description): its backing file closes with it. Also
   * an idle file's about to be truncated to 0 (its bytes are not kept: `data` is empty). */
  forget(inode: Inode): void {
    if (!inode.backing) return;
    inode.backing.close();
    inode.backing = undefined;
    this.backed.delete(inode);
    this.idle.delete(inode);
  }

  /** Reads every backing file's size, pages and times (statfs: the count must be current). */
  syncAll(): void {
    for (const inode of this.backed) inode.sync();
  }

  /** Closes every backing file (the mount goes away; a traced program's own open of one keeps
   * that file alive until it closes it). */
  closeAll(): void {
    for (const inode of [...this.backed]) this.forget(inode);
  }

  private evictOne(): boolean {
    const oldest = this.idle.values().next();
    if (oldest.done) return false;
    this.fold(oldest.value);
    return true;
  }

  private fold(inode: Inode): void {
    inode.sync();
    inode.backing!.foldInto(inode.data!);
    inode.backing = undefined;
    this.backed.delete(inode);
    this.idle.delete(inode);
  }
}
