// The archive's backing files (FileSystem.backing): no kernel file holds exactly a member's
// bytes (a member is a slice of the archive, or compressed), so a member gets one the first time
// it is opened: an unnamed file (O_TMPFILE) the member is copied into (copy-range.ts for one
// stored as it is, its decompression otherwise), kept for the mount's life and shared by every
// later open of it, so that programs then read it in the kernel, without a stop per read; and
// kept for the next runs (kept-copies.ts) unless the mount is `transient`, so that a later run's
// first open of the member finds it made.
//
// The copies stay within a byte budget (the `cache=` option): the least recently opened copy no
// open file uses goes to make room; when there is none to drop, or the copy cannot be made
// (no space, a damaged member), the open is served call by call as before, where a damaged
// member's reads fail with EIO.
//
// Measured (taskset -c 1, medians of 5, a 256 MiB member of an uncompressed tar, page cache
// warm, on a 2-vCPU VM shared with other work: noisy): `dd bs=4k` of the host file natively
// 73 ms; copying the member out 110-120 ms (copy_file_range ext4 to ext4; sendfile into
// /dev/shm's tmpfs ~100-115 ms; a 1-8 MiB read-and-write loop 125-150 ms). Through umview-lite:
// dd of the member at its first open 179 ms (2.45x native: the copy, then the read), at a later
// open 64 ms (0.88x), with `prefetch` 65 ms (0.89x), call by call (--data-path=stop) 802 ms
// (11x). In the umview-lite bench (its host file written 1 MiB at a time, which the page cache
// keeps in large folios that 4 KiB reads go through faster: 47 ms against 59 for a
// copy_file_range copy and 49 for a copy written 8 MiB at a time): 3.46x at the first open,
// 1.34x with `prefetch`. A copy cannot be avoided (no reflink on ext4; FICLONERANGE would need
// the member's data at a 4 KiB boundary of the archive, where tar puts it at a 512-byte one),
// so the copy is kept for the next runs (below), and `prefetch` can move it to the mount. The
// same bench with the copy kept by an earlier run: 1.31x; `transient` (copied at the first
// open): 3.37x.
//
// Small members are not copied: see MIN_BACKED_SIZE.
import { closeSync, constants, fchmodSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { MaybePromise } from '../../vfs/file-system.js';
import { O_TMPFILE } from '../../linux.js';
import { spareBytes } from './free-space.js';
import type { KeptCopies } from './kept-copies.js';

/** Members smaller than this are served call by call: a backing file costs its creation, its
 * copy and the handing over (the open rewritten into a reopen through /proc, then an F_DUPFD
 * and a close injected), which a program reading a small file in one or two reads does not
 * win back.
 * Measured (taskset -c 1, medians of 5, 100 members opened, read to the end, closed; first
 * opens, then again; noisy), call by call against backed: 128 KiB reads (cat) of 64 KiB members
 * 48/38 ms against 83/44, of 256 KiB members 29/28 against 46/18; 4 KiB reads (dd bs=4k) of
 * 16 KiB members 46/46 against 44/28, of 64 KiB members 119/122 against 96/46, of 256 KiB
 * members 162/91 against 42/17. From 64 KiB a program reading 4 KiB at a time wins from the
 * first open, one reading in big chunks about breaks even at the later ones. (The monitor's
 * own FAST_MIN_BYTES, below which it does not ask, is lower: its cost has no copy in it.) */
export const MIN_BACKED_SIZE = 64 * 1024;


/** What can be copied out: a regular file member's content. */
export interface Extractable {
  /** What the member's bytes are within the archive (where they are stored, how): the name
   * of its kept copy, with the archive's identity. */
  readonly id: string;
  /** Writes the member's bytes into `fd` from its start. */
  extractInto(fd: number): MaybePromise<void>;
}

interface Copy {
  readonly fd: number;
  readonly size: number;
  /** Open files using it as their backing file: it stays while there are any. */
  users: number;
  /** Until the copy is complete. */
  pending?: Promise<number | undefined>;
  /** The name it is to be kept under once complete (a new copy in the kept copies' directory). */
  keepAs?: string;
}

export class ExtractedMembers {
  /** In order of last use, the least recent first (a Map keeps insertion order). */
  private readonly copies = new Map<Extractable, Copy>();
  private used = 0;
  private closed = false;

  constructor(
    /** Bytes the copies may take together. */
    private readonly budget: number,
    /** Where O_TMPFILE is refused (an old file system): a new file, already unlinked. */
    private readonly fallbackFile: () => number,
    /** Where the copies are kept for the next runs; without: each mount makes its own. */
    private readonly kept?: KeptCopies,
    private readonly directory = tmpdir(),
  ) {}

  /** The fd of `member`'s copy (made now, or shared), for an open file that uses it until it
   * calls `release`; undefined: serve this open call by call (nothing to release). */
  acquire(member: Extractable, size: number): MaybePromise<number | undefined> {
    if (this.closed || size < MIN_BACKED_SIZE) return undefined;
    const known = this.copies.get(member);
    if (known) {
      this.copies.delete(member);
      this.copies.set(member, known);
      known.users++;
      return known.pending ?? known.fd;
    }
    if (!this.makeRoom(size)) return undefined;
    const name = this.kept?.nameOf(member.id);
    const found = name === undefined ? undefined : this.kept!.find(name, size);
    if (found !== undefined) {
      this.copies.set(member, { fd: found, size, users: 1 });
      this.used += size;
      return found;
    }
    let fd: number | undefined;
    let keepAs: string | undefined;
    try {
      fd = name === undefined ? undefined : this.kept!.create(size);
      if (fd !== undefined) keepAs = name;
      else fd = this.newFile(size);
    } catch {
      return undefined;
    }
    if (fd === undefined) return undefined;
    const copy: Copy = { fd, size, users: 1, keepAs };
    this.copies.set(member, copy);
    this.used += size;
    let extracted: MaybePromise<void>;
    try {
      extracted = member.extractInto(fd);
    } catch {
      this.drop(member, copy);
      return undefined;
    }
    if (!(extracted instanceof Promise)) return this.ready(copy);
    copy.pending = extracted.then(
      () => {
        copy.pending = undefined;
        return this.ready(copy);
      },
      () => {
        this.drop(member, copy);
        return undefined;
      },
    );
    return copy.pending;
  }

  /** Makes `member`'s copy ahead of its first open (the mount's `prefetch`), when it fits in
   * what the budget has left without dropping another copy; no open file uses it meanwhile. */
  async prefetch(member: Extractable, size: number): Promise<void> {
    if (this.copies.has(member) || this.used + size > this.budget) return;
    const fd = await this.acquire(member, size);
    if (fd !== undefined) this.release(member);
  }

  /** An open file that got `member`'s copy from `acquire` is released. */
  release(member: Extractable): void {
    const copy = this.copies.get(member);
    if (copy && copy.users > 0) copy.users--;
  }

  /** Closes every copy (the mount is going away); one still being made is closed when its
   * copy stops (its fd number must not be reused while the copy goes on writing to it). */
  close(): void {
    this.closed = true;
    for (const copy of this.copies.values()) if (!copy.pending) closeSync(copy.fd);
    this.copies.clear();
    this.used = 0;
  }

  /** A complete copy: read-only from now on for its owner, so that a program of the same user
   * opening it through /proc for writing is refused (root passes anyway); kept for the next
   * runs when it is to be. */
  private ready(copy: Copy): number | undefined {
    let readOnly = true;
    try {
      fchmodSync(copy.fd, 0o400);
    } catch {
      readOnly = false; // hardening only, for a copy of this mount's own; a kept one must be
    }
    if (copy.keepAs !== undefined && readOnly) this.kept?.keep(copy.fd, copy.keepAs);
    if (this.closed) {
      closeSync(copy.fd);
      return undefined;
    }
    return copy.fd;
  }

  private drop(member: Extractable, copy: Copy): void {
    if (this.copies.get(member) === copy) {
      this.copies.delete(member);
      this.used -= copy.size;
    }
    closeSync(copy.fd);
  }

  /** Drops copies no open file uses, least recently used first, until `size` more bytes fit
   * in the budget. */
  private makeRoom(size: number): boolean {
    if (size > this.budget) return false;
    for (const [member, copy] of this.copies) {
      if (this.used + size <= this.budget) break;
      if (copy.users === 0 && !copy.pending) this.drop(member, copy);
    }
    return this.used + size <= this.budget;
  }

  /** A copy of this mount's own: an unnamed file in the temporary directory, when its free
   * space (less a tenth of it, left to others) holds `size` bytes. */
  private newFile(size: number): number | undefined {
    try {
      if (size > spareBytes(this.directory)) return undefined;
    } catch {
      return undefined;
    }
    try {
      return openSync(this.directory, O_TMPFILE | constants.O_RDWR, 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EOPNOTSUPP' || code === 'EISDIR' || code === 'EINVAL') return this.fallbackFile();
      throw error;
    }
  }
}
