// Copies a byte range from one host file to another inside the kernel: copy_file_range (a
// page-cache copy, or a reflink where the file system shares blocks), else sendfile (across
// file systems: copy_file_range says EXDEV between two kinds of file system), else pread and
// pwrite. It is how a member stored as it is in the archive becomes a file of its own
// (extracted-members.ts): ~2.4 GB/s here, Node's read-and-write loop being ~30% slower and
// freezing the monitor as long.
//
// Big ranges go a chunk at a time with a turn of the event loop between chunks, so that the
// monitor goes on serving the other traced processes while one member is copied (a call on a
// 256 MiB member would otherwise freeze them for ~0.1 s); a range of one chunk is copied at
// once, synchronously (an answer without a held call).
import { readSync, writeSync } from 'node:fs';
import { errnoName } from '@umview/ptrace-core';
import { pinnedBuffer } from '@umview/ptrace-core/internal';
import { sys } from '../../proxy/host-syscalls.js';
import { FsError, type MaybePromise } from '../../vfs/file-system.js';

/** Bytes copied between two turns of the event loop (~4 ms here). */
export const COPY_CHUNK = 8 * 1024 * 1024;
const SEEK_SET = 0;
/** What copy_file_range says when it cannot copy between these two files at all. */
const NOT_HERE = new Set(['EXDEV', 'EINVAL', 'EOPNOTSUPP', 'ENOSYS', 'EBADF']);

type Method = 'copy_file_range' | 'sendfile' | 'read-write';

/** Copies `length` bytes at `fromOffset` of `from` to `toOffset` of `to`. Fails with
 * FsError('EIO') when `from` ends first (an archive cut short since it was indexed), or with
 * the kernel's errno (ENOSPC...). */
export function copyRange(from: number, fromOffset: number, to: number, toOffset: number, length: number): MaybePromise<void> {
  const copier = new RangeCopier(from, fromOffset, to, toOffset, length);
  copier.step();
  return copier.done ? undefined : copier.rest();
}

class RangeCopier {
  private copied = 0;
  private method: Method = 'copy_file_range';
  /** loff_t in and out, in memory the kernel reads and writes. */
  private readonly fromAt = pinnedBuffer(8);
  private readonly toAt = pinnedBuffer(8);

  constructor(
    private readonly from: number,
    private readonly fromOffset: number,
    private readonly to: number,
    private readonly toOffset: number,
    private readonly length: number,
  ) {}

  get done(): boolean {
    return this.copied === this.length;
  }

  async rest(): Promise<void> {
    while (!this.done) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.step();
    }
  }

  /** Copies up to one chunk. */
  step(): void {
    const end = Math.min(this.length, this.copied + COPY_CHUNK);
    while (this.copied < end) {
      const n = this.once(end - this.copied);
      if (n === 0) throw new FsError('EIO', 'the archive ends before the member does (it changed or was truncated since it was mounted)');
      this.copied += n;
    }
  }

  /** One call of the current method: the bytes copied (0 at the end of `from`). */
  private once(wanted: number): number {
    const at = this.fromOffset + this.copied;
    if (this.method === 'copy_file_range') {
      this.fromAt.writeBigInt64LE(BigInt(at));
      this.toAt.writeBigInt64LE(BigInt(this.toOffset + this.copied));
      const n = sys('copy_file_range', this.from, this.fromAt, this.to, this.toAt, wanted, 0);
      if (n >= 0) return n;
      if (!NOT_HERE.has(errnoName(-n))) throw new FsError(errnoName(-n));
      this.method = 'sendfile';
    }
    if (this.method === 'sendfile') {
      // sendfile writes at `to`'s own file position: put it where this copy is.
      if (sys('lseek', this.to, this.toOffset + this.copied, SEEK_SET) >= 0) {
        this.fromAt.writeBigInt64LE(BigInt(at));
        const n = sys('sendfile', this.to, this.from, this.fromAt, wanted);
        if (n >= 0) return n;
        if (!NOT_HERE.has(errnoName(-n))) throw new FsError(errnoName(-n));
      }
      this.method = 'read-write';
    }
    const buffer = Buffer.allocUnsafe(Math.min(wanted, 1 << 20));
    const n = readSync(this.from, buffer, 0, buffer.length, at);
    for (let written = 0; written < n; ) written += writeSync(this.to, buffer, written, n - written, this.toOffset + this.copied + written);
    return n;
  }
}
