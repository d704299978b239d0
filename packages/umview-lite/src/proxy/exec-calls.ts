// execs that name a virtual fd: the placeholder is /dev/null, so the call must name the real
// file's host path instead (a proxied path itself is remapped by the monitor's path rewriting).
import { resolve as resolvePath } from 'node:path';
import type { SyscallCall } from '@umview/sysvm';
import { AT_EMPTY_PATH } from '../linux.js';
import type { ProcessState } from '../monitor/process-table.js';
import type { ProxyCall, ProxyContext } from './context.js';
import { nrOf } from './reissue.js';

/** execveat relative to a virtual directory fd, or of a virtual fd itself (AT_EMPTY_PATH):
 * the call becomes an execve of the host path. */
function execveat(ctx: ProxyContext, call: SyscallCall, process: ProcessState): boolean {
  const entry = process.vfds.host(call.int(0));
  if (!entry) return false;
  let path: string;
  try {
    path = call.readString(1);
  } catch {
    return false;
  }
  if (path.startsWith('/')) return false;
  const host = path === '' && (call.int(4) & AT_EMPTY_PATH) !== 0 ? entry.file.hostPath : resolvePath(entry.file.hostPath, path);
  call.setNumber(nrOf('execve'));
  call.setArg(0, call.placeString(host));
  call.setArg(1, call.ptr(2));
  call.setArg(2, call.ptr(3));
  ctx.stats.proxiedCalls++;
  return true;
}

/** execve("/proc/self/fd/N") of a virtual fd (glibc's fexecve without execveat). */
function execveOfFdLink(ctx: ProxyContext, call: SyscallCall, process: ProcessState): boolean {
  if (process.vfds.size === 0) return false; // the usual case: no path read here
  let path: string;
  try {
    path = call.readString(0);
  } catch {
    return false;
  }
  const link = ctx.targets.procFdLink(path, process);
  if (!link) return false;
  call.setArg(0, call.placeString(link.file.hostPath));
  ctx.stats.proxiedCalls++;
  return true;
}

export const EXEC_HANDLERS: Readonly<Record<string, ProxyCall>> = {
  execve: { stops: 'path', handle: execveOfFdLink },
  execveat: { stops: 'path', handle: execveat },
};
