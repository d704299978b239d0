// Placeholder fds: an open the monitor serves itself (a proxied real file, a file a file-system
// module serves) gives the tracee a placeholder fd at a high number, a duplicate of a
// per-process /dev/null template made by F_DUPFD in the tracee itself, while the monitor keeps
// the open file description in the process's virtual fd table. A placeholder is /dev/null:
// poll and select on it say readable and writable at once, as for a regular file.
import { readlinkSync } from 'node:fs';
import type { SyscallCall, SyscallReturn } from '@umview/sysvm';
import { AT_FDCWD, O_RDWR } from '../linux.js';
import type { ProcessState } from '../monitor/process-table.js';
import type { CallHooks } from './context.js';
import type { FdLayout } from './fd-limits.js';
import { nrOf } from './reissue.js';
import type { OpenDescription } from './virtual-fds.js';

export const F_DUPFD = 0;
export const F_DUPFD_CLOEXEC = 1030;

/** What making a placeholder needs of the monitor. */
export interface PlaceholderContext {
  readonly layout: FdLayout;
  readonly hooks: Pick<CallHooks, 'expectReturn'>;
}

/** Turns the call into fcntl(template, F_DUPFD[_CLOEXEC], threshold): the kernel hands the
 * tracee a fresh placeholder fd as the call's result; its number is learnt at the exit. */
export function placeholder(ctx: PlaceholderContext, call: SyscallCall, process: ProcessState, file: OpenDescription, cloexec: boolean): void {
  const template = templateOf(ctx, call, process);
  file.retain(); // held until the exit hook gives it to the table
  call.setNumber(nrOf('fcntl'));
  call.setArg(0, template);
  call.setArg(1, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD);
  call.setArg(2, ctx.layout.threshold);
  // The hook's reference is dropped whatever happens (the tracee may die in adopt's filter
  // injection): a reference left behind would keep the real file open in the monitor.
  ctx.hooks.expectReturn(call, (ret) => {
    try {
      const fd = Number(ret.result);
      if (fd >= 0) process.vfds.set(fd, file, cloexec);
    } finally {
      file.release();
    }
  }, () => file.release());
}

/** What making the template needs: a syscall run in the tracee, and a string put in its memory. */
export interface Injector {
  inject(nr: number, args: readonly (bigint | number)[]): bigint;
  placeString(text: string): bigint;
}

/** A placeholder made at the exit of the open instead (fast-path.ts: the tracee could not open
 * the monitor's fd): fcntl(template, F_DUPFD[_CLOEXEC], threshold) injected there, its fd the
 * open's result. */
export function placeholderAtExit(ctx: PlaceholderContext, ret: SyscallReturn, injector: Injector, process: ProcessState, file: OpenDescription, cloexec: boolean): void {
  const template = templateOf(ctx, injector, process);
  const fd = Number(ret.inject(nrOf('fcntl'), [template, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, ctx.layout.threshold]));
  if (fd >= 0) process.vfds.set(fd, file, cloexec);
  ret.setResult(fd);
}

/** The process's template placeholder, made (or made again, if the program closed or
 * replaced it: closefrom and the like) by injecting openat(/dev/null) + F_DUPFD. */
function templateOf(ctx: PlaceholderContext, injector: Injector, process: ProcessState): number {
  const current = process.templateFd;
  if (current !== undefined && isDevNull(process.pid, current)) return current;
  const inject = (nr: number, args: (bigint | number)[]) => Number(injector.inject(nr, args));
  const low = inject(nrOf('openat'), [AT_FDCWD, injector.placeString('/dev/null'), O_RDWR, 0]);
  if (low < 0) throw new Error(`cannot open /dev/null in the tracee (errno ${-low})`);
  const high = inject(nrOf('fcntl'), [low, F_DUPFD, ctx.layout.templateBase]);
  inject(nrOf('close'), [low]);
  if (high < 0) throw new Error(`cannot place the template fd (errno ${-high})`);
  process.templateFd = high;
  return high;
}

function isDevNull(pid: number, fd: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/fd/${fd}`) === '/dev/null';
  } catch {
    return false;
  }
}
