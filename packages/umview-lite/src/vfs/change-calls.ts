// The path calls that change a served tree or a file's attributes: mkdir, mknod, unlink,
// rmdir, rename/renameat2 (EXDEV across mounts), link, symlink, chmod, chown (following
// rules as the kernel's), truncate. The times: time-calls.ts; extended attributes:
// xattr-calls.ts.
import type { SyscallCall } from '@umview/sysvm';
import { AT_EMPTY_PATH, AT_REMOVEDIR, PATH_MAX } from '../linux.js';
import { fail } from './errors.js';
import { RENAME_EXCHANGE, RENAME_NOREPLACE, type Caller, type MaybePromise } from './file-system.js';
import { withPaths, type Located, type PathSpec } from './locate.js';
import { next } from './maybe.js';
import type { Mount } from './mount.js';
import { AT_SYMLINK_NOFOLLOW, existing, type CallHandler } from './stat-calls.js';
import { isDir, isLink, S_IFMT, S_IFREG } from './walk.js';

const AT_SYMLINK_FOLLOW = 0x400;
const RENAME_WHITEOUT = 4;
const RENAME_FLAGS = RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT;

/** A place in a mount where a new file goes (EEXIST when something is there). */
function vacant(l: Located): { mount: Mount; path: string } {
  if (l.kind !== 'inside') throw fail(l.kind === 'fd' ? 'EEXIST' : 'EXDEV');
  if (l.attrs !== undefined) throw fail('EEXIST');
  return { mount: l.mount, path: l.path };
}

/** An operation the module may lack (then: EROFS, a change it cannot make). */
export function op<K extends keyof Mount['fs']>(mount: Mount, name: K): NonNullable<Mount['fs'][K]> {
  const f = mount.fs[name];
  if (!f) throw fail('EROFS');
  return (f as (...a: unknown[]) => unknown).bind(mount.fs) as NonNullable<Mount['fs'][K]>;
}

export const done = (call: SyscallCall) => (): void => call.skip(0);

export function pathSpec(arg: number, dirfd: number | null, follow: boolean, emptyPath = false): PathSpec {
  return { arg, dirfd, follow, emptyPath };
}

function mkdirCall(pathArg: number, dirfd: number | null): CallHandler {
  return (ctx, call, process) => withPaths(ctx, call, process, [pathSpec(pathArg, dirfd, false)], ([l], caller) => {
    const { mount, path } = vacant(l!);
    return op(mount, 'mkdir')(path, call.uint(pathArg + 1) & 0o1777 & ~caller.umask, caller);
  }, done(call));
}

function mknodCall(pathArg: number, dirfd: number | null): CallHandler {
  return (ctx, call, process) => withPaths(ctx, call, process, [pathSpec(pathArg, dirfd, false)], ([l], caller): MaybePromise<unknown> => {
    const { mount, path } = vacant(l!);
    const raw = call.uint(pathArg + 1);
    const type = (raw & S_IFMT) || S_IFREG;
    const mode = type | (raw & 0o7777 & ~caller.umask);
    if (type === S_IFREG) {
      // A regular file: created and released at once.
      return next(() => op(mount, 'create')(path, 0o100 | 0o200, mode, caller), (handle) => mount.fs.release?.(path, handle));
    }
    return op(mount, 'mknod')(path, mode, Number(call.raw(pathArg + 2)), caller);
  }, done(call));
}

function removeCall(pathArg: number, dirfd: number | null, kind: 'unlink' | 'rmdir' | 'unlinkat'): CallHandler {
  return (ctx, call, process) => {
    const directory = kind === 'rmdir' || (kind === 'unlinkat' && (call.int(2) & AT_REMOVEDIR) !== 0);
    return withPaths(ctx, call, process, [pathSpec(pathArg, dirfd, false)], ([l], caller) => {
      if (l!.kind === 'inside' && l!.path === '/') throw fail(directory ? 'EBUSY' : 'EISDIR');
      return next(() => existing(l!, caller), ({ mount, path, attrs }) => {
        if (directory) {
          if (!isDir(attrs)) throw fail('ENOTDIR');
          return next(() => op(mount, 'rmdir')(path, caller), () => mount.forget(path));
        }
        if (isDir(attrs)) throw fail('EISDIR');
        return next(() => op(mount, 'unlink')(path, caller), () => mount.forget(path));
      });
    }, done(call));
  };
}

/** Both paths in the same mount, or EXDEV. */
function sameMount(a: Located, b: Located): Mount {
  if (a.kind !== 'inside' || b.kind !== 'inside' || a.mount !== b.mount) throw fail('EXDEV');
  return a.mount;
}

function renameCall(from: PathSpecOf, to: PathSpecOf, flagsArg: number | undefined): CallHandler {
  return (ctx, call, process) => {
    const flags = flagsArg === undefined ? 0 : call.int(flagsArg);
    return withPaths(ctx, call, process, [from(call), to(call)], ([a, b], caller) => {
      if ((flags & ~RENAME_FLAGS) !== 0 || ((flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) !== 0 && (flags & RENAME_EXCHANGE) !== 0)) throw fail('EINVAL');
      const mount = sameMount(a!, b!);
      return next(() => existing(a!, caller), (source) => {
        const target = b as Located & { kind: 'inside' };
        if (source.path === target.path) {
          // The kernel's vfs_rename does nothing for a file onto itself (0, no permission
          // checked), after refusing a read-only mount and RENAME_NOREPLACE's existing target.
          if (!mount.fs.rename) throw fail('EROFS');
          if ((flags & RENAME_NOREPLACE) !== 0) throw fail('EEXIST');
          return undefined;
        }
        // A directory into itself (its own subtree) is EINVAL, as the kernel's trap check.
        if (target.path.startsWith(`${source.path}/`) && isDir(source.attrs)) {
          if ((flags & RENAME_NOREPLACE) !== 0 && target.attrs !== undefined) throw fail('EEXIST');
          if ((flags & RENAME_EXCHANGE) !== 0 && target.attrs === undefined) throw fail('ENOENT');
          throw fail('EINVAL');
        }
        return next(() => op(mount, 'rename')(source.path, target.path, flags, caller), () => mount.renamed(source.path, target.path));
      });
    }, done(call));
  };
}

type PathSpecOf = (call: SyscallCall) => PathSpec;
const fixed = (arg: number, dirfd: number | null, follow = false): PathSpecOf => () => pathSpec(arg, dirfd, follow);

function linkCall(from: PathSpecOf, to: PathSpecOf): CallHandler {
  return (ctx, call, process) => withPaths(ctx, call, process, [from(call), to(call)], ([a, b], caller) => {
    const mount = a!.kind === 'fd' ? a!.file.mount : sameMount(a!, b!);
    if (b!.kind !== 'inside' || b!.mount !== mount) throw fail('EXDEV');
    return next(() => existing(a!, caller), (source) => {
      if (isDir(source.attrs)) throw fail('EPERM');
      const { path } = vacant(b!);
      return op(mount, 'link')(source.path, path, caller);
    });
  }, done(call));
}

function symlinkCall(targetArg: number, pathArg: number, dirfd: number | null): CallHandler {
  return (ctx, call, process) => {
    let target: string;
    try {
      target = call.io.readCString(call.ptr(targetArg), PATH_MAX);
    } catch {
      return false; // the kernel fails it as natively
    }
    return withPaths(ctx, call, process, [pathSpec(pathArg, dirfd, false)], ([l], caller) => {
      if (target === '') throw fail('ENOENT');
      const { mount, path } = vacant(l!);
      return op(mount, 'symlink')(target, path, caller);
    }, done(call));
  };
}

/** A call on the file a path names (followed or not), through the module's operation. */
function onFile(spec: PathSpecOf, body: (call: SyscallCall, mount: Mount, path: string, caller: Caller, l: Located) => MaybePromise<unknown>): CallHandler {
  return (ctx, call, process) => withPaths(ctx, call, process, [spec(call)], ([l], caller) =>
    next(() => existing(l!, caller), ({ mount, path, attrs }) => {
      if (isLink(attrs) && call.name === 'fchmodat2') throw fail('EOPNOTSUPP');
      return body(call, mount, path, caller, l!);
    }), done(call));
}

const chmodBody = (modeArg: number) => (call: SyscallCall, mount: Mount, path: string, caller: Caller) => op(mount, 'chmod')(path, call.uint(modeArg) & 0o7777, caller);
const chownBody = (uidArg: number) => (call: SyscallCall, mount: Mount, path: string, caller: Caller) => op(mount, 'chown')(path, call.int(uidArg), call.int(uidArg + 1), caller);
const flagged = (pathArg: number, dirfd: number, flagsArg: number, followFlag: 'nofollow' | 'follow' = 'nofollow'): PathSpecOf => (call) => {
  const flags = call.int(flagsArg);
  const follow = followFlag === 'nofollow' ? (flags & AT_SYMLINK_NOFOLLOW) === 0 : (flags & AT_SYMLINK_FOLLOW) !== 0;
  return pathSpec(pathArg, dirfd, follow, (flags & AT_EMPTY_PATH) !== 0);
};

function truncateBody(call: SyscallCall, mount: Mount, path: string, caller: Caller, l: Located): MaybePromise<unknown> {
  const size = Number(BigInt.asIntN(64, call.raw(1)));
  if (size < 0) throw fail('EINVAL');
  if (l.kind === 'inside' && l.attrs && isDir(l.attrs)) throw fail('EISDIR');
  return next(() => op(mount, 'truncate')(path, size, undefined, caller), () => mount.changed(path));
}

export const CHANGE_HANDLERS: Readonly<Record<string, CallHandler>> = {
  mkdir: mkdirCall(0, null),
  mkdirat: mkdirCall(1, 0),
  mknod: mknodCall(0, null),
  mknodat: mknodCall(1, 0),
  unlink: removeCall(0, null, 'unlink'),
  unlinkat: removeCall(1, 0, 'unlinkat'),
  rmdir: removeCall(0, null, 'rmdir'),
  rename: renameCall(fixed(0, null), fixed(1, null), undefined),
  renameat: renameCall(fixed(1, 0), fixed(3, 2), undefined),
  renameat2: renameCall(fixed(1, 0), fixed(3, 2), 4),
  link: linkCall(fixed(0, null), fixed(1, null)),
  linkat: linkCall(flagged(1, 0, 4, 'follow'), fixed(3, 2)),
  symlink: symlinkCall(0, 1, null),
  symlinkat: symlinkCall(0, 2, 1),
  chmod: onFile(fixed(0, null, true), chmodBody(1)),
  fchmodat: onFile(fixed(1, 0, true), chmodBody(2)),
  fchmodat2: onFile(flagged(1, 0, 3), chmodBody(2)),
  chown: onFile(fixed(0, null, true), chownBody(1)),
  lchown: onFile(fixed(0, null, false), chownBody(1)),
  fchownat: onFile(flagged(1, 0, 4), chownBody(2)),
  truncate: onFile(fixed(0, null, true), truncateBody),
};
