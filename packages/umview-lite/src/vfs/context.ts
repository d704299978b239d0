// What every part of the dispatcher shares, and how one call is carried out: its work (a chain
// of operations, maybe asynchronous) runs, and its answer is written into the tracee at the
// stop: at once when every operation answered at once, else at the held stop (CallHolder),
// bounded by the mount's timeout.
import { ERRNO, isTraceeGone } from '@umview/ptrace-core';
import type { SyscallCall } from '@umview/sysvm';
import type { CallHolder, Outcome } from '../monitor/held-calls.js';
import type { ProcessState } from '../monitor/process-table.js';
import type { PathTranslator } from '../paths/translator.js';
import type { CallHooks } from '../proxy/context.js';
import type { FastCallCount } from '../proxy/fast-call-count.js';
import type { DataPath } from '../proxy/fast-path.js';
import type { ProxyStats } from '../proxy/proxy-stats.js';
import type { FdLayout } from '../proxy/fd-limits.js';
import { TraceeCaller } from './caller.js';
import type { CredentialCache } from './credentials.js';
import { errnoOf } from './errors.js';
import type { MaybePromise } from './file-system.js';
import { isPromise } from './maybe.js';
import type { Materializer } from './materialize.js';
import type { Mount } from './mount.js';
import type { Mounts } from './mounts.js';

export interface VfsContext {
  readonly mounts: Mounts;
  readonly layout: FdLayout;
  readonly hooks: CallHooks;
  /** Holds a call whose operation answered with a promise (undefined: such a call fails with
   * EIO, logged: the monitor cannot hold calls). */
  readonly holder: CallHolder | undefined;
  /** Remap modules' translation, for a path that leaves a mount in a held call. */
  readonly translator: PathTranslator;
  readonly fakeRoot: boolean;
  /** Copies of served files for mmap and execve. */
  readonly materializer: Materializer;
  /** The callers' ids and umask, kept between calls. */
  readonly credentials: CredentialCache;
  /** 'kernel': regular files with a backing file get fast fds (proxy/fast-path.ts). */
  readonly dataPath: DataPath;
  /** With --stats: the calls that ran in the kernel, measured around fast fds. */
  readonly fastCalls: FastCallCount | undefined;
  /** The proxy's counters (fast opens), shared with the proxy's own. */
  readonly stats: ProxyStats;
  log(message: string): void;
}

export function callerOf(ctx: VfsContext, process: ProcessState): TraceeCaller {
  return new TraceeCaller(process, ctx.fakeRoot, ctx.credentials);
}

/** Runs `work` for `call` on `mount`; `finish` writes its answer into the tracee (and skips the
 * call, or lets it run as it made it). An error thrown by either fails the call with its errno. */
export function serve<T>(ctx: VfsContext, call: SyscallCall, mount: Mount, work: () => MaybePromise<T>, finish: (value: T) => void): void {
  const settle = (outcome: Outcome<T>): void => {
    if (outcome.ok) {
      try {
        finish(outcome.value);
        return;
      } catch (error) {
        if (isTraceeGone(error)) throw error;
        call.skip(-errnoOf(error, mount.name, ctx.log));
        return;
      }
    }
    call.skip(-errnoOf(outcome.error, mount.name, ctx.log));
  };
  let value: MaybePromise<T>;
  try {
    value = work();
  } catch (error) {
    settle({ ok: false, error });
    return;
  }
  if (!isPromise(value)) {
    settle({ ok: true, value });
    return;
  }
  if (!ctx.holder) {
    value.catch(() => undefined);
    ctx.log(`umview-lite: module ${mount.name} answered ${call.name} with a promise, but this monitor cannot hold calls: EIO`);
    call.skip(-ERRNO.EIO);
    return;
  }
  ctx.holder.hold(call, value, mount.timeoutMs, settle);
}

/** Writes `data` at `address` in the tracee (EFAULT when it cannot). */
export function put(call: SyscallCall, address: bigint, data: Uint8Array): void {
  try {
    call.io.write(address, data);
  } catch {
    throw Object.assign(new Error('EFAULT'), { code: 'EFAULT' });
  }
}
