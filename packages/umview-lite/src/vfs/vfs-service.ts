// The dispatcher: the calls the traced programs make on a file-system module's mount, and on
// the fds they opened there, turned into the module's operations (file-system.ts). Each part
// has its file and its handlers keyed by syscall name: stat-calls.ts (looking), open-calls.ts
// (opens, chdir), change-calls.ts (creating, removing, renaming, attributes), time-calls.ts,
// xattr-calls.ts, file-calls.ts (calls on served fds), lock-calls.ts, copy-calls.ts,
// materialized-calls.ts (mmap, execve). The proxy's fd plumbing (placeholders, the virtual fd table: dup,
// fork, close-on-exec) serves the fds; this runs before the proxy in the monitor's route.
import { syscallNumber } from '@umview/ptrace-core';
import type { SyscallCall } from '@umview/sysvm';
import type { CallHolder } from '../monitor/held-calls.js';
import type { ProcessState } from '../monitor/process-table.js';
import type { PathTranslator } from '../paths/translator.js';
import type { CallHooks } from '../proxy/context.js';
import type { FdLayout } from '../proxy/fd-limits.js';
import type { PathRoute } from '../monitor/routing.js';
import { CHANGE_HANDLERS } from './change-calls.js';
import { CREDENTIAL_CALLS, CredentialCache } from './credentials.js';
import { COPY_HANDLERS } from './copy-calls.js';
import { TIME_HANDLERS } from './time-calls.js';
import { XATTR_HANDLERS } from './xattr-calls.js';
import { inotifyAddWatchCall } from './watch-calls.js';
import type { VfsContext } from './context.js';
import { FILE_HANDLERS } from './file-calls.js';
import { Materializer } from './materialize.js';
import { MATERIALIZED_HANDLERS } from './materialized-calls.js';
import { Mounts } from './mounts.js';
import { OPEN_HANDLERS } from './open-calls.js';
import { STAT_HANDLERS, type CallHandler } from './stat-calls.js';
import { fail } from './errors.js';
import type { Caller } from './file-system.js';
import { walk } from './walk.js';
import type { FastCallCount } from '../proxy/fast-call-count.js';
import type { DataPath } from '../proxy/fast-path.js';
import type { ProxyStats } from '../proxy/proxy-stats.js';

export const VFS_CALLS: Readonly<Record<string, CallHandler>> = { ...STAT_HANDLERS, ...OPEN_HANDLERS, ...CHANGE_HANDLERS, ...TIME_HANDLERS, ...XATTR_HANDLERS, ...FILE_HANDLERS, ...MATERIALIZED_HANDLERS, ...COPY_HANDLERS, inotify_add_watch: inotifyAddWatchCall };

export interface VfsOptions {
  readonly routes: readonly PathRoute[];
  readonly layout: FdLayout;
  readonly hooks: CallHooks;
  readonly holder: CallHolder | undefined;
  readonly translator: PathTranslator;
  readonly fakeRoot: boolean;
  readonly dataPath: DataPath;
  /** With --stats: the calls that ran in the kernel, measured around fast fds. */
  readonly fastCalls: FastCallCount | undefined;
  /** The proxy's counters: a mount's fast opens are counted there. */
  readonly stats: ProxyStats;
  log(message: string): void;
}

export class VfsService {
  readonly mounts: Mounts;
  private readonly context: VfsContext;
  private readonly materializer: Materializer;
  private readonly handlers: (CallHandler | undefined)[] = [];
  private readonly credentials = new CredentialCache();
  /** By syscall number: the call may change the callers' ids or umask. */
  private readonly changesCredentials: boolean[] = [];

  constructor(options: VfsOptions) {
    this.mounts = new Mounts(options.routes);
    this.materializer = new Materializer(options.log);
    this.context = { ...options, mounts: this.mounts, materializer: this.materializer, credentials: this.credentials, log: options.log };
    for (const [name, handler] of Object.entries(VFS_CALLS)) {
      const nr = syscallNumber(name);
      if (nr !== undefined) this.handlers[nr] = handler;
    }
    for (const name of CREDENTIAL_CALLS) {
      const nr = syscallNumber(name);
      if (nr !== undefined) this.changesCredentials[nr] = true;
    }
  }

  /** Serves the call when it concerns a mount or a served fd; false otherwise (the monitor
   * goes on with it, its paths rewritten when a walk left a mount). */
  handle(call: SyscallCall, process: ProcessState): boolean {
    if (this.changesCredentials[call.nr] === true) {
      // Under fake root the ids are the monitor's own (fakeIds): only the umask is read.
      if (!this.context.fakeRoot || call.name === 'umask') this.credentials.changing(call, process, this.context.hooks);
      return false;
    }
    const handler = this.handlers[call.nr];
    return handler !== undefined && handler(this.context, call, process);
  }

  /** The host file to start as the first program when `program` (an absolute guest path) is
   * on a mount: a copy of it, as an execve of it runs one (materialize.ts); undefined when it
   * is not on a mount. Asked as the user running the monitor. */
  async launchCopy(program: string): Promise<string | undefined> {
    const caller: Caller = { pid: process.pid, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, umask: process.umask() };
    const walked = await walk(this.mounts, '/', program, true, caller);
    if (walked.kind !== 'inside') return undefined;
    if (walked.attrs === undefined) throw fail('ENOENT');
    return await this.materializer.copyOf(walked.mount, walked.path, caller);
  }

  /** The process exec'd: its credentials may be new (a set-user-ID program). */
  exec(process: ProcessState): void {
    this.credentials.exec(process);
  }

  /** A process is gone: its POSIX record locks go with it. */
  processExited(pid: number): void {
    for (const mount of this.mounts.list) mount.locks.releaseOwner(pid);
  }

  /** The monitor stops: every mount's destroy (awaited). */
  async destroy(): Promise<void> {
    for (const mount of this.mounts.list) {
      try {
        await mount.fs.destroy?.();
      } catch (error) {
        this.context.log(`umview-lite: module ${mount.name}: destroy: ${String(error)}`);
      }
    }
    this.materializer.dispose();
  }
}
