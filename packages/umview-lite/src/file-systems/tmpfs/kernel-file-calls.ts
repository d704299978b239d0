// The calls on a backing file that node:fs lacks, made raw (proxy/host-syscalls.ts: the result,
// or -errno): lseek with SEEK_DATA/SEEK_HOLE and the FIEMAP ioctl, to find
// which pages of a backing file hold data or are allocated (the size limit counts pages, and a
// hole must stay a hole, an allocated page allocated, when a file moves between a kernel file
// and a Buffer), and fallocate, for the module's own fallocate.
import { errnoName } from '@umview/ptrace-core';
import { pinnedBuffer } from '@umview/ptrace-core/internal';
import { sys } from '../../proxy/host-syscalls.js';
import { FsError } from '../../vfs/file-system.js';

const SEEK_DATA = 3;
const SEEK_HOLE = 4;
const ENXIO = 6;

function fail(call: string, result: number): never {
  const code = errnoName(-result) ?? 'EIO';
  throw new FsError(code, `tmpfs backing file: ${call}: ${code}`);
}

/** The ranges [start, end) of [from, to) that hold data (a page written, even with zeros), in
 * order; what lies between is a hole. The fd's offset moves (nobody else uses it: the traced
 * program has its own open of the file). */
export function dataRanges(fd: number, from: number, to: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let at = from; at < to; ) {
    const start = sys('lseek', fd, at, SEEK_DATA);
    if (start < 0) {
      if (start === -ENXIO) break; // no data past `at`
      fail('lseek(SEEK_DATA)', start);
    }
    if (start >= to) break;
    const end = sys('lseek', fd, start, SEEK_HOLE);
    if (end < 0) fail('lseek(SEEK_HOLE)', end);
    ranges.push([start, Math.min(end, to)]);
    at = end;
  }
  return ranges;
}

export function fallocate(fd: number, mode: number, offset: number, length: number): void {
  const result = sys('fallocate', fd, mode, offset, length);
  if (result < 0) fail('fallocate', result);
}

/** _IOWR('f', 11, struct fiemap). */
const FS_IOC_FIEMAP = 0xc020660b;
const FIEMAP_HEADER = 32;
const FIEMAP_EXTENT = 56;
const FIEMAP_EXTENTS = 64;
const FIEMAP_EXTENT_LAST = 1;

/** The ranges [start, end) of the file that have space allocated, in order: written data, but
 * also what fallocate reserved (an unwritten extent, which SEEK_DATA calls a hole on ext4), and
 * what the kernel has not written to disk yet (delayed allocation); past the end of the file
 * too (fallocate's KEEP_SIZE). undefined where the file system has no FIEMAP (tmpfs: there
 * SEEK_DATA counts fallocated pages as data). */
export function allocatedRanges(fd: number): Array<[number, number]> | undefined {
  const buffer = pinnedBuffer(FIEMAP_HEADER + FIEMAP_EXTENTS * FIEMAP_EXTENT);
  const ranges: Array<[number, number]> = [];
  for (let start = 0; ; ) {
    buffer.fill(0, 0, FIEMAP_HEADER);
    buffer.writeBigUInt64LE(BigInt(start), 0); // fm_start
    buffer.writeBigUInt64LE(0xffffffffffffffffn - BigInt(start), 8); // fm_length: to the end
    buffer.writeUInt32LE(FIEMAP_EXTENTS, 24); // fm_extent_count (fm_flags 0: no sync)
    const result = sys('ioctl', fd, FS_IOC_FIEMAP, buffer);
    if (result < 0) {
      const code = errnoName(-result);
      if (code === 'EOPNOTSUPP' || code === 'ENOTTY' || code === 'ENOTSUP') return undefined;
      fail('ioctl(FS_IOC_FIEMAP)', result);
    }
    const mapped = buffer.readUInt32LE(20);
    if (mapped === 0) return ranges;
    for (let i = 0; i < mapped; i++) {
      const at = FIEMAP_HEADER + i * FIEMAP_EXTENT;
      const logical = Number(buffer.readBigUInt64LE(at));
      const end = logical + Number(buffer.readBigUInt64LE(at + 16));
      const last = ranges[ranges.length - 1];
      if (last && last[1] >= logical) last[1] = Math.max(last[1], end);
      else ranges.push([logical, end]);
      start = end;
      if (buffer.readUInt32LE(at + 40) & FIEMAP_EXTENT_LAST) return ranges;
    }
  }
}
