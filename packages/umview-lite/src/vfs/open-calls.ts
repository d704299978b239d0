// Opens of served paths (open, openat, openat2, creat; O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY,
// O_NOFOLLOW, O_PATH; the umask applied to a new file's mode): the module's open or create,
// then a placeholder fd for the tracee (proxy/placeholder.ts) standing for a ServedFile. And
// a served FIFO is opened by the tracee itself as a real FIFO of the monitor's (materialize.ts).
// And chdir/fchdir into a served directory: the tracee's real cwd cannot be there, so the monitor
// keeps the guest cwd (as for proxy mode) and answers getcwd from it; relative paths are then
// walked from it (locate.ts).
import type { SyscallCall } from '@umview/sysvm';
import { AT_FDCWD, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_PATH, O_TRUNC, O_WRONLY } from '../linux.js';
import type { ProcessState } from '../monitor/process-table.js';
import { FAST_MIN_BYTES, handOverBacking } from '../proxy/fast-path.js';
import { placeholder } from '../proxy/placeholder.js';
import { nrOf } from '../proxy/reissue.js';
import { serve, type VfsContext } from './context.js';
import { fail } from './errors.js';
import type { Attributes, Caller, FileHandle, MaybePromise } from './file-system.js';
import { withPaths, type Located } from './locate.js';
import { isPromise, next } from './maybe.js';
import type { Mount } from './mount.js';
import { ServedFile } from './served-file.js';
import { existing, permits, type CallHandler } from './stat-calls.js';
import type { TraceeCaller } from './caller.js';
import { isDir, isLink, S_IFIFO, S_IFMT, S_IFREG } from './walk.js';
import { RESOLVE_BENEATH, RESOLVE_CACHED, RESOLVE_IN_ROOT, VALID_RESOLVE } from './resolve-walk.js';

const OPEN_HOW_SIZE_VER0 = 24;
const PAGE_SIZE = 4096;
/** __O_TMPFILE (O_TMPFILE without O_DIRECTORY). */
const O_TMPFILE_BIT = 0o20000000;
const R_OK = 4;
const X_OK = 1;

/** `opened`: the module's open or create gave `handle` (its release is owed at the last close).
 * `backing`: the module's kernel file for it (FileSystem.backing): the tracee gets a fast fd. */
interface Opened { mount: Mount; path: string; handle: FileHandle; opened: boolean; type: number; pathOnly: boolean; fifo?: string; backing?: number; size?: number }

function openCall(ctx: VfsContext, call: SyscallCall, process: ProcessState): boolean {
  const name = call.name;
  const pathArg = name === 'open' || name === 'creat' ? 0 : 1;
  let flags: number;
  let mode: number;
  let resolve = 0;
  if (name === 'creat') {
    flags = O_CREAT | O_WRONLY | O_TRUNC;
    mode = call.uint(1);
  } else if (name === 'openat2') {
    const how = openHow(call);
    if (!how) return false; // the kernel fails it as natively (EINVAL, E2BIG, EFAULT), before the path
    ({ flags, mode, resolve } = how);
  } else {
    flags = call.int(pathArg + 1);
    mode = call.uint(pathArg + 2);
  }
  const creating = (flags & O_CREAT) !== 0;
  const follow = (flags & O_NOFOLLOW) === 0 && !(creating && (flags & O_EXCL) !== 0);
  return withPaths(ctx, call, process, [{ arg: pathArg, dirfd: pathArg === 1 ? 0 : null, follow, resolve }], ([l], caller) => next(() => next(() => placeOf(l!, caller), ({ mount, path, attrs, trailingSlash }): MaybePromise<Opened> => {
    // RESOLVE_CACHED: only what the kernel's lookup cache holds, and a module's files are in
    // no cache: the caller retries without it (as io_uring does).
    if ((resolve & RESOLVE_CACHED) !== 0) throw fail('EAGAIN');
    const fs = mount.fs;
    const access = flags & 3;
    if (attrs === undefined) {
      if (!creating) throw fail('ENOENT');
      if (trailingSlash) throw fail('EISDIR');
      if (!fs.create) throw fail('EROFS');
      const fileMode = S_IFREG | (mode & 0o7777 & ~caller.umask);
      return next(() => fs.create!(path, flags, fileMode, caller), (handle) => ({ mount, path, handle, opened: true, type: S_IFREG, pathOnly: false }));
    }
    if (creating && (flags & O_EXCL) !== 0) throw fail('EEXIST');
    if (trailingSlash && !isDir(attrs)) throw fail('ENOTDIR');
    const type = attrs.mode & S_IFMT;
    if ((flags & O_PATH) !== 0) {
      if ((flags & O_DIRECTORY) !== 0 && !isDir(attrs)) throw fail('ENOTDIR');
      return { mount, path, handle: undefined, opened: false, type, pathOnly: true };
    }
    if (isLink(attrs)) throw fail('ELOOP');
    if (type === S_IFIFO) return { mount, path, handle: undefined, opened: false, type, pathOnly: false, fifo: ctx.materializer.fifoOf(mount, path) };
    if ((flags & O_DIRECTORY) !== 0 && !isDir(attrs)) throw fail('ENOTDIR');
    if (isDir(attrs)) {
      if (access !== 0 || creating) throw fail('EISDIR');
      // Listing needs read permission, refused at the open as the kernel does (ls of a 0
      // directory fails to open it).
      const directory: Opened = { mount, path, handle: undefined, opened: false, type, pathOnly: false };
      if (fs.access) return next(() => fs.access!(path, R_OK, caller), () => directory);
      if (!permits(attrs, R_OK, caller as TraceeCaller)) throw fail('EACCES');
      return directory;
    }
    if (access !== 0 && !fs.write) throw fail('EROFS');
    if (fs.open) return next(() => fs.open!(path, flags, caller), (handle) => ({ mount, path, handle, opened: true, type, pathOnly: false, size: attrs.size }));
    if ((flags & O_TRUNC) !== 0 && access !== 0 && attrs.size !== 0) {
      if (!fs.truncate) throw fail('EROFS');
      return next(() => fs.truncate!(path, 0, undefined, caller), () => ({ mount, path, handle: undefined, opened: false, type, pathOnly: false }));
    }
    return { mount, path, handle: undefined, opened: false, type, pathOnly: false, size: attrs.size };
  }), (opened) => withBacking(ctx, opened, flags)), (opened) => {
    if (opened.fifo !== undefined) {
      // A FIFO: the tracee opens the monitor's real one itself (an open that waits for the
      // other end, and every read and write, block in the tracee, where signals reach them).
      call.setArg(pathArg, call.placeString(opened.fifo));
      if (pathArg === 1) call.setArg(0, AT_FDCWD);
      return;
    }
    if ((flags & (O_TRUNC | O_CREAT)) !== 0) opened.mount.changed(opened.path); // copies for mmap are stale
    const file = new ServedFile(opened.mount, opened.path, opened.mount.guestPath(opened.path), flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW), opened.handle, opened.type, ctx.log, opened.pathOnly, opened.opened);
    try {
      if (opened.backing !== undefined) handOverBacking(ctx, call, process, file, opened.backing, flags);
      else placeholder(ctx, call, process, file, (flags & O_CLOEXEC) !== 0);
    } catch (error) {
      file.retain().release(); // the tracee died while its placeholder was being made
      throw error;
    }
  });
}

/** A regular file opened for data (not O_PATH): the module's backing file, when it has one, the
 * data path is the kernel's and it pays (FAST_MIN_BYTES). A module's failure here costs only
 * the fast path. */
function withBacking(ctx: VfsContext, opened: Opened, flags: number): MaybePromise<Opened> {
  const fs = opened.mount.fs;
  if (ctx.dataPath !== 'kernel' || !fs.backing || opened.pathOnly || opened.fifo !== undefined || (opened.type & S_IFMT) !== S_IFREG) return opened;
  if ((flags & 3) === 0 && (opened.size ?? 0) < FAST_MIN_BYTES) return opened; // read call by call: fewer stops
  const noBacking = (error: unknown): Opened => {
    ctx.log(`umview-lite: module ${opened.mount.name}: backing of ${opened.path}: ${String(error)} (served call by call)`);
    return opened;
  };
  let backing: MaybePromise<number | undefined>;
  try {
    backing = fs.backing(opened.path, opened.handle, flags);
  } catch (error) {
    return noBacking(error);
  }
  const attach = (fd: number | undefined): Opened => (Number.isInteger(fd) && fd! >= 0 ? { ...opened, backing: fd } : opened);
  return isPromise(backing) ? backing.then(attach, noBacking) : attach(backing);
}

/** openat2's struct open_how, when the kernel would accept it (it checks it before the path:
 * a struct it refuses is left to it). */
function openHow(call: SyscallCall): { flags: number; mode: number; resolve: number } | undefined {
  const size = call.size(3);
  if (size < OPEN_HOW_SIZE_VER0 || size > PAGE_SIZE) return undefined;
  let how: Buffer;
  try {
    how = call.io.read(call.ptr(2), size);
  } catch {
    return undefined;
  }
  if (how.subarray(OPEN_HOW_SIZE_VER0).some((byte) => byte !== 0)) return undefined; // E2BIG
  const flags = how.readBigUInt64LE(0);
  const mode = how.readBigUInt64LE(8);
  const resolve = how.readBigUInt64LE(16);
  if (flags > 0xffffffffn || (resolve & ~BigInt(VALID_RESOLVE)) !== 0n || mode > 0o7777n) return undefined;
  const both = BigInt(RESOLVE_BENEATH | RESOLVE_IN_ROOT);
  if ((resolve & both) === both) return undefined;
  if (mode !== 0n && (Number(flags) & (O_CREAT | O_TMPFILE_BIT)) === 0) return undefined;
  return { flags: Number(flags), mode: Number(mode), resolve: Number(resolve) };
}

/** Where an open lands: a place in a mount, or the file a served fd's /proc/self/fd/N link
 * names (opened anew, as the kernel reopens through the link). */
function placeOf(l: Located, caller: Caller): MaybePromise<{ mount: Mount; path: string; attrs: Attributes | undefined; trailingSlash: boolean }> {
  if (l.kind === 'inside') return l;
  if (l.kind !== 'fd') throw fail('EXDEV');
  return next(() => existing(l, caller), (found) => ({ ...found, trailingSlash: false }));
}

function chdirCall(ctx: VfsContext, call: SyscallCall, process: ProcessState): boolean {
  return withPaths(ctx, call, process, [{ arg: 0, dirfd: null, follow: true }], ([l], caller) => next(() => existing(l!, caller), (found) => {
    if (!isDir(found.attrs)) throw fail('ENOTDIR');
    // Search permission on the directory, as the kernel's chdir checks (MAY_EXEC).
    if (found.mount.fs.access) return next(() => found.mount.fs.access!(found.path, X_OK, caller), () => found);
    if (!permits(found.attrs, X_OK, caller as TraceeCaller)) throw fail('EACCES');
    return found;
  }), ({ mount, path }) => {
    process.guestCwd = mount.guestPath(path);
    enterVoid(ctx, call);
  });
}

/** The tracee's real cwd cannot be in a mount: it goes to the monitor's empty, read-only
 * directory (materialize.ts), so that a call naming the cwd that the monitor does not see (a
 * unix socket's relative address...) meets an empty directory it cannot change, never a host
 * directory the program did not name (the one it left). The chdir itself is made by the kernel
 * there; without a private directory, the call just succeeds where the tracee is. */
function enterVoid(ctx: VfsContext, call: SyscallCall): void {
  const empty = ctx.materializer.emptyDirectory();
  if (empty === undefined) {
    call.skip(0);
    return;
  }
  call.setNumber(nrOf('chdir'));
  call.setArg(0, call.placeString(empty));
}

function fchdirCall(ctx: VfsContext, call: SyscallCall, process: ProcessState): boolean {
  const file = process.vfds.get(call.int(0))?.file;
  if (!(file instanceof ServedFile)) return false;
  serve(ctx, call, file.mount, () => {
    if ((file.type & S_IFMT) !== 0o040000) throw fail('ENOTDIR');
    return file.guestPath;
  }, (guest) => {
    process.guestCwd = guest;
    enterVoid(ctx, call);
  });
  return true;
}

export const OPEN_HANDLERS: Readonly<Record<string, CallHandler>> = {
  open: openCall, openat: openCall, openat2: openCall, creat: openCall, chdir: chdirCall, fchdir: fchdirCall,
};
