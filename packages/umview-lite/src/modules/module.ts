// The module API: what a umview-lite module is.
//
// As in umview, modules claim parts of the system-call interface and the monitor decides which
// module handles each call: a call with a path goes to the module whose path prefix is the
// longest match; a call listed in a module's `syscalls` goes to that module. A module is a
// plain object; load your own with `-m ./my-module.js[,key=value...]`, a file whose default
// export is such an object or a factory `(options) => object`.
//
// The order for one call (the routing table, monitor/routing.ts; `--routing` prints it):
//   1. the module that lists the syscall in `syscalls` (one at most) gets `handleSyscall`, with
//      the call as the program made it. If it returns true, the call is the module's: the
//      monitor does nothing more with it (no path rewriting, no proxy, no cwd tracking).
//   2. otherwise (false, or no handleSyscall) the monitor goes on with the call as the module
//      left it: the mounts of file-system modules (`fileSystem`, vfs/), the proxy (virtual
//      fds, paths of `proxy: true` modules), then path rewriting
//      through mapPath (the longest prefix), then the cwd (getcwd, fchdir).
// Claims that conflict are refused when the modules load (a ModuleConflictError naming both
// modules): two modules listing the same syscall, or serving the same path prefix. A module
// may list a path syscall (openat) while another serves paths: by the order above, it sees
// every such call first.
import type { SyscallCall } from '@umview/sysvm';
import type { FileSystem } from '../vfs/file-system.js';
import type { HoldOptions, Outcome } from '../monitor/held-calls.js';

export interface ModuleOptions {
  /** `-m name,flag,key=value` gives { flag: true, key: 'value' } and `positional: ['flag']`. */
  readonly [key: string]: string | boolean | readonly string[] | undefined;
  readonly positional?: readonly string[];
}

/** What a module may ask of the monitor while it handles a call. */
export interface ModuleContext {
  /** The traced process's guest view of its cwd. */
  guestCwd(pid: number): string;
  /** Log a line to the monitor's diagnostics (stderr, or the --strace file). */
  log(message: string): void;
  /**
   * Answers `call` later: its thread stays stopped at the call while the monitor goes on
   * serving the other processes, until `work` settles; then `finish` runs with the outcome and
   * decides the call with its verbs (skip with a result, setArg, runToExit...), which is carried
   * out when `finish` returns. handleSyscall returns true after holding its call. Without an
   * answer within `options.timeoutMs`, `finish` gets `{ ok: false, error: FsError('EIO') }`
   * and a later answer is dropped; if the thread dies (or execs) first, `options.abandon` runs
   * instead of `finish`. (Hold calls this way, not with the call's own `hold()`: the monitor
   * waits for the answers it knows of.)
   *
   * ```ts
   * handleSyscall(call, context) {
   *   context.hold(call, lookUp(call.readString(0)), (outcome) => {
   *     call.skip(outcome.ok ? outcome.value : -5); // -EIO
   *   });
   *   return true;
   * }
   * ```
   */
  hold<T>(call: SyscallCall, work: Promise<T>, finish: (outcome: Outcome<T>) => void, options?: HoldOptions): void;
}

export interface UmviewModule {
  readonly name: string;
  /** Guest path prefixes this module serves, e.g. ['/unreal']. The longest match wins. */
  readonly paths?: readonly string[];
  /** Maps a guest path it serves to the host path the kernel should use (PRoot-style remap:
   * the kernel then does the work). */
  mapPath?(guestPath: string): string;
  /** True when mapPath's result is again a guest path, itself subject to the modules (the
   * unreal module: /unreal/X is the guest's X); false (default) when it is a host path. */
  readonly mapsToGuest?: boolean;
  /** Proxy mode: the monitor performs the calls on served paths itself and keeps the files
   * opened through them, giving the tracee placeholder fds (umview's way); calls it cannot
   * perform for the tracee (execve, chdir) fall back to remapping with mapPath. */
  readonly proxy?: boolean;
  /** The guest path under which this module shows a host path, if it does: what getcwd says
   * after a chdir into a served directory. */
  unmapPath?(hostPath: string): string | undefined;
  /** Syscalls (by name) this module wants to see, whatever their arguments: every one reaches
   * it, first (none is let through at its stop). No other module may list the same syscall. */
  readonly syscalls?: readonly string[];
  /** Handles a call it claimed, before the monitor's own handling. Return true when it decided
   * the call (skip, rewrite, inject, or let it run as it is): the monitor then does nothing
   * more with it. Return false (or nothing) to let the monitor go on with it. */
  handleSyscall?(call: SyscallCall, context: ModuleContext): boolean | void;
  /** Called when the monitor stops. */
  close?(): void;
  /** A file system the module *is* (vfs/file-system.ts): the monitor serves the calls on its
   * mount point, `paths[0]` (for a module loaded with `-m FILE,/mnt`, the first positional
   * option when the module gives no paths), by its operations ('fs' mode in the routing
   * table), with no host file behind. Without mapPath and proxy. */
  readonly fileSystem?: FileSystem;
  /** For a module with a fileSystem: how long one operation may take, in milliseconds, before
   * the call fails with EIO (default 30000; `-m SPEC,timeout=MS` sets it for any module). */
  readonly timeout?: number;
}

/** A factory may work before its module exists (an archive indexed at mount): it returns a
 * promise then, and the mount fails with what it rejects with. */
export type ModuleFactory = (options: ModuleOptions) => UmviewModule | Promise<UmviewModule>;
