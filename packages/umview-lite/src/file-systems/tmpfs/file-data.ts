// A regular file's bytes: sparse, in 64 KiB chunks made on first write (a hole costs nothing and
// reads as zeros), so a 256 MiB file is 4096 chunks and a write copies only what it writes. A
// file's first chunk starts as small as its data (rounded to a page) and doubles as it grows, so
// that a tree of small files (headers, sources) costs about its size, not 64 KiB a file. The
// space is counted as the kernel's tmpfs counts it, in 4 KiB pages, each taken from the mount's
// SpaceAccount when first written and given back when truncated away or freed.
import { FsError } from '../../vfs/file-system.js';
import { PAGE_SIZE, type SpaceAccount } from './space.js';

const CHUNK_SIZE = 64 * 1024;
const PAGES_PER_CHUNK = CHUNK_SIZE / PAGE_SIZE;
const EMPTY = Buffer.alloc(0);

interface Chunk {
  /** Up to CHUNK_SIZE bytes; what lies past its length reads as zeros. */
  bytes: Buffer;
  /** Bit i: page i of the chunk is allocated (counted against the size limit). */
  pages: number;
}

function popcount(bits: number): number {
  let count = 0;
  for (let b = bits; b !== 0; b &= b - 1) count++;
  return count;
}

export class FileData {
  size = 0;
  private allocated = 0;
  private readonly chunks = new Map<number, Chunk>();

  constructor(private readonly space: SpaceAccount) {}

  /** Pages allocated (st_blocks is 8 per page). */
  get pages(): number {
    return this.allocated;
  }

  /** Up to `length` bytes at `position`, fewer at the end of the file; a copy. */
  read(position: number, length: number): Buffer {
    const end = Math.min(this.size, position + length);
    if (end <= position) return Buffer.alloc(0);
    const out = Buffer.alloc(end - position);
    for (let at = position; at < end; ) {
      const index = Math.floor(at / CHUNK_SIZE);
      const offset = at - index * CHUNK_SIZE;
      const count = Math.min(CHUNK_SIZE - offset, end - at);
      const chunk = this.chunks.get(index);
      if (chunk && offset < chunk.bytes.length) chunk.bytes.copy(out, at - position, offset, Math.min(offset + count, chunk.bytes.length));
      at += count;
    }
    return out;
  }

  /** Writes `data` at `position`, page after page as the kernel does: when a page cannot be
   * had, the write stops there (a short write), and fails with ENOSPC if nothing was written.
   * `force`: the pages are taken past the limit (bytes coming back from a backing file). */
  write(data: Uint8Array, position: number, force = false): number {
    let written = 0;
    while (written < data.length) {
      const at = position + written;
      const index = Math.floor(at / CHUNK_SIZE);
      const offset = at - index * CHUNK_SIZE;
      const count = Math.min(CHUNK_SIZE - offset, data.length - written);
      const chunk = this.chunkAt(index);
      const fits = this.allocatePages(chunk, offset, offset + count, force);
      if (fits > 0) {
        this.reserve(chunk, index, offset + fits);
        chunk.bytes.set(data.subarray(written, written + fits), offset);
      }
      written += fits;
      if (fits < count) break;
    }
    this.dropIfEmpty(Math.floor((position + written) / CHUNK_SIZE));
    if (written === 0 && data.length > 0) throw new FsError('ENOSPC');
    if (position + written > this.size) this.size = position + written;
    return written;
  }

  /** Sets the size: shrinking frees the pages past it (and zeroes the rest of the last one);
   * growing makes a hole, which takes no space (as the kernel's tmpfs: no ENOSPC there). */
  truncate(size: number): void {
    if (size < this.size) {
      const firstFreePage = Math.ceil(size / PAGE_SIZE);
      for (const [index, chunk] of this.chunks) {
        const chunkStart = index * CHUNK_SIZE;
        if (chunkStart + CHUNK_SIZE <= size) continue;
        const from = Math.max(0, size - chunkStart);
        if (from < chunk.bytes.length) chunk.bytes.fill(0, from);
        const keep = Math.max(0, firstFreePage - index * PAGES_PER_CHUNK);
        const keepMask = keep >= PAGES_PER_CHUNK ? chunk.pages : chunk.pages & ((1 << keep) - 1);
        this.release(popcount(chunk.pages & ~keepMask));
        chunk.pages = keepMask;
        if (chunk.pages === 0) this.chunks.delete(index);
      }
    }
    this.size = size;
  }

  /** fallocate: allocates every page of [offset, offset+length), all or nothing (ENOSPC, with
   * the pages it took given back, as shmem_fallocate undoes a failed one); grows the size
   * unless keepSize. `force`: past the limit (pages coming back from a backing file). */
  allocate(offset: number, length: number, keepSize: boolean, force = false): void {
    const end = offset + length;
    const taken: Array<[Chunk, number]> = [];
    for (let at = offset; at < end; ) {
      const index = Math.floor(at / CHUNK_SIZE);
      const from = at - index * CHUNK_SIZE;
      const to = Math.min(CHUNK_SIZE, end - index * CHUNK_SIZE);
      const chunk = this.chunkAt(index);
      const before = chunk.pages;
      const fits = this.allocatePages(chunk, from, to, force);
      taken.push([chunk, chunk.pages & ~before]);
      if (fits < to - from) {
        for (const [undoChunk, bits] of taken) {
          undoChunk.pages &= ~bits;
          this.release(popcount(bits));
        }
        for (const [i, c] of this.chunks) if (c.pages === 0) this.chunks.delete(i);
        throw new FsError('ENOSPC');
      }
      at = index * CHUNK_SIZE + to;
    }
    if (!keepSize && end > this.size) this.size = end;
  }

  /** The allocated pages in order, as runs of bytes at their position (what lies past a
   * chunk's buffer reads as zeros): what a copy of the file must carry, its holes left out. The
   * last run may go past the size (a whole page). */
  *allocatedRuns(): Generator<{ position: number; bytes: Buffer }> {
    for (const index of [...this.chunks.keys()].sort((a, b) => a - b)) {
      const chunk = this.chunks.get(index)!;
      for (let page = 0; page < PAGES_PER_CHUNK; ) {
        if (!(chunk.pages & (1 << page))) {
          page++;
          continue;
        }
        let end = page + 1;
        while (end < PAGES_PER_CHUNK && chunk.pages & (1 << end)) end++;
        const from = page * PAGE_SIZE;
        const bytes = Buffer.alloc((end - page) * PAGE_SIZE);
        if (from < chunk.bytes.length) chunk.bytes.copy(bytes, 0, from, Math.min(end * PAGE_SIZE, chunk.bytes.length));
        yield { position: index * CHUNK_SIZE + from, bytes };
        page = end;
      }
    }
  }

  /** Gives every page back (the inode is gone). */
  free(): void {
    this.release(this.allocated);
    this.chunks.clear();
    this.size = 0;
  }

  private chunkAt(index: number): Chunk {
    let chunk = this.chunks.get(index);
    if (!chunk) {
      chunk = { bytes: EMPTY, pages: 0 };
      this.chunks.set(index, chunk);
    }
    return chunk;
  }

  /** Makes the chunk's buffer hold at least `end` bytes: the first chunk doubles (from a page),
   * any other is made whole at once (the file is past 64 KiB already). */
  private reserve(chunk: Chunk, index: number, end: number): void {
    if (chunk.bytes.length >= end) return;
    const length = index > 0 ? CHUNK_SIZE : Math.min(CHUNK_SIZE, Math.max(Math.ceil(end / PAGE_SIZE) * PAGE_SIZE, chunk.bytes.length * 2));
    const bytes = Buffer.alloc(length);
    chunk.bytes.copy(bytes);
    chunk.bytes = bytes;
  }

  private dropIfEmpty(index: number): void {
    if (this.chunks.get(index)?.pages === 0) this.chunks.delete(index);
  }

  /** Allocates the pages covering [from, to) of a chunk, in order, and returns how many of those
   * bytes are now backed (all of them, or up to the first page that could not be had). */
  private allocatePages(chunk: Chunk, from: number, to: number, force = false): number {
    const first = Math.floor(from / PAGE_SIZE);
    const last = Math.floor((to - 1) / PAGE_SIZE);
    for (let page = first; page <= last; page++) {
      const bit = 1 << page;
      if (chunk.pages & bit) continue;
      if (this.space.takePages(1, force) === 0) return Math.max(0, page * PAGE_SIZE - from);
      chunk.pages |= bit;
      this.allocated++;
    }
    return to - from;
  }

  private release(count: number): void {
    this.allocated -= count;
    this.space.givePages(count);
  }
}
