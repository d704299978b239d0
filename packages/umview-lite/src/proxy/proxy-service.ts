// The proxy: for modules that serve paths with `proxy: true`, the monitor performs the calls
// itself. An open gives the tracee a placeholder fd at a high number (a duplicate of a
// per-process /dev/null template) while the monitor keeps the real file; calls on that fd are
// re-issued by the monitor on the real file, the data moving through tracee memory in
// ptrace-multi batches, or in the kernel (copy_file_range, sendfile, splice against an fd of
// the tracee's obtained with pidfd_getfd).
//
// Each responsibility has its file, and its handlers in PROXY_CALLS, the dispatch table keyed
// by syscall: opening.ts (opens, the placeholder and its template), fd-calls.ts (calls on
// virtual fds, close/dup/fcntl/mmap/fchdir), exec-calls.ts, kernel-copy.ts, path-calls.ts
// (path calls on proxied paths, resolved by path-target.ts).
import { syscallNumber } from '@umview/ptrace-core';
import { SyscallFilter, type SyscallCall } from '@umview/sysvm';
import type { TraceeIO } from '@umview/ptrace-multi';
import type { PathRewriter } from '../monitor/path-rewriter.js';
import type { ProcessState } from '../monitor/process-table.js';
import type { PathTranslator } from '../paths/translator.js';
import { known, type CallHooks, type ProxyCall, type ProxyContext } from './context.js';
import { EXEC_HANDLERS } from './exec-calls.js';
import type { FdLayout } from './fd-limits.js';
import type { FastCallCount } from './fast-call-count.js';
import { DATA_CALLS, type DataPath } from './fast-path.js';
import { FD_HANDLERS } from './fd-calls.js';
import { COPY_HANDLERS } from './kernel-copy.js';
import { OPEN_HANDLERS } from './opening.js';
import { PATH_HANDLERS } from './path-calls.js';
import { PathTargets } from './path-target.js';
import { emptyProxyStats, type ProxyStats } from './proxy-stats.js';

export type { CallHooks } from './context.js';

/** The proxy's dispatch table: every syscall it may serve, by name. */
export const PROXY_CALLS: Readonly<Record<string, ProxyCall>> = {
  ...PATH_HANDLERS, ...OPEN_HANDLERS, ...EXEC_HANDLERS, ...FD_HANDLERS, ...COPY_HANDLERS,
};

const namesWhere = (test: (entry: ProxyCall) => boolean): string[] =>
  Object.keys(PROXY_CALLS).filter((name) => known(name) && test(PROXY_CALLS[name]!));
/** Calls whose first argument is an fd the filter tests: the data calls (which a fast fd, below
 * the threshold, makes in the kernel) against the threshold, the others from the fast band up. */
const FD0_CALLS = namesWhere((e) => e.stops === 0);
const FD0_DATA_CALLS = FD0_CALLS.filter((name) => DATA_CALLS.includes(name));
const FD0_META_CALLS = FD0_CALLS.filter((name) => !DATA_CALLS.includes(name));
/** Calls whose fifth argument is (mmap). */
const FD4_CALLS = namesWhere((e) => e.stops === 4);
/** Calls that stop always when a proxy module is active (two fd arguments, or ranges). */
const ALWAYS_CALLS = namesWhere((e) => e.stops === 'always');

export class ProxyService {
  readonly stats: ProxyStats = emptyProxyStats();
  private readonly context: ProxyContext;
  /** PROXY_CALLS by syscall number (an array indexed without hashing). */
  private readonly handlers: (ProxyCall['handle'] | undefined)[] = [];

  constructor(translator: PathTranslator, rewriter: PathRewriter, private readonly layout: FdLayout, ioOf: (call: SyscallCall) => TraceeIO, hooks: CallHooks, readonly dataPath: DataPath = 'kernel', fastCalls?: FastCallCount) {
    this.context = {
      translator, layout, ioOf, hooks, stats: this.stats, dataPath, fastCalls,
      targets: new PathTargets(translator, rewriter, hooks.traced),
      filterForFd: (fd, fast) => fast
        ? new SyscallFilter().traceWhenFdIn(FD0_META_CALLS, 0, [fd])
        : new SyscallFilter().traceWhenFdIn(FD0_CALLS, 0, [fd]).traceWhenFdIn(FD4_CALLS, 4, [fd]),
    };
    for (const [name, entry] of Object.entries(PROXY_CALLS)) {
      const nr = syscallNumber(name);
      if (nr !== undefined) this.handlers[nr] = entry.handle;
    }
  }

  /** The syscalls the proxy serves (the routing table's list). */
  static get calls(): readonly string[] {
    return namesWhere(() => true);
  }

  /** The syscalls a proxy needs to stop (on top of the path calls). */
  addToFilter(filter: SyscallFilter): SyscallFilter {
    const metaFrom = this.dataPath === 'kernel' ? this.layout.fastBase : this.layout.threshold;
    return filter
      .traceWhenFdAtLeast(FD0_DATA_CALLS, 0, this.layout.threshold)
      .traceWhenFdAtLeast(FD0_META_CALLS, 0, metaFrom)
      .traceWhenFdAtLeast(FD4_CALLS, 4, this.layout.threshold)
      .trace(ALWAYS_CALLS);
  }

  /** Handles the call if it concerns a virtual fd or a proxied path; false otherwise. */
  handle(call: SyscallCall, process: ProcessState): boolean {
    const handler = this.handlers[call.nr];
    return handler !== undefined && handler(this.context, call, process);
  }

  /** A process exec'd: its close-on-exec virtual fds are gone. */
  exec(process: ProcessState): void {
    process.vfds.exec();
  }
}
