// The monitor's fast way out for the calls it stops most and serves least: a path call whose
// paths no module can serve goes on at the seccomp stop itself, without a SyscallCall, a
// string decode or the path resolver (sysvm's `letThrough`, a second stage of the filter).
//
// A compile loop (`gcc -c` × 20) makes ~16,000 path calls, nearly all on /usr/... (gcc's
// lrealpath calls readlink on every component of every path): each one must be read, since a
// seccomp filter cannot see strings, but the answer for almost all of them is "not served".
// The test is the path resolver's own first one: an absolute path none of whose components is
// the first component of a served prefix can never reach one (before or after a '..'; through
// a symlink, the kernel resolves it on the host, as it would for the full path). In remap mode
// the tracee's real cwd and dirfds are host directories already, so a relative path with no
// such component and no '..' lands where the kernel takes it too, and so does '' (AT_EMPTY_PATH,
// a call on the fd itself) — save an open of a directory, whose fd the monitor must learn.
// Anything else (a relative path climbing with '..', which may leave a served directory; a NULL
// or unreadable pointer; chdir, execveat, openat2 and calls a module claims by number; in proxy
// mode, relative paths, which may start at a virtual fd, and /proc and /dev paths, which may
// name one; '' on a virtual fd or a served directory's) takes the full path through the monitor.
// execve goes on only with an absolute path (a shell's $PATH search tries several, most of them
// missing: 221 execves in the compile loop), and not when the file is a `#!` script whose
// interpreter a module serves (the kernel would look for it on the host): `execNeedsMonitor`
// reads the file to tell. In remap mode an execve of a served program is rewritten at the stop
// too (`execRunsAsIs`: not a `#!` script, whose interpreter the monitor runs itself), followed
// to its exit stop, which sysvm takes only if the exec fails (a shell loop's fork+exec through
// /unreal: the full way's SyscallCall, route and register writes saved at every exec).
//
// Which calls may be let through at all, and which components a path may not name, come from
// the routing table (routing.ts: CallRoute.letThrough, RoutingTable.letThroughHeads), the
// same table the monitor dispatches from; this file only reads the path bytes.
//
// In remap mode it also rewrites, at the stop, the calls whose only business with the monitor
// is an absolute path to rewrite (a stat, an xattr call, access, readlink, an open: no cwd or
// exec to follow): the path is resolved by the full way's own resolver
// (PathRewriter.resolveAbsolute) and placed below the stack (or, when it is the path's own tail,
// as /unreal/usr/x's /usr/x, the argument is pointed into the tracee's string: one write less),
// and the call goes on, with no SyscallCall (an open too: sysvm puts its registers back if a
// signal interrupts it and the kernel restarts it, and the restart is seen again as the program
// made it). Where sysvm says the call's registers must be put back after it (StopRewrite.allowed
// false: execve, or restoreArguments 'always'), or where the monitor must learn its result (a
// directory opened through a served path, whose fd it follows, as the full way does), the call
// is followed to its exit stop (StopRewrite.toExit), taken in the tracer's wait: the registers
// are put back there and the new fd recorded (`dirOpened`). A path with a byte beyond ASCII
// (decoded as UTF-8 there) takes the full way.
// That is most of an `ls -laR` through /unreal: the full way's objects cost twice the stop, and
// its 900 directory opens, each followed by the full way to its exit, cost ~80 µs each.
//
// It runs at ~16,000 stops a second: no allocation, no string decoding, a plain loop over the
// bytes (small code, cheap for V8 to optimize — compiling is part of a short run's cost too);
// only a path it rewrites is decoded.
import type { Tracee } from '@umview/ptrace-core';
import type { TraceeIO } from '@umview/ptrace-multi';
import type { StopRewrite } from '@umview/sysvm';
import { AT_FDCWD, O_DIRECTORY, O_PATH, PATH_MAX } from '../linux.js';
import type { RoutingTable } from './routing.js';

const SLASH = 0x2f;
const DOT = 0x2e;
/** A call's letThrough rule ('unserved', 'exec'), as numbers (a plain array lookup at the
 * stop); a call whose rule is 'never' has none. */
const UNSERVED = 1;
const EXEC = 2;

export interface LetThroughOptions {
  /** Which calls may go on, and the components their paths may not name. */
  routing: RoutingTable;
  /** Proxy mode: whether an fd of the tracee is one the monitor serves or tracks (a virtual fd,
   * a served directory's), undefined when it cannot tell. A call on '' (AT_EMPTY_PATH) relative
   * to any other fd is the kernel's (glibc's fstat is newfstatat(fd, "", AT_EMPTY_PATH)). */
  fdConcernsMonitor?: (tracee: Tracee, fd: number) => boolean | undefined;
  /** Whether the tracee's cwd is a served directory (undefined when it cannot tell): a
   * directory opened from any other start needs nothing of the monitor in remap mode. */
  cwdConcernsMonitor?: (tracee: Tracee) => boolean | undefined;
  io: (tracee: Tracee) => TraceeIO;
  /** Whether an execve of this unserved host path still needs the monitor (a `#!` script whose
   * interpreter is served); without it, execve always takes the full path. */
  execNeedsMonitor?: (hostPath: Buffer) => boolean;
  /** Remap mode: whether an execve of a served path, landing on this host path, needs only its
   * path rewritten (not a `#!` script, which the monitor runs through its interpreter itself);
   * without it, such an execve takes the full path. */
  execRunsAsIs?: (hostPath: string) => boolean;
  /** Remap mode: where an absolute guest path lands when the kernel must be given its host
   * path instead (undefined when the kernel takes the path as it is), for the calls rewritten
   * at the stop; without it, none is. `guest` is the path in the guest's terms (its '..'
   * resolved), undefined when it is not known; `needGuest` asks for it (a directory open). */
  resolve?: (guestPath: string, needGuest: boolean) => { guest: string | undefined; host: string } | undefined;
  /** A directory the tracee opened through a served path (O_DIRECTORY or O_PATH), rewritten at
   * the stop: its new fd, for the monitor to follow as the full way does. */
  dirOpened?: (tracee: Tracee, guestPath: string, fd: number) => void;
}

export type LetThrough = (tracee: Tracee, nr: number, args: ArrayLike<bigint>, rewrite: StopRewrite) => boolean;

/** sysvm's letThrough for path calls that cannot concern any module; undefined when every
 * path may (a module serving '/'). */
export function letThroughPredicate(options: LetThroughOptions): LetThrough | undefined {
  const { routing } = options;
  const heads = routing.letThroughHeads;
  if (heads.some((head) => head === '')) return undefined;
  const names = heads.map((head) => Buffer.from(head));
  // Per syscall number (arrays indexed without hashing): the rule, the path argument indexes,
  // their dirfd arguments, the flags argument of an open.
  const rules: number[] = [];
  const pathArgs: (readonly number[] | undefined)[] = [];
  const dirfdArgs: (readonly number[] | undefined)[] = [];
  const flagsArg: number[] = [];
  /** Calls whose served absolute paths may be rewritten at the stop: nothing else to follow. */
  const rewritable: boolean[] = [];
  for (const route of routing.calls) {
    if (route === undefined || route.paths === undefined || route.letThrough === 'never') continue;
    if (route.letThrough === 'exec' && options.execNeedsMonitor === undefined) continue;
    rules[route.nr] = route.letThrough === 'exec' ? EXEC : UNSERVED;
    pathArgs[route.nr] = route.paths.map((a) => a.arg);
    dirfdArgs[route.nr] = route.paths.map((a) => a.dirfd ?? -1);
    flagsArg[route.nr] = route.flagsArg ?? -1;
    // A directory open (open, openat: their flags are an argument) is rewritten too, and its fd
    // learnt at its exit stop.
    // An execve of a served program too (not a script), taken to its exit stop only if it fails.
    rewritable[route.nr] = options.resolve !== undefined && !routing.proxy && route.module === undefined && (route.letThrough === 'exec'
      ? options.execRunsAsIs !== undefined
      : route.letThrough === 'unserved' && (route.follows === undefined || (route.follows === 'dir-open' && options.dirOpened !== undefined)));
  }
  const { io, fdConcernsMonitor, cwdConcernsMonitor, execNeedsMonitor, execRunsAsIs, resolve, dirOpened } = options;
  const proxy = routing.proxy;
  /** Host paths to place, by path argument, once every path of the call is known to allow it. */
  const hosts: (string | undefined)[] = [];
  /** Where each host path starts in the guest path the tracee passed, when it is its tail; -1. */
  const tails: number[] = [];
  return (tracee, nr, args, rewrite) => {
    const rule = rules[nr];
    if (rule === undefined) return false;
    const indexes = pathArgs[nr]!;
    let toRewrite = 0;
    /** The guest path of a served directory this call opens, to follow to its fd. */
    let openedDir: string | undefined;
    for (let i = 0; i < indexes.length; i++) {
      hosts[i] = undefined; // a call that went the full way may have left one
      const pointer = args[indexes[i]!]!;
      if (pointer === 0n) return false;
      let bytes: Buffer;
      try {
        bytes = io(tracee).readCStringBytes(pointer, PATH_MAX);
      } catch {
        return false; // unreadable: the full path reports it as the kernel would
      }
      /** An absolute path naming a served prefix: rewritten below, when the call allows it. */
      let served = false;
      if (rule === EXEC) {
        if (bytes[0] !== SLASH) return false;
        served = scanComponents(bytes, names) === NAMES_A_PREFIX;
        // Unserved, and not a script the monitor must run.
        if (!served && execNeedsMonitor!(bytes)) return false;
      } else if (bytes.length === 0 && proxy) {
        // '' in proxy mode: on an fd that is neither virtual nor a served directory's.
        const fd = startFd(dirfdArgs[nr]![i]!, args);
        if (fd < 0 || fdConcernsMonitor?.(tracee, fd) !== false) return false;
      } else if (bytes.length === 0 || bytes[0] !== SLASH) {
        // Relative (or ''): only in remap mode, without '..', and a directory's open only from
        // a start the monitor does not follow (it learns the fds of served directories only).
        if (proxy) return false;
        const flags = flagsArg[nr]!;
        if (flags >= 0 && (int32(args[flags]!) & (O_DIRECTORY | O_PATH)) !== 0) {
          const fd = startFd(dirfdArgs[nr]![i]!, args);
          const followed = fd === AT_FDCWD ? cwdConcernsMonitor?.(tracee) : fd < 0 ? undefined : fdConcernsMonitor?.(tracee, fd);
          if (followed !== false) return false;
        }
        if (scanComponents(bytes, names) !== CLEAN) return false;
      } else served = scanComponents(bytes, names) === NAMES_A_PREFIX;
      if (!served) continue;
      if (rewritable[nr] !== true) return false;
      const flags = flagsArg[nr]!;
      const opensDirectory = flags >= 0 && (int32(args[flags]!) & (O_DIRECTORY | O_PATH)) !== 0;
      // A byte beyond ASCII: the full way decodes the path as UTF-8; this one as latin1.
      if (!isAscii(bytes)) return false;
      const path = bytes.toString('latin1');
      const resolution = resolve!(path, opensDirectory);
      // An execve's program rewritten here unless it is a script, whose interpreter the monitor
      // runs (or, unresolved, may be a script whose interpreter is served): the full way then.
      if (rule === EXEC && (resolution === undefined || !execRunsAsIs!(resolution.host))) return false;
      if (resolution !== undefined) {
        hosts[i] = resolution.host;
        tails[i] = tailAt(path, resolution.host);
        toRewrite++;
        if (opensDirectory) openedDir = resolution.guest;
      }
    }
    if (toRewrite > 0) {
      if (openedDir !== undefined) {
        const guestPath = openedDir;
        rewrite.toExit((result) => {
          if (result >= 0n) dirOpened!(tracee, guestPath, Number(result));
        });
      } else if (!rewrite.allowed) rewrite.toExit(); // an execve: its exit stop comes only if it fails (sysvm)
      for (let i = 0; i < indexes.length; i++) {
        const host = hosts[i];
        if (host === undefined) continue;
        // A host path that is the guest path's tail (/unreal/usr/x -> /usr/x): the argument is
        // pointed into the tracee's own string, nothing written.
        const tail = tails[i]!;
        if (tail >= 0) rewrite.setArg(indexes[i]!, args[indexes[i]!]! + BigInt(tail));
        else rewrite.setArgToCString(indexes[i]!, Buffer.from(host, 'utf8')); // as the full way places it (a module may map to any name)
      }
    }
    return true;
  };
}

/** An fd or flags argument as the kernel reads it: the low 32 bits, signed. */
export const int32 = (value: bigint): number => Number(BigInt.asIntN(32, value));

/** Where a path argument starts: its dirfd argument, or AT_FDCWD for a call without one. */
const startFd = (dirfdArg: number, args: ArrayLike<bigint>): number => (dirfdArg < 0 ? AT_FDCWD : int32(args[dirfdArg]!));

/** Whether a path is all ASCII: one the stop decodes (latin1) as the full way does (UTF-8). */
export function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/** Where `tail` starts in the ASCII `path` (a string of its bytes, one character each) when it
 * is the end of it, else -1. */
function tailAt(path: string, tail: string): number {
  return path.endsWith(tail) ? path.length - tail.length : -1;
}

const CLEAN = 0;
const NAMES_A_PREFIX = 1;
const CLIMBS = 2;

/** NAMES_A_PREFIX if one of the path's components (between slashes) is one of `names`, else
 * CLIMBS if one is '..', else CLEAN. */
export function scanComponents(path: Uint8Array, names: readonly Uint8Array[]): number {
  let result = CLEAN;
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i < path.length && path[i] !== SLASH) continue;
    const length = i - start;
    if (length === 2 && path[start] === DOT && path[start + 1] === DOT) result = CLIMBS;
    for (let n = 0; n < names.length; n++) {
      const name = names[n]!;
      if (name.length !== length) continue;
      let k = 0;
      while (k < length && path[start + k] === name[k]) k++;
      if (k === length) return NAMES_A_PREFIX;
    }
    start = i + 1;
  }
  return result;
}
