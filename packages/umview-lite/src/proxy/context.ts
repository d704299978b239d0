// What every part of the proxy shares: the monitor's services, the fd layout, the counters.
// Each part (opening.ts, fd-calls.ts, exec-calls.ts, kernel-copy.ts, path-calls.ts) exports
// handlers keyed by syscall name; proxy-service.ts dispatches to them by number.
import { syscallNumber } from '@umview/ptrace-core';
import type { SyscallCall, SyscallFilter, SyscallReturn } from '@umview/sysvm';
import type { TraceeIO } from '@umview/ptrace-multi';
import type { ProcessState } from '../monitor/process-table.js';
import type { PathTranslator } from '../paths/translator.js';
import type { FastCallCount } from './fast-call-count.js';
import type { DataPath } from './fast-path.js';
import type { FdLayout } from './fd-limits.js';
import type { PathTargets } from './path-target.js';
import type { ProxyStats } from './proxy-stats.js';

export interface CallHooks {
  /** Asks for the call's return and runs `hook` there; `abandon` runs instead if the thread
   * dies (or execs) before it returns. */
  expectReturn(call: SyscallCall, hook: (ret: SyscallReturn) => void, abandon?: () => void): void;
  /** The traced process a pid or tid belongs to (for another tracee's /proc/<pid>/fd/N). */
  traced(pid: number): ProcessState | undefined;
}

export interface ProxyContext {
  readonly translator: PathTranslator;
  readonly layout: FdLayout;
  readonly ioOf: (call: SyscallCall) => TraceeIO;
  readonly hooks: CallHooks;
  readonly stats: ProxyStats;
  /** 'kernel': regular files get fast fds (fast-path.ts); 'stop': placeholders, a stop per call. */
  readonly dataPath: DataPath;
  /** With --stats: the calls that ran in the kernel, measured around fast fds. */
  readonly fastCalls: FastCallCount | undefined;
  /** Where path arguments land for the proxy. */
  readonly targets: PathTargets;
  /** The filter that makes the fd calls on `fd` stop (for a virtual fd below the threshold); for
   * a fast fd, only those that are not data calls. */
  filterForFd(fd: number, fast: boolean): SyscallFilter;
}

/** Serves the call and returns true, or returns false when it is none of the proxy's (no
 * virtual fd, no proxied path): the monitor then goes on with it. */
export type ProxyHandler = (ctx: ProxyContext, call: SyscallCall, process: ProcessState) => boolean;

/** One entry of the proxy's dispatch table: its handler, and when the seccomp filter stops
 * the call for it. */
export interface ProxyCall {
  readonly handle: ProxyHandler;
  /** An argument index: when that fd argument is at or above the threshold (or a virtual fd
   * adopted below it); 'always' (two fds, ranges); 'path': as a path call (the routing
   * table's filter stops it). */
  readonly stops: number | 'always' | 'path';
}

export function known(name: string): boolean {
  return syscallNumber(name) !== undefined;
}

/** Counts a call served through tracee memory. */
export function countThroughMemory(stats: ProxyStats, bytes: number): void {
  stats.proxiedCalls++;
  if (bytes > 0) {
    stats.throughMemoryCalls++;
    stats.throughMemoryBytes += bytes;
  }
}
