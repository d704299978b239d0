// Calls on an fd that stands for a served file (a ServedFile in the process's virtual fd
// table): reads and writes at the description's offset (shared after dup and fork; O_APPEND
// writes at the end), lseek (SEEK_DATA/SEEK_HOLE as for a file without holes), fstat, fstatfs,
// getdents64 (the module's readdir once per open, '.' and '..' added, d_off the index of the
// next entry, a rewind to 0 reads it again), ftruncate, fsync, fchmod, fchown, fallocate,
// F_GETFL/F_SETFL, close (flush, then release with the last reference).
import { ERRNO } from '@umview/ptrace-core';
import { DT, IOVEC_SIZE, decodeIovecs, direntTypeFromMode, encodeDirents64, type Iovec, type SyscallCall } from '@umview/sysvm';
import { O_APPEND, O_CLOEXEC, O_LARGEFILE } from '../linux.js';
import type { ProcessState } from '../monitor/process-table.js';
import { MAX_TRANSFER } from '../proxy/reissue.js';
import { callerOf, put, serve, type VfsContext } from './context.js';
import { encodeAttributesStat, encodeStatfs, fullAttributes, DEFAULT_STATFS } from './encode.js';
import { fail } from './errors.js';
import type { Caller, DirectoryEntry, MaybePromise } from './file-system.js';
import { fcntlLockCall, flockCall } from './lock-calls.js';
import { next } from './maybe.js';
import { ServedFile } from './served-file.js';
import type { CallHandler } from './stat-calls.js';
import { join, parent, S_IFDIR, S_IFMT } from './walk.js';

const SEEK_SET = 0;
const SEEK_CUR = 1;
const SEEK_END = 2;
const SEEK_DATA = 3;
const SEEK_HOLE = 4;
const F_GETFL = 3;
const F_SETFL = 4;
const SETFL_MASK = O_APPEND | 0o4000 | 0o40000 | 0o1000000; // O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME
const IOV_MAX = 1024;

/** The served file an fd argument stands for. */
export function servedFd(process: ProcessState, fd: number): ServedFile | undefined {
  const file = process.vfds.get(fd)?.file;
  return file instanceof ServedFile ? file : undefined;
}

/** The served file an fd argument stands for, when the monitor moves its data: not a fast fd,
 * which is the tracee's own real fd on the backing file (proxy/fast-path.ts). */
export function servedData(process: ProcessState, fd: number): ServedFile | undefined {
  const file = servedFd(process, fd);
  return file?.fast === false ? file : undefined;
}

const isDirectory = (file: ServedFile): boolean => (file.type & S_IFMT) === S_IFDIR;

/** A handler for a call whose first argument is the fd. */
function onFd(body: (ctx: VfsContext, call: SyscallCall, process: ProcessState, file: ServedFile, caller: Caller) => void): CallHandler {
  return (ctx, call, process) => {
    const file = servedFd(process, call.int(0));
    if (!file) return false;
    body(ctx, call, process, file, callerOf(ctx, process));
    return true;
  };
}

function readable(file: ServedFile): void {
  if (file.pathOnly || file.accessMode === 1) throw fail('EBADF');
  if (isDirectory(file)) throw fail('EISDIR');
  if (!file.mount.fs.read) throw fail('ENOSYS');
}

function writable(file: ServedFile): void {
  if (file.pathOnly || file.accessMode === 0) throw fail('EBADF');
  if (!file.mount.fs.write) throw fail('EROFS');
}

/** Reads `length` bytes at `position` (undefined: at the offset, which moves), then `deliver`
 * puts them in the tracee. */
function readInto(ctx: VfsContext, call: SyscallCall, file: ServedFile, caller: Caller, length: number, position: number | undefined, deliver: (data: Uint8Array) => void): void {
  const at = position ?? file.offset;
  serve(ctx, call, file.mount, () => {
    readable(file);
    if (at < 0) throw fail('EINVAL');
    if (length === 0) return new Uint8Array(0);
    return file.mount.fs.read!(file.path, file.handle, Math.min(length, MAX_TRANSFER), at, caller);
  }, (data) => {
    const bytes = data.length > length ? data.subarray(0, length) : data;
    deliver(bytes);
    if (position === undefined) file.offset = at + bytes.length;
    call.skip(bytes.length);
  });
}

/** Writes `data` at `position` (undefined: at the offset, or the end with O_APPEND). */
function writeFrom(ctx: VfsContext, call: SyscallCall, file: ServedFile, caller: Caller, data: () => Uint8Array, position: number | undefined): void {
  let at = 0;
  serve(ctx, call, file.mount, () => {
    writable(file);
    const bytes = data();
    const append = (file.flags & O_APPEND) !== 0;
    const place = (where: number): MaybePromise<number> => {
      at = where;
      if (at < 0) throw fail('EINVAL');
      if (bytes.length === 0) return 0;
      return file.mount.fs.write!(file.path, file.handle, bytes, at, caller);
    };
    // O_APPEND: at the end, even for pwrite (as Linux does).
    if (append) return next(() => file.mount.fs.getattr(file.path, caller), (attrs) => place(attrs.size));
    return place(position ?? file.offset);
  }, (written) => {
    file.mount.changed(file.path);
    if (position === undefined || (file.flags & O_APPEND) !== 0) file.offset = at + written;
    call.skip(written);
  });
}

function readData(call: SyscallCall, address: bigint, length: number): Uint8Array {
  if (length === 0) return new Uint8Array(0);
  try {
    return call.io.read(address, Math.min(length, MAX_TRANSFER));
  } catch {
    throw fail('EFAULT');
  }
}

function iovecsOf(call: SyscallCall): Iovec[] {
  const count = call.int(2);
  if (count < 0 || count > IOV_MAX) throw fail('EINVAL');
  try {
    return count === 0 ? [] : decodeIovecs(call.io.read(call.ptr(1), count * IOVEC_SIZE), count);
  } catch {
    throw fail('EFAULT');
  }
}

/** preadv2/pwritev2's position -1 means the offset. */
function vectorPosition(call: SyscallCall): number | undefined {
  if (call.name === 'readv' || call.name === 'writev') return undefined;
  const position = Number(BigInt.asIntN(64, call.raw(3)));
  return position === -1 && call.name.endsWith('2') ? undefined : position;
}

const readCall = onFd((ctx, call, _p, file, caller) => readInto(ctx, call, file, caller, call.size(2), undefined, (data) => put(call, call.ptr(1), data)));
const preadCall = onFd((ctx, call, _p, file, caller) => readInto(ctx, call, file, caller, call.size(2), Number(BigInt.asIntN(64, call.raw(3))), (data) => put(call, call.ptr(1), data)));
const readvCall = onFd((ctx, call, _p, file, caller) => {
  let iovecs: Iovec[];
  try {
    iovecs = iovecsOf(call);
  } catch (error) {
    call.skip(-ERRNO[(error as { code: keyof typeof ERRNO }).code]);
    return;
  }
  const total = iovecs.reduce((sum, v) => sum + Number(v.len), 0);
  readInto(ctx, call, file, caller, total, vectorPosition(call), (data) => {
    let at = 0;
    for (const v of iovecs) {
      const n = Math.min(Number(v.len), data.length - at);
      if (n <= 0) break;
      put(call, v.base, data.subarray(at, at + n));
      at += n;
    }
  });
});

const writeCall = onFd((ctx, call, _p, file, caller) => writeFrom(ctx, call, file, caller, () => readData(call, call.ptr(1), call.size(2)), undefined));
const pwriteCall = onFd((ctx, call, _p, file, caller) => writeFrom(ctx, call, file, caller, () => readData(call, call.ptr(1), call.size(2)), Number(BigInt.asIntN(64, call.raw(3)))));
const writevCall = onFd((ctx, call, _p, file, caller) => writeFrom(ctx, call, file, caller, () => {
  const parts = iovecsOf(call).map((v) => readData(call, v.base, Number(v.len)));
  return Buffer.concat(parts).subarray(0, MAX_TRANSFER);
}, vectorPosition(call)));

const lseekCall = onFd((ctx, call, _p, file, caller) => {
  const offset = Number(BigInt.asIntN(64, call.raw(1)));
  const whence = call.int(2);
  serve(ctx, call, file.mount, () => {
    if (isDirectory(file)) {
      if (whence === SEEK_SET && offset >= 0) return offset;
      if (whence === SEEK_CUR && file.offset + offset >= 0) return file.offset + offset;
      throw fail('EINVAL');
    }
    if (whence === SEEK_SET) return offset;
    if (whence === SEEK_CUR) return file.offset + offset;
    if (whence !== SEEK_END && whence !== SEEK_DATA && whence !== SEEK_HOLE) throw fail('EINVAL');
    return next(() => file.mount.fs.getattr(file.path, caller), ({ size }) => {
      if (whence === SEEK_END) return size + offset;
      if (offset < 0) throw fail('EINVAL');
      if (offset >= size) throw fail('ENXIO');
      return whence === SEEK_DATA ? offset : size;
    });
  }, (position) => {
    if (position < 0) throw fail('EINVAL');
    if (isDirectory(file) && position === 0) file.listing = undefined; // rewinddir reads again
    file.offset = position;
    call.skip(position);
  });
});

const fstatCall = onFd((ctx, call, _p, file, caller) => serve(ctx, call, file.mount, () => file.mount.fs.getattr(file.path, caller), (attrs) => {
  put(call, call.ptr(1), encodeAttributesStat(file.mount, fullAttributes(file.mount, file.path, attrs)));
  call.skip(0);
}));

const fstatfsCall = onFd((ctx, call, _p, file, caller) => serve(ctx, call, file.mount, () => file.mount.fs.statfs?.(file.path, caller) ?? DEFAULT_STATFS, (stats) => {
  put(call, call.ptr(1), encodeStatfs(file.mount, stats));
  call.skip(0);
}));

const getdentsCall = onFd((ctx, call, _p, file, caller) => serve(ctx, call, file.mount, (): MaybePromise<readonly DirectoryEntry[]> => {
  if (!isDirectory(file) || file.pathOnly) throw fail(file.pathOnly ? 'EBADF' : 'ENOTDIR');
  if (file.listing) return file.listing;
  if (!file.mount.fs.readdir) throw fail('ENOSYS');
  return next(() => file.mount.fs.readdir!(file.path, caller), (entries) => [
    { name: '.', mode: S_IFDIR, ino: file.mount.inoOf(file.path) },
    { name: '..', mode: S_IFDIR, ino: file.path === '/' ? 1 : file.mount.inoOf(parent(file.path)) },
    ...entries,
  ]);
}, (listing) => {
  file.listing = listing;
  const start = Math.min(file.offset, listing.length);
  const records = listing.slice(start).map((e, i) => ({
    ino: BigInt(e.ino ?? file.mount.inoOf(join(file.path, e.name))),
    off: BigInt(start + i + 1),
    type: e.mode === undefined ? DT.UNKNOWN : direntTypeFromMode(e.mode),
    name: e.name,
  }));
  const { buffer, count } = encodeDirents64(records, call.size(2));
  if (count === 0 && records.length > 0) throw fail('EINVAL');
  if (buffer.length > 0) put(call, call.ptr(1), buffer);
  file.offset = start + count;
  call.skip(buffer.length);
}));

/** close(2): the module's flush (its error is close's), then the fd goes; the description is
 * released with its last fd. The kernel closes the placeholder. */
const closeCall = onFd((ctx, call, process, file, caller) => {
  const fd = call.int(0);
  const fs = file.mount.fs;
  // Closing any fd on a file drops the process's POSIX record locks on it (fcntl(2)).
  file.mount.locks.unlock(file.path, 'posix', process.pid);
  serve(ctx, call, file.mount, () => {
    if (file.pathOnly || !fs.flush) return 0;
    return next(() => fs.flush!(file.path, file.handle, caller), () => 0, (error) => error);
  }, (flushed) => {
    process.vfds.close(fd);
    if (flushed === 0) return; // the call runs: the kernel closes the placeholder
    call.inject(call.nr, [fd]);
    throw flushed;
  });
});

const ftruncateCall = onFd((ctx, call, _p, file, caller) => serve(ctx, call, file.mount, () => {
  if (file.pathOnly) throw fail('EBADF');
  if (file.accessMode === 0 || isDirectory(file)) throw fail('EINVAL');
  const size = Number(BigInt.asIntN(64, call.raw(1)));
  if (size < 0) throw fail('EINVAL');
  if (!file.mount.fs.truncate) throw fail('EROFS');
  return next(() => file.mount.fs.truncate!(file.path, size, file.handle, caller), () => file.mount.changed(file.path));
}, () => call.skip(0)));

const fsyncCall = onFd((ctx, call, _p, file, caller) => serve(ctx, call, file.mount, () => {
  if (file.pathOnly) throw fail('EBADF');
  return file.mount.fs.fsync?.(file.path, file.handle, call.name === 'fdatasync', caller);
}, () => call.skip(0)));

const fchmodCall = onFd((ctx, call, _p, file, caller) => serve(ctx, call, file.mount, () => {
  if (!file.mount.fs.chmod) throw fail('EROFS');
  return file.mount.fs.chmod(file.path, call.uint(1) & 0o7777, caller);
}, () => call.skip(0)));

const fchownCall = onFd((ctx, call, _p, file, caller) => serve(ctx, call, file.mount, () => {
  if (!file.mount.fs.chown) throw fail('EROFS');
  return file.mount.fs.chown(file.path, call.int(1), call.int(2), caller);
}, () => call.skip(0)));

const fallocateCall = onFd((ctx, call, _p, file, caller) => serve(ctx, call, file.mount, () => {
  writable(file);
  if (!file.mount.fs.fallocate) throw fail('EOPNOTSUPP');
  return file.mount.fs.fallocate(file.path, file.handle, call.int(1), Number(call.raw(2)), Number(call.raw(3)), caller);
}, () => call.skip(0)));

/** F_GETFL and F_SETFL are the description's; the fd's own commands (F_DUPFD, F_GETFD,
 * F_SETFD) are the proxy's table (false: it goes on there). Locks: lock-calls.ts. */
function fcntlCall(ctx: VfsContext, call: SyscallCall, process: ProcessState): boolean {
  const file = servedFd(process, call.int(0));
  if (!file) return false;
  const cmd = call.int(1);
  if (cmd === F_GETFL) {
    // The description's flags as the open gave them (O_DSYNC too, which a fast fd's backing
    // file leaves out), never O_CLOEXEC, which is the fd's.
    call.skip((file.flags & ~O_CLOEXEC) | O_LARGEFILE);
    return true;
  }
  if (cmd === F_SETFL) {
    file.flags = (file.flags & ~SETFL_MASK) | (call.int(2) & SETFL_MASK);
    if (file.fast) return false; // and on the fast fd itself, where O_APPEND and O_NONBLOCK act
    call.skip(0);
    return true;
  }
  return fcntlLockCall(ctx, call, process, file);
}

const FIONREAD = 0x541b;

/** ioctl(FIONREAD) on a served regular file read call by call: the bytes left after the offset
 * (a fast fd's is the kernel's own, on the backing file). Other ioctls meet the placeholder. */
function ioctlCall(ctx: VfsContext, call: SyscallCall, process: ProcessState): boolean {
  const file = servedData(process, call.int(0));
  if (!file || call.uint(1) !== FIONREAD || file.pathOnly || isDirectory(file)) return false;
  serve(ctx, call, file.mount, () => file.mount.fs.getattr(file.path, callerOf(ctx, process)), (attrs) => {
    const left = Buffer.alloc(4);
    left.writeInt32LE(Math.max(0, Math.min(attrs.size - file.offset, 0x7fffffff)));
    put(call, call.ptr(2), left);
    call.skip(0);
  });
  return true;
}

const nothingToDo = onFd((_ctx, call) => call.skip(0));
const flock = onFd((ctx, call, process, file) => flockCall(ctx, call, process, file));

export const FILE_HANDLERS: Readonly<Record<string, CallHandler>> = {
  read: readCall, pread64: preadCall, readv: readvCall, preadv: readvCall, preadv2: readvCall,
  write: writeCall, pwrite64: pwriteCall, writev: writevCall, pwritev: writevCall, pwritev2: writevCall,
  lseek: lseekCall, fstat: fstatCall, fstatfs: fstatfsCall, getdents64: getdentsCall,
  close: closeCall, ftruncate: ftruncateCall, fsync: fsyncCall, fdatasync: fsyncCall,
  fchmod: fchmodCall, fchown: fchownCall, fallocate: fallocateCall, fcntl: fcntlCall,
  flock, ioctl: ioctlCall,
  syncfs: nothingToDo, fadvise64: nothingToDo, readahead: nothingToDo, sync_file_range: nothingToDo,
};
