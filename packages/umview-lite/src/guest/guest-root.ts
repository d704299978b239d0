// The guest root (`-r DIR`): every path call of the tree is resolved in the guest's view
// (resolver.ts) and handed to the kernel as a host path with nothing left to resolve; execve
// runs the guest's own interpreters (exec-plan.ts); getcwd and the /proc links answer with
// guest paths (proc-links.ts). The guest cwd is the real one, named through the namespace: it
// needs no state of its own across fork, exec, chdir and fchdir.
import { accessSync, constants, readlinkSync, statSync } from 'node:fs';
import { ERRNO, errnoName, syscallNumber } from '@umview/ptrace-core';
import type { SpawnOptions } from '@umview/ptrace-core';
import type { SyscallCall, SyscallReturn } from '@umview/sysvm';
import { AT_EMPTY_PATH, AT_FDCWD } from '../linux.js';
import type { PathArg } from '../paths/path-syscalls.js';
import { placeArgvTable, placeStrings, readArgvPointers } from '../monitor/argv-placement.js';
import { answerGetcwd } from '../monitor/cwd.js';
import type { ProcessState } from '../monitor/process-table.js';
import { planExec, type ExecArg, type ExecPlan } from './exec-plan.js';
import { followsLast } from './final-component.js';
import { CHANGES_NAMES } from './known-paths.js';
import { GuestNamespace, type Bind } from './namespace.js';
import { guestTarget, procLinkOf } from './proc-links.js';
import { GuestResolver, type Resolved } from './resolver.js';
import { handleSocketAddress } from './unix-sockets.js';

export interface GuestRootOptions {
  /** The host directory that is the guest's '/'. */
  readonly root: string;
  readonly binds: readonly Bind[];
  /** The first program's cwd, a guest path (default '/'). */
  readonly cwd?: string;
}

export interface GuestRootHost {
  expectReturn(call: SyscallCall, hook: (ret: SyscallReturn) => void): void;
  /** The traced process `pid` belongs to, if any. */
  traced(pid: number): ProcessState | undefined;
  log(message: string): void;
}

export class GuestRootError extends Error {
  override name = 'GuestRootError';
  /** The exit status a shell gives for it: 2 for bad options, 126 for a command that cannot
   * run, 127 for one not found. */
  constructor(message: string, readonly exitStatus = 2) {
    super(message);
  }
}

const EXECVE_NR = syscallNumber('execve')!;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class GuestRoot {
  readonly namespace: GuestNamespace;
  private readonly resolver: GuestResolver;

  constructor(private readonly options: GuestRootOptions, private readonly host: GuestRootHost) {
    this.namespace = new GuestNamespace(options.root, options.binds);
    this.resolver = new GuestResolver(this.namespace);
  }

  /** The first program, as the kernel must be asked to start it: its path searched in the
   * guest's PATH, run through the guest's interpreters, in the guest cwd. */
  launch(command: string, args: readonly string[], spawn: SpawnOptions): { program: string; args: readonly string[]; spawn: SpawnOptions; guestExe: string } {
    const cwd = this.options.cwd ?? '/';
    const dir = this.resolver.resolve('/', cwd, true);
    if ('errno' in dir) throw new GuestRootError(`cannot enter the guest directory ${cwd}: too many levels of symbolic links`, 126);
    const path = command.includes('/') ? command : this.searchPath(command, spawn.env);
    const plan = planExec(this.resolver, dir.guest, path, undefined);
    if ('errno' in plan) throw new GuestRootError(plan.message ?? `cannot run ${command} in the guest (${errnoName(plan.errno) ?? plan.errno})`, 126);
    const argv = materialize(plan, [command, ...args]);
    return { program: plan.host, args: argv.slice(1), spawn: { ...spawn, argv0: argv[0], cwd: dir.host }, guestExe: plan.guestExe };
  }

  /** A path call, getcwd, execve or a unix socket's address of a guest process: always the
   * monitor's (true). */
  handle(call: SyscallCall, process: ProcessState, paths: readonly PathArg[] | undefined): boolean {
    if (call.name === 'getcwd') {
      answerGetcwd(call, this.cwdOf(process.pid));
      return true;
    }
    if (call.name === 'execve' || call.name === 'execveat') return this.exec(call, process);
    if (paths === undefined) {
      handleSocketAddress(call, {
        resolve: (path, followLast) => this.resolver.resolve(path.startsWith('/') ? '/' : this.cwdOf(process.pid), path, followLast, { pid: process.pid, tid: call.tid }),
        toGuest: (host) => this.namespace.toGuest(host),
        expectReturn: this.host.expectReturn,
        log: this.host.log,
      });
      return true;
    }
    const changed: string[] | undefined = CHANGES_NAMES.has(call.name) ? [] : undefined;
    for (const { arg, dirfd } of paths) {
      const resolved = this.resolveArg(call, process, arg, dirfd);
      if (resolved === undefined) continue;
      if ('errno' in resolved) {
        call.skip(-resolved.errno);
        return true;
      }
      call.setArg(arg, call.placeString(resolved.host));
      if (call.name === 'readlink' || call.name === 'readlinkat') this.fixProcLink(call, resolved.host);
      changed?.push(resolved.guest);
    }
    if (changed !== undefined) this.changing(call.tid, changed);
    return true;
  }

  /** Thread `tid` is let go with an unlink, rmdir or rename of the guest names `guests`: the
   * resolver forgets what it knew of them (KnownPaths). Both ways' (at-stop.ts). */
  changing(tid: number, guests: readonly string[]): void {
    this.resolver.known.changing(tid, guests);
  }

  /** Thread `tid` stopped (any stop), or is gone: a call it was let go with has run. */
  stopped(tid: number): void {
    this.resolver.known.threadStopped(tid);
  }

  /** The host path a path argument reaches (its last symlink followed when the call follows
   * it), or undefined when the kernel takes the argument as it is or fails it. */
  hostPathOf(call: SyscallCall, process: ProcessState, arg: number, dirfd: number | null): string | undefined {
    const resolved = this.resolveArg(call, process, arg, dirfd);
    return resolved === undefined || 'errno' in resolved ? undefined : resolved.host;
  }

  /** The guest cwd of a process: its real cwd, named through the namespace. */
  cwdOf(pid: number): string {
    const host = readlinkSync(`/proc/${pid}/cwd`);
    return this.namespace.toGuest(host) ?? host;
  }

  /** A path argument resolved in the guest; undefined when the kernel takes it as it is ('',
   * a NULL or unreadable pointer, or a directory fd the guest cannot name). */
  private resolveArg(call: SyscallCall, process: ProcessState, arg: number, dirfd: number | null) {
    const pointer = call.ptr(arg);
    if (pointer === 0n) return undefined;
    let path: string;
    try {
      path = call.readString(arg);
    } catch {
      return undefined; // EFAULT, ENAMETOOLONG: the kernel says so
    }
    return this.resolvePath(process.pid, call.tid, path, dirfd === null ? AT_FDCWD : call.int(dirfd), followsLast(call, arg));
  }

  /** A path thread `tid` of process `pid` passed, relative to `dirfd`, resolved in the guest
   * (`followLast`: the call follows a symlink in its last component); undefined when the kernel
   * takes it as it is ('', or a directory fd the guest cannot name). The full way's and the
   * stop's (at-stop.ts). */
  resolvePath(pid: number, tid: number, path: string, dirfd: number, followLast: boolean): Resolved | undefined {
    if (path === '') return undefined; // the fd itself (AT_EMPTY_PATH) or ENOENT
    const start = path.startsWith('/') ? '/' : this.startOf(pid, dirfd);
    if (start === undefined) return undefined;
    return this.resolver.resolve(start, path, followLast, { pid, tid });
  }

  /** The guest directory a relative path starts from: the cwd, or a directory fd. */
  private startOf(pid: number, dirfd: number): string | undefined {
    if (dirfd === AT_FDCWD) return this.cwdOf(pid);
    try {
      return this.namespace.toGuest(readlinkSync(`/proc/${pid}/fd/${dirfd}`));
    } catch {
      return undefined; // not open: EBADF from the kernel
    }
  }

  private exec(call: SyscallCall, process: ProcessState): boolean {
    const at = call.name === 'execveat';
    const pathArg = at ? 1 : 0;
    process.pendingExe = undefined;
    let path: string;
    try {
      path = call.readString(pathArg);
    } catch {
      return true; // EFAULT: the kernel says so
    }
    if (at && path === '' && (call.int(4) & AT_EMPTY_PATH) !== 0) return true; // an fd: not a path the guest resolves
    const start = path.startsWith('/') ? '/' : this.startOf(process.pid, at ? call.int(0) : AT_FDCWD);
    if (start === undefined) return true;
    const plan = planExec(this.resolver, start, path);
    if ('errno' in plan) {
      if (plan.message !== undefined) this.host.log(`umview-lite: ${plan.message}`);
      call.skip(-plan.errno);
      return true;
    }
    const argvArg = at ? 2 : 1;
    let host: bigint;
    let argv: bigint;
    if (plan.argv === undefined) {
      host = call.placeString(plan.host);
      argv = call.ptr(argvArg);
    } else {
      // The plan's argv: its strings placed with the host path, the program's own pointers kept.
      const old = readArgvPointers(call, call.ptr(argvArg));
      if (old === undefined) {
        call.skip(-ERRNO.EFAULT);
        return true;
      }
      const newTexts = plan.argv.map((a) => (typeof a === 'string' ? a : old[a.old] === undefined ? '' : undefined));
      const addresses = placeStrings(call, [plan.host, ...newTexts.filter((t): t is string => t !== undefined)]);
      host = addresses[0]!;
      let next = 1;
      const pointers = plan.argv.map((a, i) => (newTexts[i] !== undefined ? addresses[next++]! : old[(a as { old: number }).old]!));
      argv = placeArgvTable(call, [...pointers, ...old.slice(plan.restFrom)]);
    }
    process.pendingExe = plan.guestExe;
    // execveat(dirfd, path, argv, envp, flags) becomes execve(host, argv, envp): the host path
    // is absolute and resolved.
    if (at) call.setNumber(EXECVE_NR);
    call.setArg(0, host);
    call.setArg(1, argv);
    if (at) call.setArg(2, call.ptr(3));
    return true;
  }

  /** readlink of a /proc link: its answer rewritten to the guest's path at the return. */
  private fixProcLink(call: SyscallCall, host: string): void {
    const link = procLinkOf(host);
    if (link === undefined) return;
    const buffer = call.ptr(call.name === 'readlinkat' ? 2 : 1);
    const size = call.size(call.name === 'readlinkat' ? 3 : 2);
    const exe = link.kind === 'exe' ? this.host.traced(link.pid)?.guestExe : undefined;
    this.host.expectReturn(call, (ret) => {
      if (ret.isError) return;
      const target = ret.io.read(buffer, Number(ret.effectiveResult)).toString('utf8');
      const guest = Buffer.from(guestTarget(this.namespace, link, target, exe), 'utf8');
      const shown = guest.subarray(0, Math.min(guest.length, size));
      ret.io.write(buffer, shown);
      ret.setResult(shown.length);
    });
  }

  /** A command without '/' looked up in the guest's PATH (the caller's PATH, as a shell inside
   * would), as execvp does: the first executable file. */
  private searchPath(command: string, env: SpawnOptions['env']): string {
    const path = pathOf(env) ?? DEFAULT_PATH;
    for (const dir of path.split(':')) {
      const candidate = `${dir === '' ? '.' : dir}/${command}`;
      const file = this.resolver.resolve('/', candidate, true);
      if (!('errno' in file) && isExecutableFile(file.host)) return candidate;
    }
    throw new GuestRootError(`${command}: not found in the guest's PATH (${path})`, 127);
  }
}

function materialize(plan: ExecPlan, argv: readonly string[]): string[] {
  if (plan.argv === undefined) return [...argv];
  return [...plan.argv.map((a: ExecArg) => (typeof a === 'string' ? a : argv[a.old] ?? '')), ...argv.slice(plan.restFrom)];
}

function pathOf(env: SpawnOptions['env']): string | undefined {
  if (env === undefined) return process.env.PATH;
  if (Array.isArray(env)) return env.find((e) => e.startsWith('PATH='))?.slice(5);
  return (env as Record<string, string | undefined>).PATH;
}

function isExecutableFile(host: string): boolean {
  try {
    accessSync(host, constants.X_OK);
    return statSync(host).isFile();
  } catch {
    return false;
  }
}
