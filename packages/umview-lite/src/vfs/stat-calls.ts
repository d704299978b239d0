// The calls that look at a served file without changing it: the stat family (stat, lstat,
// newfstatat, statx, AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW), access/faccessat/faccessat2,
// readlink/readlinkat, statfs.
import type { SyscallCall } from '@umview/sysvm';
import { AT_EMPTY_PATH } from '../linux.js';
import type { ProcessState } from '../monitor/process-table.js';
import type { TraceeCaller } from './caller.js';
import { put, type VfsContext } from './context.js';
import { encodeAttributesStat, encodeAttributesStatx, encodeStatfs, fullAttributes, DEFAULT_STATFS } from './encode.js';
import { fail } from './errors.js';
import type { Attributes, Caller, MaybePromise } from './file-system.js';
import { withPaths, type Located, type PathSpec } from './locate.js';
import { next } from './maybe.js';
import type { Mount } from './mount.js';
import { isDir, isLink } from './walk.js';

export const AT_SYMLINK_NOFOLLOW = 0x100;
const W_OK = 2;
const X_OK = 1;

export type CallHandler = (ctx: VfsContext, call: SyscallCall, process: ProcessState) => boolean;

/** The file a located path names, with its attributes (ENOENT when it does not exist). */
export function existing(l: Located, caller: Caller): MaybePromise<{ mount: Mount; path: string; attrs: Attributes }> {
  if (l.kind === 'fd') {
    const { mount, path } = l.file;
    return next(() => mount.fs.getattr(path, caller), (attrs) => ({ mount, path, attrs }));
  }
  if (l.kind !== 'inside') throw fail('EXDEV');
  if (l.attrs === undefined) throw fail('ENOENT');
  if (l.trailingSlash && !isDir(l.attrs)) throw fail('ENOTDIR');
  return { mount: l.mount, path: l.path, attrs: l.attrs };
}

function statCall(pathArg: number, dirfd: number | null, bufArg: number, flagsArg: number | undefined, follow: boolean, statx: boolean): CallHandler {
  return (ctx, call, process) => {
    const flags = flagsArg === undefined ? 0 : call.int(flagsArg);
    const spec: PathSpec = { arg: pathArg, dirfd, follow: follow && (flags & AT_SYMLINK_NOFOLLOW) === 0, emptyPath: (flags & AT_EMPTY_PATH) !== 0 };
    return withPaths(ctx, call, process, [spec], ([l], caller) => existing(l!, caller), ({ mount, path, attrs }) => {
      const full = fullAttributes(mount, path, attrs);
      put(call, call.ptr(bufArg), statx ? encodeAttributesStatx(mount, full) : encodeAttributesStat(mount, full));
      call.skip(0);
    });
  };
}

/** access(2)'s check from the mode bits, as the kernel makes it (root passes R and W, and X
 * when any x bit is set or on a directory). */
export function permits(attrs: Attributes, mode: number, caller: TraceeCaller): boolean {
  if (mode === 0) return true;
  const uid = caller.uid;
  if (uid === 0) return (mode & X_OK) === 0 || (attrs.mode & 0o111) !== 0 || isDir(attrs);
  const owner = attrs.uid ?? process.getuid?.();
  const group = attrs.gid ?? process.getgid?.();
  const shift = owner === uid ? 6 : caller.groups().includes(group ?? -1) ? 3 : 0;
  const bits = (attrs.mode >> shift) & 7;
  return (bits & mode) === mode;
}

function accessCall(pathArg: number, dirfd: number | null, flagsArg: number | undefined): CallHandler {
  return (ctx, call, process) => {
    const mode = call.int(pathArg + 1);
    const flags = flagsArg === undefined ? 0 : call.int(flagsArg);
    const spec: PathSpec = { arg: pathArg, dirfd, follow: (flags & AT_SYMLINK_NOFOLLOW) === 0, emptyPath: (flags & AT_EMPTY_PATH) !== 0 };
    // AT_EACCESS or not: the fs ids (TraceeCaller) are the ones checked, as for a setuid-free tree.
    return withPaths(ctx, call, process, [spec], ([l], caller) => next(() => existing(l!, caller), ({ mount, path, attrs }) => {
      if ((mode & W_OK) !== 0 && !mount.fs.write && !mount.fs.create && !mount.fs.mkdir) throw fail('EROFS');
      // AT_SYMLINK_NOFOLLOW on a symlink: the link's own bits (0777) are checked, as the
      // kernel does; a module's access would follow it.
      if (isLink(attrs)) return undefined;
      if (mount.fs.access) return mount.fs.access(path, mode, caller);
      if (!permits(attrs, mode, caller as TraceeCaller)) throw fail('EACCES');
      return undefined;
    }), () => call.skip(0));
  };
}

function readlinkCall(pathArg: number, dirfd: number | null): CallHandler {
  return (ctx, call, process) => withPaths(ctx, call, process, [{ arg: pathArg, dirfd, follow: false, emptyPath: true }], ([l], caller) =>
    next(() => existing(l!, caller), ({ mount, path, attrs }) => {
      if (l!.kind === 'fd' && l!.magic) return l!.file.guestPath; // the magic link names the file
      if (!isLink(attrs)) throw fail('EINVAL');
      if (!mount.fs.readlink) throw fail('EINVAL');
      return mount.fs.readlink(path, caller);
    }), (target) => {
    const size = call.int(pathArg + 2);
    if (size <= 0) throw fail('EINVAL');
    const bytes = Buffer.from(target, 'utf8').subarray(0, size);
    put(call, call.ptr(pathArg + 1), bytes);
    call.skip(bytes.length);
  });
}

function statfsCall(ctx: VfsContext, call: SyscallCall, process: ProcessState): boolean {
  return withPaths(ctx, call, process, [{ arg: 0, dirfd: null, follow: true }], ([l], caller) =>
    next(() => existing(l!, caller), ({ mount, path }) => next(() => mount.fs.statfs?.(path, caller) ?? DEFAULT_STATFS, (stats) => ({ mount, stats }))),
  ({ mount, stats }) => {
    put(call, call.ptr(1), encodeStatfs(mount, stats));
    call.skip(0);
  });
}

export const STAT_HANDLERS: Readonly<Record<string, CallHandler>> = {
  stat: statCall(0, null, 1, undefined, true, false),
  lstat: statCall(0, null, 1, undefined, false, false),
  newfstatat: statCall(1, 0, 2, 3, true, false),
  statx: statCall(1, 0, 4, 2, true, true),
  access: accessCall(0, null, undefined),
  faccessat: accessCall(1, 0, undefined),
  faccessat2: accessCall(1, 0, 3),
  readlink: readlinkCall(0, null),
  readlinkat: readlinkCall(1, 0),
  statfs: statfsCall,
};
