// The two calls on a backing file that node:fs lacks, from glibc through koffi (loaded on first
// use, as ptrace-core loads it): lseek with SEEK_DATA/SEEK_HOLE, to find which pages of a
// backing file hold data (the size limit counts pages, and a hole must stay a hole when a file
// moves between a kernel file and a Buffer), and fallocate, for the module's own fallocate.
import { getKoffi } from '@umview/ptrace-core/internal';
import { errnoName } from '@umview/ptrace-core';
import { FsError } from '../../vfs/file-system.js';

const SEEK_DATA = 3;
const SEEK_HOLE = 4;
const ENXIO = 6;

type Call = (...args: unknown[]) => number | bigint;

interface Bindings {
  lseek: Call;
  fallocate: Call;
  errno(): number;
}

let bindings: Bindings | undefined;

function libc(): Bindings {
  if (bindings) return bindings;
  const koffi = getKoffi();
  const lib = koffi.load('libc.so.6');
  bindings = {
    lseek: lib.func('int64_t lseek(int fd, int64_t offset, int whence)') as unknown as Call,
    fallocate: lib.func('int fallocate(int fd, int mode, int64_t offset, int64_t len)') as unknown as Call,
    errno: () => koffi.errno(),
  };
  return bindings;
}

function fail(call: string): never {
  const code = errnoName(libc().errno()) ?? 'EIO';
  throw new FsError(code, `tmpfs backing file: ${call}: ${code}`);
}

/** The ranges [start, end) of [from, to) that hold data (a page written, even with zeros), in
 * order; what lies between is a hole. The fd's offset moves (nobody else uses it: the traced
 * program has its own open of the file). */
export function dataRanges(fd: number, from: number, to: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let at = from; at < to; ) {
    const start = Number(libc().lseek(fd, at, SEEK_DATA));
    if (start < 0) {
      if (libc().errno() === ENXIO) break; // no data past `at`
      fail('lseek(SEEK_DATA)');
    }
    if (start >= to) break;
    const end = Number(libc().lseek(fd, start, SEEK_HOLE));
    if (end < 0) fail('lseek(SEEK_HOLE)');
    ranges.push([start, Math.min(end, to)]);
    at = end;
  }
  return ranges;
}

export function fallocate(fd: number, mode: number, offset: number, length: number): void {
  if (Number(libc().fallocate(fd, mode, offset, length)) < 0) fail('fallocate');
}
