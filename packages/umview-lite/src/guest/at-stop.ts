// The guest root's path calls rewritten at their seccomp stop (sysvm's letThrough with a
// StopRewrite), without a SyscallCall: under `-r DIR` every path call stops, and most of them
// (an open, an access, a readlink, an xattr call: the routing table's 'guest' rule) need of the
// monitor only their paths resolved in the guest's view and placed below the stack, which is
// what the full way does for them (guest-root.ts) at twice the cost of a stop. The resolution
// is the full way's own (GuestRoot.resolvePath), so both give the kernel the same host path.
//
// Left to the full way, from what the stop shows: a path the resolver fails (ELOOP: the call is
// answered), a path with a byte beyond ASCII (the full way decodes it as UTF-8), an unreadable
// pointer (the full way lets the kernel report it), the readlink of a /proc link (its answer is
// rewritten at its return), under fake root the removal of a file it remembers something of
// (forgotten at the return), and a call whose registers sysvm must put back at an exit stop
// (`--exact-registers`). Opens take no exit stop: sysvm puts their registers back if a signal
// interrupts them and the kernel restarts them. An unlink, rmdir or rename tells the resolver
// which names it changes (GuestRoot.changing) before it is let go, and every stop that the
// lane sees tells it that the thread's last call has run (GuestRoot.stopped).
//
// Under fake root, a stat call is answered there: the monitor stats the resolved path itself
// and writes the struct fake root shows into the tracee's buffer (FakeRoot.exactStat, as the
// full way does), and the call is skipped (StopRewrite.skip); an fd's (AT_EMPTY_PATH with '':
// glibc's fstat) through its /proc link, as the full way names it. Its chowns and chmods (an
// fd's too, through its /proc link) are made there by the monitor itself, as the user, and
// skipped with the kernel's answer (FakeRoot.chownAt, chmodAt: what the full way remembers at
// the return, without it). An fchown or fchmod of an O_PATH fd therefore succeeds, where the
// kernel would say EBADF.
import type { Tracee } from '@umview/ptrace-core';
import type { TraceeIO } from '@umview/ptrace-multi';
import type { StopRewrite } from '@umview/sysvm';
import { ERRNO } from '@umview/ptrace-core';
import type { FakeRoot } from '../fake-root/fake-root.js';
import { STATS, ownershipCall, removedPathArg, type OwnershipCall } from '../fake-root/fake-root.js';
import { AT_EMPTY_PATH, AT_FDCWD, PATH_MAX } from '../linux.js';
import { int32, isAscii, type LetThrough } from '../monitor/let-through.js';
import type { RoutingTable } from '../monitor/routing.js';
import { followsLast } from './final-component.js';
import type { GuestRoot } from './guest-root.js';
import { CHANGES_NAMES } from './known-paths.js';
import { procLinkOf } from './proc-links.js';

export interface GuestAtStopOptions {
  routing: RoutingTable;
  guestRoot: GuestRoot;
  /** Fake root, whose stat calls are answered at the stop. */
  fakeRoot?: FakeRoot;
  io: (tracee: Tracee) => TraceeIO;
}

/** sysvm's letThrough under a guest root: the calls of the 'guest' rule, their paths resolved
 * and rewritten at the stop. */
export function guestAtStop(options: GuestAtStopOptions): LetThrough {
  const { routing, guestRoot, fakeRoot, io } = options;
  // Per syscall number (arrays indexed without hashing): its name, path and dirfd arguments,
  // and for fake root's stat calls, their buffer and flags arguments.
  const names: string[] = [];
  const pathArgs: (readonly number[] | undefined)[] = [];
  const dirfdArgs: (readonly number[] | undefined)[] = [];
  const stats: ((typeof STATS)[string] | undefined)[] = [];
  /** Per syscall number of an unlink, rmdir or rename: its path argument whose file fake root
   * may remember (-1 without fake root). */
  const removedArgs: (number | undefined)[] = [];
  /** Per syscall number of fake root's chowns and chmods: their arguments. */
  const ownership: (OwnershipCall | undefined)[] = [];
  for (const route of routing.calls) {
    if (route === undefined || route.letThrough !== 'guest') continue;
    if (route.fakeRoot && fakeRoot === undefined) continue;
    names[route.nr] = route.name;
    const owned = route.fakeRoot ? ownershipCall(route.name) : undefined;
    if (owned !== undefined) {
      ownership[route.nr] = owned;
      continue;
    }
    pathArgs[route.nr] = route.paths!.map((a) => a.arg);
    dirfdArgs[route.nr] = route.paths!.map((a) => a.dirfd ?? -1);
    if (route.fakeRoot) stats[route.nr] = STATS[route.name];
    if (CHANGES_NAMES.has(route.name)) removedArgs[route.nr] = route.fakeRoot ? removedPathArg(route.name)! : -1;
  }
  /** The call's flags, as followsLast reads them. */
  const flags = { name: '', args: [] as ArrayLike<bigint>, int(i: number): number { return int32(this.args[i]!); } };
  /** Host paths to place, by path argument, once every path of the call is resolved. */
  const hosts: (string | undefined)[] = [];
  return (tracee, nr, args, rewrite: StopRewrite) => {
    guestRoot.stopped(tracee.tid);
    const owned = ownership[nr];
    if (owned !== undefined) return ownershipAtStop(tracee, names[nr]!, args, owned, rewrite);
    const indexes = pathArgs[nr];
    if (indexes === undefined) return false;
    const stat = stats[nr];
    if (stat === undefined && !rewrite.allowed) return false;
    const removedArg = removedArgs[nr];
    /** The guest names an unlink, rmdir or rename changes. */
    const changed: string[] | undefined = removedArg === undefined ? undefined : [];
    const name = names[nr]!;
    flags.name = name;
    flags.args = args;
    for (let i = 0; i < indexes.length; i++) {
      hosts[i] = undefined;
      const arg = indexes[i]!;
      const bytes = pathBytes(tracee, args[arg]!);
      if (bytes === undefined) return false;
      if (stat !== undefined && bytes.length === 0) {
        // An fd's (AT_EMPTY_PATH), through its /proc link; the cwd's (AT_FDCWD) the full way's.
        if (stat.flags === undefined || (int32(args[stat.flags]!) & AT_EMPTY_PATH) === 0) return false;
        const fd = int32(args[dirfdArgs[nr]![i]!]!);
        if (fd < 0) return false;
        return answerStat(tracee, name, stat, args, `/proc/${tracee.pid}/fd/${fd}`, true, rewrite);
      }
      const dirfdArg = dirfdArgs[nr]![i]!;
      const dirfd = dirfdArg < 0 ? AT_FDCWD : int32(args[dirfdArg]!);
      let resolved: ReturnType<GuestRoot['resolvePath']>;
      try {
        resolved = guestRoot.resolvePath(tracee.pid, tracee.tid, bytes.toString('latin1'), dirfd, followsLast(flags, arg));
      } catch {
        return false; // its /proc/PID/cwd gone (killed meanwhile): the full way sees to it
      }
      if (resolved === undefined) continue; // the kernel takes it as it is
      if ('errno' in resolved) return false;
      if (name.startsWith('readlink') && procLinkOf(resolved.host) !== undefined) return false;
      if (arg === removedArg && fakeRoot!.remembersRemoved(resolved.host)) return false;
      hosts[i] = resolved.host;
      changed?.push(resolved.guest);
    }
    if (stat !== undefined) return hosts[0] !== undefined && answerStat(tracee, name, stat, args, hosts[0], false, rewrite);
    if (changed !== undefined) guestRoot.changing(tracee.tid, changed);
    for (let i = 0; i < indexes.length; i++) {
      const host = hosts[i];
      if (host !== undefined) rewrite.setArgToCString(indexes[i]!, Buffer.from(host, 'utf8'));
    }
    return true;
  };

  /** A path argument's bytes, or undefined for the full way: a NULL or unreadable pointer (the
   * kernel reports it), a byte beyond ASCII (the full way decodes it as UTF-8). */
  function pathBytes(tracee: Tracee, pointer: bigint): Buffer | undefined {
    if (pointer === 0n) return undefined;
    let bytes: Buffer;
    try {
      bytes = io(tracee).readCStringBytes(pointer, PATH_MAX);
    } catch {
      return undefined;
    }
    return isAscii(bytes) ? bytes : undefined;
  }

  /** Makes fake root's chown or chmod at its stop (FakeRoot.chownAt, chmodAt), on the path
   * the guest resolves or the fd's /proc link, and skips it with the result; false for the
   * full way (what stat calls leave to it, and fchownat's AT_EMPTY_PATH). */
  function ownershipAtStop(tracee: Tracee, name: string, args: ArrayLike<bigint>, owned: OwnershipCall, rewrite: StopRewrite): boolean {
    let path: string;
    /** Whether the monitor's call follows the last symlink: a resolved path has none left to
     * follow (unless lchown's own), an fd's /proc link must be followed. */
    let follow = false;
    if ('fd' in owned.file) {
      const fd = int32(args[owned.file.fd]!);
      if (fd < 0) return false;
      path = `/proc/${tracee.pid}/fd/${fd}`;
      follow = true;
    } else {
      const bytes = pathBytes(tracee, args[owned.file.path]!);
      if (bytes === undefined || bytes.length === 0) return false;
      flags.name = name;
      flags.args = args;
      const dirfd = owned.file.dirfd === null ? AT_FDCWD : int32(args[owned.file.dirfd]!);
      let resolved: ReturnType<GuestRoot['resolvePath']>;
      try {
        resolved = guestRoot.resolvePath(tracee.pid, tracee.tid, bytes.toString('latin1'), dirfd, followsLast(flags, owned.file.path));
      } catch {
        return false;
      }
      if (resolved === undefined || 'errno' in resolved) return false;
      path = resolved.host;
    }
    rewrite.skip(owned.kind === 'chown'
      ? fakeRoot!.chownAt(path, follow, Number(BigInt.asUintN(32, args[owned.ids]!)), Number(BigInt.asUintN(32, args[owned.ids + 1]!)))
      : fakeRoot!.chmodAt(path, int32(args[owned.mode]!) & 0o7777));
    return true;
  }

  /** Answers fake root's stat call at its stop: the struct it shows for `path` (`follow`: its
   * last symlink still to follow) written into the tracee's buffer, and the call skipped;
   * false for the full way (a NULL buffer: the kernel's EFAULT). */
  function answerStat(tracee: Tracee, name: string, stat: (typeof STATS)[string], args: ArrayLike<bigint>, path: string, follow: boolean, rewrite: StopRewrite): boolean {
    const buffer = args[stat.buffer]!;
    if (buffer === 0n) return false;
    const answer = fakeRoot!.exactStat(name, path, follow, stat.flags === undefined ? 0 : int32(args[stat.flags]!), int32(args[3]!));
    if (typeof answer === 'number') rewrite.skip(answer);
    else {
      try {
        io(tracee).write(buffer, answer);
        rewrite.skip(0);
      } catch {
        rewrite.skip(-ERRNO.EFAULT);
      }
    }
    return true;
  }
}
