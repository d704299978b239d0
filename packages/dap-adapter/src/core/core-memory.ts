// The memory of a dead process, as gdb reads it: the bytes the core holds (PT_LOAD, up to each
// segment's file size), and where the core has none, the file that was mapped there (NT_FILE)
// at its file offset: the kernel and gcore leave out read-only file mappings (code, read-only
// data), which are the same as on disk. What is in neither is unreadable.
import { statSync } from 'node:fs';
import { FileByteSource } from '../symbols/elf/byte-source.js';
import type { ThreadMemory } from '../inspect/thread-access.js';
import type { CoreFile, CoreFileMapping } from './core-file.js';

const DELETED_SUFFIX = ' (deleted)';

export class CoreMemory implements ThreadMemory {
  /** Files of NT_FILE opened so far; null when they cannot be opened (missing, unreadable). */
  private readonly opened = new Map<string, FileByteSource | null>();
  private readonly files: readonly CoreFileMapping[];

  /**
   * @param core the core file
   * @param pathOf where a mapped file is on this machine (the executable given by the user may
   * live elsewhere than where it was when the core was made); undefined: only the core's own
   * bytes are read
   */
  constructor(private readonly core: CoreFile, private readonly pathOf: (path: string) => string | undefined = (path) => path) {
    this.files = [...core.files].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  readAvailable(address: bigint, target: Uint8Array): number {
    let done = 0;
    while (done < target.length) {
      const count = this.readSome(address + BigInt(done), target.subarray(done));
      if (count === 0) break;
      done += count;
    }
    return done;
  }

  /** Exactly `length` bytes; throws if some cannot be read. */
  read(address: bigint, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    const count = this.readAvailable(address, buffer);
    if (count < length) throw new Error(`Cannot access memory at address 0x${(address + BigInt(count)).toString(16)}`);
    return buffer;
  }

  /** How many bytes from `address` (which cannot be read) to the next readable byte, at most `limit`. */
  unreadableRun(address: bigint, limit: number): number {
    let next: bigint | undefined;
    const consider = (start: bigint): void => {
      if (start > address && (next === undefined || start < next)) next = start;
    };
    for (const segment of this.core.segments) if (segment.fileSize > 0) consider(segment.start);
    for (const file of this.files) if (this.source(file.path) !== undefined) consider(file.start);
    if (next === undefined) return limit;
    const gap = next - address;
    return gap < BigInt(limit) ? Number(gap) : limit;
  }

  /**
   * The mapped files that cannot be read on this machine (missing, unreadable, not a regular
   * file), and those that were deleted after they were mapped (" (deleted)", as the kernel names
   * them): what the core does not hold of them is unreadable. Devices (/dev) are neither.
   */
  missingFiles(): { missing: string[]; deleted: string[] } {
    const missing: string[] = [];
    const deleted: string[] = [];
    for (const path of new Set(this.files.map((file) => file.path))) {
      if (this.source(path) !== undefined) continue;
      if (path.endsWith(DELETED_SUFFIX)) deleted.push(path.slice(0, -DELETED_SUFFIX.length));
      else if (!path.startsWith('/dev/')) missing.push(path);
    }
    return { missing, deleted };
  }

  close(): void {
    for (const source of this.opened.values()) source?.close();
    this.opened.clear();
  }

  /** Reads from one place (a segment's bytes, or one mapped file) as much as it holds from `address`. */
  private readSome(address: bigint, target: Uint8Array): number {
    const segment = this.core.segmentAt(address);
    if (segment !== undefined) {
      const within = address - segment.start;
      if (within < BigInt(segment.fileSize)) {
        const count = Math.min(target.length, Number(BigInt(segment.fileSize) - within));
        target.set(this.core.readFile(segment.fileOffset + Number(within), count));
        return count;
      }
    }
    const file = this.fileAt(address);
    if (file === undefined) return 0;
    const source = this.source(file.path);
    if (source === undefined) return 0;
    const offset = file.offset + (address - file.start);
    if (offset >= BigInt(source.size)) return 0;
    // Up to the end of the mapping, the file, and of the segment's own bytes that follow.
    let end = file.end - address;
    const fileLeft = BigInt(source.size) - offset;
    if (fileLeft < end) end = fileLeft;
    if (segment === undefined) {
      const following = this.core.segments.find((candidate) => candidate.start > address && candidate.fileSize > 0);
      if (following !== undefined && following.start - address < end) end = following.start - address;
    }
    const count = Math.min(target.length, Number(end));
    target.set(source.read(Number(offset), count));
    return count;
  }

  private fileAt(address: bigint): CoreFileMapping | undefined {
    for (const file of this.files) {
      if (file.start > address) break;
      if (address < file.end) return file;
    }
    return undefined;
  }

  private source(path: string): FileByteSource | undefined {
    if (!this.opened.has(path)) {
      let source: FileByteSource | null = null;
      const local = this.pathOf(path);
      try {
        // Regular files only: a core may name anything, and opening a FIFO would wait forever.
        if (local !== undefined && statSync(local).isFile()) source = new FileByteSource(local);
      } catch {
        // missing or unreadable: its memory is unreadable, and the session says so
      }
      this.opened.set(path, source);
    }
    return this.opened.get(path) ?? undefined;
  }
}

