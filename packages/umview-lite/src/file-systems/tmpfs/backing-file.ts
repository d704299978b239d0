// A regular file's bytes in a kernel file (FileSystem.backing): an O_TMPFILE file of the
// monitor's, which the traced program reads and writes directly through its own open of
// /proc/<monitor>/fd/N. While a file has one, it is the only copy of the file's bytes: the
// module's own reads, writes, truncates and fallocates go to it too, and the file's size, data
// times and allocated pages are read back from it with fstat, since the traced program changes
// them without telling the module.
//
// Why O_TMPFILE in os.tmpdir() and not a memfd: page-cache reads of an ext4 file measured ~1.5x
// faster here than memfd's shmem; the file has no name, so nothing is left behind even when the
// monitor is SIGKILLed (it goes with its last fd). Where the directory's file system has no
// O_TMPFILE (EOPNOTSUPP, or EISDIR from a kernel that predates it), there is no backing: the
// files stay in Buffers and are served call by call, as before.
//
// Times: the traced program's writes set the kernel file's mtime/ctime (and reads its atime,
// as the host mount's relatime says); the module's own changes set the inode's, from its clock.
// So the last fstat seen is kept, and a later fstat that differs from it names what the traced
// program changed meanwhile (multigrain timestamps make a write just after an fstat visible).
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync, constants, type BigIntStats } from 'node:fs';
import { O_TMPFILE } from '../../linux.js';
import { FsError } from '../../vfs/file-system.js';
import type { FileData } from './file-data.js';
import { allocatedRanges, dataRanges, fallocate } from './kernel-file-calls.js';
import { PAGE_SIZE, type SpaceAccount } from './space.js';

/** How much a copy between a backing file and a Buffer moves at once. */
const COPY_PIECE = 1 << 20;
const FALLOC_FL_KEEP_SIZE = 1;

/** What the traced program changed since the module last looked. */
export interface BackingChanges {
  readonly atimeNs?: bigint;
  /** A write or a truncate: new mtime and ctime. */
  readonly modified?: { mtimeNs: bigint; ctimeNs: bigint };
}

const NO_CHANGES: BackingChanges = {};

export class BackingFile {
  /** Pages counted against the mount for this file: its allocated blocks at the last fstat. */
  private counted = 0;
  private seen: BigIntStats;

  private constructor(
    readonly fd: number,
    private readonly space: SpaceAccount,
  ) {
    this.seen = this.measure();
  }

  /** A new backing file in `directory` holding `data`'s bytes (its holes left holes, its pages
   * allocated past the end, fallocate's KEEP_SIZE, allocated there too), whose pages are then
   * counted instead of `data`'s (emptied). Throws node:fs's error when the directory's file
   * system cannot make one. */
  static fromData(directory: string, data: FileData, space: SpaceAccount): BackingFile {
    const fd = openSync(directory, O_TMPFILE | constants.O_RDWR, 0o600);
    try {
      const size = data.size;
      const beyond: Array<[number, number]> = [];
      for (const { position, bytes } of data.allocatedRuns()) {
        const end = position + bytes.length;
        if (position < size) writeAll(fd, bytes.subarray(0, Math.min(end, size) - position), position);
        if (end > size) beyond.push([Math.max(position, size), end]);
      }
      // Never a truncate to 0 (see `truncate`).
      if (size > 0) ftruncateSync(fd, size);
      for (const [start, end] of beyond) fallocate(fd, FALLOC_FL_KEEP_SIZE, start, end - start);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    data.free();
    return new BackingFile(fd, space);
  }

  /** Bytes at the last look (call `changes()` first for the current size). */
  get size(): number {
    return Number(this.seen.size);
  }

  /** Allocated pages at the last look. */
  get pages(): number {
    return this.counted;
  }

  /** Looks at the file: the size, pages (the mount's count follows) and what the traced
   * program changed since the last look. */
  changes(): BackingChanges {
    const before = this.seen;
    const now = this.measure();
    this.seen = now;
    const modified = now.mtimeNs !== before.mtimeNs || now.ctimeNs !== before.ctimeNs || now.size !== before.size;
    if (!modified && now.atimeNs === before.atimeNs) return NO_CHANGES;
    return {
      ...(now.atimeNs !== before.atimeNs ? { atimeNs: now.atimeNs } : {}),
      ...(modified ? { modified: { mtimeNs: now.mtimeNs, ctimeNs: now.ctimeNs } } : {}),
    };
  }

  /** After a change made by the module itself: looked at, so that it is not taken for the
   * traced program's (the module sets the times from its own clock). */
  private settled(): void {
    this.seen = this.measure();
  }

  read(position: number, length: number): Buffer {
    const end = Math.min(Number(fstatSync(this.fd, { bigint: true }).size), position + length);
    if (end <= position) return Buffer.alloc(0);
    const out = Buffer.alloc(end - position);
    let got = 0;
    while (got < out.length) {
      const n = readSync(this.fd, out, got, out.length - got, position + got);
      if (n === 0) break; // truncated meanwhile by the traced program
      got += n;
    }
    this.settled();
    return got === out.length ? out : out.subarray(0, got);
  }

  /** The module's write, held to the size limit as FileData.write holds it: page after page in
   * order, a short write at the first page that cannot be had, ENOSPC when none could. Call
   * `changes()` first (the count of pages in use must be current). */
  write(data: Uint8Array, position: number): number {
    let length = data.length;
    const newPages = this.unallocatedPages(position, position + length);
    if (newPages.length > this.space.freePages) {
      const firstRefused = newPages[this.space.freePages]!;
      length = Math.max(0, firstRefused * PAGE_SIZE - position);
      if (length === 0) throw new FsError('ENOSPC');
    }
    writeAll(this.fd, data.subarray(0, length), position);
    this.settled();
    return length;
  }

  /** Growing makes a hole (no space taken, as tmpfs). A truncate to the size the file has is
   * not made: ext4 marks a file truncated to 0 for writeback at its next close (auto_da_alloc,
   * for programs that replace a file's contents without fsync), which made every `dd of=` onto
   * a new file start writing 256 MiB to disk at its close (2x slower than on a named file). */
  truncate(size: number): void {
    if (size !== Number(fstatSync(this.fd, { bigint: true }).size)) ftruncateSync(this.fd, size);
    this.settled();
  }

  /** fallocate (mode 0 or KEEP_SIZE): all or nothing against the limit (`changes()` first). */
  allocate(offset: number, length: number, keepSize: boolean): void {
    if (this.unallocatedPages(offset, offset + length).length > this.space.freePages) throw new FsError('ENOSPC');
    fallocate(this.fd, keepSize ? 1 : 0, offset, length);
    this.settled();
  }

  /** Moves the bytes back into `data` (empty; its pages taken past the limit if need be: they
   * are in use already), every allocated page staying allocated (fallocate's included, past the
   * end too), and closes the file. Where the backing files' file system has no FIEMAP (os.tmpdir()
   * on a tmpfs), a page fallocate reserved and nothing wrote is not seen (SEEK_DATA calls it a
   * hole): it is not allocated in `data`, and st_blocks shrinks by it. */
  foldInto(data: FileData): void {
    const size = Number(fstatSync(this.fd, { bigint: true }).size);
    const allocated = allocatedRanges(this.fd) ?? dataRanges(this.fd, 0, size);
    const buffer = Buffer.alloc(Math.min(COPY_PIECE, Math.max(size, 1)));
    for (const [start, end] of allocated) {
      // An unwritten extent reads as zeros: written so, its pages are allocated.
      for (let at = start, stop = Math.min(end, size); at < stop; ) {
        const n = readSync(this.fd, buffer, 0, Math.min(buffer.length, stop - at), at);
        if (n === 0) break;
        data.write(buffer.subarray(0, n), at, true);
        at += n;
      }
    }
    data.truncate(size);
    for (const [start, end] of allocated) if (end > size) data.allocate(Math.max(start, size), end - Math.max(start, size), true, true);
    this.close();
  }

  /** Gives the file's pages back and closes it. */
  close(): void {
    this.space.givePages(this.counted);
    this.counted = 0;
    closeSync(this.fd);
  }

  /** fstat, with the mount's page count brought to the file's allocated blocks. */
  private measure(): BigIntStats {
    const stats = fstatSync(this.fd, { bigint: true });
    const pages = Math.ceil((Number(stats.blocks) * 512) / PAGE_SIZE);
    if (pages > this.counted) this.space.takePages(pages - this.counted, true);
    else this.space.givePages(this.counted - pages);
    this.counted = pages;
    return stats;
  }

  /** The page numbers in [from, to) that hold no data yet, in order (a page written in part
   * is allocated whole). */
  private unallocatedPages(from: number, to: number): number[] {
    const pages: number[] = [];
    if (to <= from) return pages;
    let page = Math.floor(from / PAGE_SIZE);
    const last = Math.ceil(to / PAGE_SIZE);
    const ranges = allocatedRanges(this.fd) ?? dataRanges(this.fd, page * PAGE_SIZE, last * PAGE_SIZE);
    for (const [start, end] of ranges) {
      if (end <= page * PAGE_SIZE) continue;
      if (start >= last * PAGE_SIZE) break;
      for (; page < Math.floor(start / PAGE_SIZE); page++) pages.push(page);
      page = Math.max(page, Math.ceil(end / PAGE_SIZE));
    }
    for (; page < last; page++) pages.push(page);
    return pages;
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}
