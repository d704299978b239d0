// Path calls performed by the monitor on the host path, when a path they name is served by a
// proxy module, or is relative to a virtual directory fd.
import type { SyscallCall } from '@umview/sysvm';
import { AT_FDCWD } from '../linux.js';
import type { ProcessState } from '../monitor/process-table.js';
import { CREATING_CALLS, PATH_CALLS, type ArgSpec } from './call-specs.js';
import type { ProxyCall, ProxyContext } from './context.js';
import { withUmask } from './host-syscalls.js';
import type { PathTarget } from './path-target.js';
import { reissue, type ReissuePlan } from './reissue.js';

function pathCall(ctx: ProxyContext, call: SyscallCall, process: ProcessState, specs: readonly ArgSpec[]): boolean {
  const hostPaths = new Map<number, string | undefined>();
  const dirfds = new Map<number, number>();
  const targets = new Map<number, PathTarget>();
  let proxied = false;
  let onTraceeFd = false;
  for (let i = 0; i < specs.length; i++) {
    if (specs[i]!.kind !== 'path') continue;
    const dirIndex = i > 0 && specs[i - 1]!.kind === 'dirfd' ? i - 1 : undefined;
    const dirfd = dirIndex === undefined ? AT_FDCWD : call.int(dirIndex);
    const target = ctx.targets.of(call, process, i, dirfd, true);
    if (target === undefined) return false; // unreadable path: let the kernel fail it
    hostPaths.set(i, target.pointerIsNull ? undefined : target.host);
    if (dirIndex !== undefined) dirfds.set(dirIndex, target.dirfd);
    if (target.served) proxied = true;
    targets.set(i, target);
    // AT_EMPTY_PATH on an fd of the tracee's own (a proxied host file's fast fd: fast-path.ts).
    onTraceeFd ||= !target.served && !target.pointerIsNull && target.host === '' && dirfd !== AT_FDCWD;
  }
  if (!proxied) return false;
  if (onTraceeFd) return inTracee(call, specs, targets);
  const plan: ReissuePlan = {
    realFd: (fd) => process.vfds.host(fd)?.file.fd ?? fd,
    hostPath: (arg) => hostPaths.get(arg),
    dirfd: (arg) => dirfds.get(arg) ?? AT_FDCWD,
  };
  const { result, bytes } = withUmask(CREATING_CALLS.has(call.name) ? process.umask() : undefined, () =>
    reissue(call, call.nr, specs, plan, ctx.ioOf(call)));
  ctx.stats.proxiedCalls++;
  if (bytes > 0) ctx.stats.throughMemoryBytes += bytes;
  call.skip(result);
  return true;
}

/** A call on an fd of the tracee's own (linkat(fd, "", dirfd, name, AT_EMPTY_PATH)) with a
 * served path beside it: the tracee makes it, the served paths made absolute host paths. The
 * monitor could not make it on a duplicate of the fd: the kernel lets linkat name an fd by
 * AT_EMPTY_PATH only to the credentials that opened it (or CAP_DAC_READ_SEARCH). */
function inTracee(call: SyscallCall, specs: readonly ArgSpec[], targets: ReadonlyMap<number, PathTarget>): boolean {
  for (const [i, target] of targets) {
    if (!target.served) continue;
    call.setArg(i, call.placeString(target.hostPath));
    if (i > 0 && specs[i - 1]!.kind === 'dirfd') call.setArg(i - 1, AT_FDCWD);
  }
  return true;
}

export const PATH_HANDLERS: Readonly<Record<string, ProxyCall>> = Object.fromEntries(
  Object.entries(PATH_CALLS).map(([name, specs]) => [name, { stops: 'path', handle: (ctx, call, process) => pathCall(ctx, call, process, specs) } satisfies ProxyCall]),
);
