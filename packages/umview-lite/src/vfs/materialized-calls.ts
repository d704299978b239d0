// The calls where the kernel itself must read a served file: mmap of a served fd and execve
// (execveat) of a program stored in a module. Both use a copy of the file in the monitor's
// private directory (materialize.ts): mmap maps the copy (opened in the tracee for the call),
// execve runs it; a `#!` script is run by its interpreter with the script's guest path, as
// the kernel would (monitor/exec.ts), the interpreter then reading the script through the
// mount.
import type { SyscallCall } from '@umview/sysvm';
import { AT_EMPTY_PATH, AT_FDCWD, O_CLOEXEC, O_RDWR } from '../linux.js';
import { readShebang, rewriteScriptExec } from '../monitor/exec.js';
import type { ProcessState } from '../monitor/process-table.js';
import { nrOf } from '../proxy/reissue.js';
import { callerOf, serve, type VfsContext } from './context.js';
import { fail } from './errors.js';
import { servedFd } from './file-calls.js';
import { withPaths } from './locate.js';
import { next } from './maybe.js';
import { AT_SYMLINK_NOFOLLOW, existing, permits, type CallHandler } from './stat-calls.js';
import type { TraceeCaller } from './caller.js';
import { S_IFMT, S_IFREG, walk } from './walk.js';
import type { Caller, MaybePromise } from './file-system.js';

const PROT_WRITE = 2;
const MAP_SHARED = 1;
const MAP_ANONYMOUS = 0x20;
const X_OK = 1;

function mmapCall(ctx: VfsContext, call: SyscallCall, process: ProcessState): boolean {
  if ((call.int(3) & MAP_ANONYMOUS) !== 0) return false;
  const file = servedFd(process, call.int(4));
  if (!file) return false;
  const shared = (call.int(3) & 3) === MAP_SHARED;
  const writing = shared && (call.int(2) & PROT_WRITE) !== 0;
  serve(ctx, call, file.mount, () => {
    if (file.pathOnly || file.accessMode === 1) throw fail('EACCES');
    if (writing && file.accessMode !== O_RDWR) throw fail('EACCES');
    if ((file.type & S_IFMT) !== S_IFREG) throw fail('ENODEV');
    return ctx.materializer.copyOf(file.mount, file.path, callerOf(ctx, process));
  }, (copy) => {
    const real = Number(call.inject(nrOf('openat'), [AT_FDCWD, call.placeString(copy), (writing ? O_RDWR : 0) | O_CLOEXEC, 0]));
    if (real < 0) {
      call.skip(real);
      return;
    }
    call.setArg(4, real);
    ctx.hooks.expectReturn(call, (ret) => {
      ret.inject(nrOf('close'), [real]);
    });
  });
  return true;
}

function execCall(ctx: VfsContext, call: SyscallCall, process: ProcessState): boolean {
  const at = call.name === 'execveat';
  const flags = at ? call.int(4) : 0;
  const spec = { arg: at ? 1 : 0, dirfd: at ? 0 : null, follow: (flags & AT_SYMLINK_NOFOLLOW) === 0, emptyPath: (flags & AT_EMPTY_PATH) !== 0 };
  let given = '';
  try {
    given = call.readString(spec.arg);
  } catch {
    return false;
  }
  let guest = '';
  return withPaths(ctx, call, process, [spec], ([l], caller) => next(() => existing(l!, caller), ({ mount, path, attrs }) => {
    if (l!.kind === 'fd' && (flags & AT_SYMLINK_NOFOLLOW) !== 0 && (attrs.mode & S_IFMT) === 0o120000) throw fail('ELOOP');
    if ((attrs.mode & S_IFMT) !== S_IFREG) throw fail('EACCES');
    if ((attrs.mode & 0o111) === 0 || !permits(attrs, X_OK, caller as TraceeCaller)) throw fail('EACCES');
    guest = mount.guestPath(path);
    return next(() => ctx.materializer.copyOf(mount, path, caller), (copy) => next(() => interpreterCopy(ctx, copy, caller), (interpreter) => ({ copy, interpreter })));
  }), ({ copy, interpreter }) => {
    // A script: its interpreter runs, given the script's guest path (read through the mount).
    if (rewriteScriptExec(call, at ? guest : given, copy, ctx.translator, interpreter)) return;
    if (at) {
      call.setNumber(nrOf('execve'));
      call.setArg(1, call.ptr(2));
      call.setArg(2, call.ptr(3));
    }
    call.setArg(0, call.placeString(copy));
  });
}

/** A served script's interpreter when it is on a mount too (`#!/mnt/bin/sh`): a copy of it,
 * which the kernel runs (an interpreter that is itself a script is not followed further).
 * Undefined for an interpreter on the host. */
function interpreterCopy(ctx: VfsContext, script: string, caller: Caller): MaybePromise<string | undefined> {
  const shebang = readShebang(script);
  if (!shebang || !shebang.interpreter.startsWith('/') || !ctx.mounts.mayEnter(shebang.interpreter)) return undefined;
  return next(() => walk(ctx.mounts, '/', shebang.interpreter, true, caller), (walked) => {
    if (walked.kind !== 'inside') return undefined;
    if (walked.attrs === undefined) throw fail('ENOENT');
    return ctx.materializer.copyOf(walked.mount, walked.path, caller);
  });
}

export const MATERIALIZED_HANDLERS: Readonly<Record<string, CallHandler>> = { mmap: mmapCall, execve: execCall, execveat: execCall };
