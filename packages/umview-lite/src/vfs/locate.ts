// Where a call's path arguments land: in a mount (walked there, walk.ts), on a served fd
// itself ('' with AT_EMPTY_PATH), or outside every mount. A call none of whose paths can reach
// a mount is left alone at once (no walk, nothing read but the path); a path that left a mount
// (`..` at its root, an absolute symlink) goes on to the kernel (and the other modes) as the
// absolute guest path the walk reached.
import { readlinkSync } from 'node:fs';
import type { SyscallCall } from '@umview/sysvm';
import { AT_FDCWD, PATH_MAX } from '../linux.js';
import type { ProcessState } from '../monitor/process-table.js';
import { callerOf, serve, type VfsContext } from './context.js';
import { fail } from './errors.js';
import type { Caller, MaybePromise } from './file-system.js';
import { next } from './maybe.js';
import type { Mount } from './mount.js';
import { ServedFile } from './served-file.js';
import { procFdLinkOf } from '../proxy/path-target.js';
import { settleCwd } from '../monitor/cwd.js';
import { isDir, walk, type Walked } from './walk.js';
import { RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS, resolveWalk } from './resolve-walk.js';

/** A path argument: its index, its dirfd's index (null: AT_FDCWD), whether a final symlink is
 * followed, whether '' names the dirfd itself (AT_EMPTY_PATH). */
export interface PathSpec {
  readonly arg: number;
  readonly dirfd: number | null;
  readonly follow: boolean;
  readonly emptyPath?: boolean;
  /** openat2's RESOLVE_* flags (resolve-walk.ts). */
  readonly resolve?: number;
}

/** `fd`: the call is on a served fd itself ('' with AT_EMPTY_PATH, or `magic`: through its
 * /proc/self/fd/N link, whose readlink names the file's guest path). */
export type Located = Walked | { readonly kind: 'fd'; readonly file: ServedFile; readonly magic?: boolean };

type Start =
  | { readonly start: string; readonly served: boolean; readonly path: string }
  | { readonly fd: ServedFile; readonly magic?: boolean }
  /** The call fails with this errno (a path relative to a served fd that is no directory...). */
  | { readonly error: 'ENOENT' | 'ENOTDIR' | 'ELOOP' | 'EXDEV'; readonly mount: Mount };

/** Where the walk of one path starts, or undefined when it cannot concern a mount. */
function startOf(ctx: VfsContext, call: SyscallCall, process: ProcessState, spec: PathSpec): Start | undefined {
  const pointer = call.ptr(spec.arg);
  if (pointer === 0n) return undefined;
  let path: string;
  try {
    path = call.io.readCString(pointer, PATH_MAX);
  } catch {
    return undefined; // the kernel fails it as natively
  }
  const dirfd = spec.dirfd === null ? AT_FDCWD : call.int(spec.dirfd);
  const resolve = spec.resolve ?? 0;
  // RESOLVE_IN_ROOT: an absolute path starts from the dirfd, as a relative one.
  if (path.startsWith('/') && (resolve & RESOLVE_IN_ROOT) === 0) {
    // /proc/self/fd/N of a served fd names its placeholder (/dev/null) to the kernel.
    const link = process.vfds.size > 0 || path.startsWith('/proc/') ? procFdLinkOf(path, process, ctx.hooks.traced) : undefined;
    const linked = link?.owner.vfds.get(link.fd)?.file;
    if (linked instanceof ServedFile) {
      // A magic link followed under openat2's restrictions (an absolute path under
      // RESOLVE_BENEATH is the kernel's EXDEV first).
      if ((resolve & RESOLVE_BENEATH) !== 0) return { error: 'EXDEV', mount: linked.mount };
      if ((resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS)) !== 0 && (link!.rest !== undefined || spec.follow)) return { error: 'ELOOP', mount: linked.mount };
      return link!.rest === undefined ? { fd: linked, magic: true } : { start: linked.guestPath, served: true, path: link!.rest.slice(1) };
    }
    return ctx.mounts.mayEnter(path) ? { start: '/', served: false, path } : undefined;
  }
  const served = dirfd === AT_FDCWD ? undefined : process.vfds.get(dirfd)?.file;
  if (served instanceof ServedFile) {
    if (path === '') return spec.emptyPath ? { fd: served } : { error: 'ENOENT', mount: served.mount };
    return isDir({ mode: served.type, size: 0 }) ? { start: served.guestPath, served: true, path } : { error: 'ENOTDIR', mount: served.mount };
  }
  if (dirfd === AT_FDCWD && process.guestCwd !== undefined && ctx.mounts.of(process.guestCwd)) return { start: process.guestCwd, served: true, path };
  if (path === '' || !ctx.mounts.mayEnter(path)) return undefined;
  try {
    const base = dirfd === AT_FDCWD ? process.cwd() : process.dirFd(dirfd)?.guestPath ?? readlinkSync(`/proc/${process.pid}/fd/${dirfd}`);
    return base.startsWith('/') ? { start: base, served: false, path } : undefined;
  } catch {
    return undefined;
  }
}

/** What the dispatcher does with a call once its paths are located: an answer, or 'continue':
 * the call goes on (its paths rewritten when they left a mount). */
export type Decision<T> = { readonly answer: T } | 'continue';

/**
 * Locates the call's paths and, when one is in a mount (or names a served fd), runs `body`
 * with them and `finish` at the stop with its answer. Returns false when the call is none of
 * the dispatcher's: the monitor goes on with it (its paths rewritten to where the walk went
 * when they left a mount).
 */
export function withPaths<T>(
  ctx: VfsContext, call: SyscallCall, process: ProcessState, specs: readonly PathSpec[],
  body: (located: Located[], caller: Caller) => MaybePromise<T>,
  finish: (answer: T) => void,
): boolean {
  const starts = specs.map((spec) => startOf(ctx, call, process, spec));
  if (starts.every((s) => s === undefined)) return false;
  const caller = callerOf(ctx, process);
  // The mount that bounds the time of the whole call: the first one a path may be in.
  const mount = boundingMount(ctx, starts);
  let handled = true;
  const located: (Located | undefined)[] = [];
  const walkFrom = (i: number): MaybePromise<Decision<T>> => {
    if (i === starts.length) return decide();
    const s = starts[i];
    if (s === undefined) {
      located.push(undefined);
      return walkFrom(i + 1);
    }
    if ('fd' in s) {
      located.push({ kind: 'fd', file: s.fd, magic: s.magic });
      return walkFrom(i + 1);
    }
    if ('error' in s) throw fail(s.error);
    const spec = specs[i]!;
    const walked = (): Walked | Promise<Walked> => (spec.resolve ? resolveWalk(ctx.mounts, s.start, s.path, spec.follow, spec.resolve, caller) : walk(ctx.mounts, s.start, s.path, spec.follow, caller));
    return next(walked, (w) => {
      located.push(w.kind === 'outside' && !w.entered && !s.served ? undefined : w);
      return walkFrom(i + 1);
    });
  };
  const decide = (): MaybePromise<Decision<T>> => {
    if (located.every((l) => l === undefined || l.kind === 'outside')) return 'continue';
    return next(() => body(located.map((l, i) => l ?? outsideOf(starts[i])), caller), (answer) => ({ answer }));
  };
  const rewrite = (translate: boolean): void => {
    located.forEach((l, i) => {
      if (l?.kind !== 'outside') return;
      const guest = translate ? ctx.translator.translate(l.guest) ?? l.guest : l.guest;
      call.setArg(specs[i]!.arg, call.placeString(guest));
    });
  };
  let atStop = true;
  serve(ctx, call, mount, () => walkFrom(0), (decision) => {
    if (decision !== 'continue') finish(decision.answer);
    else if (atStop) {
      // The monitor goes on with the call (the proxy, remap modules' rewriting).
      rewrite(false);
      handled = false;
    } else {
      // Held: the call runs as rewritten, remap modules' paths translated; a chdir out of a
      // mount leaves the guest cwd there (the monitor's own cwd handling has passed).
      rewrite(true);
      if (call.name === 'chdir') followCwd(ctx, call, process, located[0]);
    }
  });
  atStop = false;
  return handled;
}

function outsideOf(start: Start | undefined): Located {
  return { kind: 'outside', guest: start && 'start' in start ? start.path : '', entered: false };
}

function boundingMount(ctx: VfsContext, starts: readonly (Start | undefined)[]): Mount {
  for (const s of starts) {
    if (s === undefined) continue;
    if ('fd' in s) return s.fd.mount;
    if ('error' in s) return s.mount;
    const where = ctx.mounts.of(s.start) ?? ctx.mounts.of(s.path.startsWith('/') ? s.path : `${s.start}/${s.path}`);
    if (where) return where.mount;
  }
  return ctx.mounts.list[0]!;
}

/** A held chdir that left the mounts: the guest cwd follows it once it succeeds. */
function followCwd(ctx: VfsContext, call: SyscallCall, process: ProcessState, where: Located | undefined): void {
  if (where?.kind !== 'outside') return;
  const guest = where.guest;
  ctx.hooks.expectReturn(call, (ret) => {
    if (!ret.isError) settleCwd(process, ctx.translator.claimOf(guest) !== undefined, ctx.translator, guest);
  });
}
