// The guest view of the cwd: chdir/fchdir into a served directory keep the real cwd on the
// host directory and remember how the guest names it; getcwd answers with that name.
import { readlinkSync } from 'node:fs';
import { ERRNO } from '@umview/ptrace-core';
import type { SyscallCall, SyscallReturn } from '@umview/sysvm';
import type { PathTranslator } from '../paths/translator.js';
import type { ProcessState } from './process-table.js';

/** After a successful chdir/fchdir: the guest cwd, from the physical host cwd, named through
 * the same modules as the guest path that led there (`/unreal/unreal/tmp` stays doubled; a
 * symlink's target keeps the prefix it was reached through). When no module of that chain
 * shows the host directory (an absolute symlink led out of a bind), the host path is the
 * guest's: the kernel's getcwd answers. */
export function settleCwd(process: ProcessState, served: boolean, translator: PathTranslator, guestTarget: string | undefined): void {
  if (!served || guestTarget === undefined) {
    process.guestCwd = undefined;
    return;
  }
  const host = readlinkSync(`/proc/${process.pid}/cwd`);
  process.guestCwd = translator.guestName(host, guestTarget);
}

/** getcwd(buf, size) answered from the guest cwd: the length with its NUL, or -ERANGE. */
export function answerGetcwd(call: SyscallCall, guestCwd: string): void {
  const bytes = Buffer.from(`${guestCwd}\0`, 'utf8');
  if (call.size(1) < bytes.length) {
    call.skip(-ERRNO.ERANGE);
    return;
  }
  try {
    call.io.write(call.ptr(0), bytes);
    call.skip(bytes.length);
  } catch {
    call.skip(-ERRNO.EFAULT);
  }
}

export function succeeded(ret: SyscallReturn): boolean {
  return !ret.isError;
}
