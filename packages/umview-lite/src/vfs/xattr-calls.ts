// Extended attributes of served files: getxattr, setxattr, listxattr, removexattr in their
// path, l- (a final symlink itself) and f- (a served fd) forms. Without the module's
// operations: ENOTSUP, and an empty list.
import type { SyscallCall } from '@umview/sysvm';
import { pathSpec } from './change-calls.js';
import { callerOf, put, serve } from './context.js';
import { fail } from './errors.js';
import type { Caller, MaybePromise } from './file-system.js';
import { servedFd } from './file-calls.js';
import { withPaths } from './locate.js';
import { next } from './maybe.js';
import type { Mount } from './mount.js';
import { existing, type CallHandler } from './stat-calls.js';

const XATTR_SIZE_MAX = 65536;
const XATTR_NAME_MAX = 255;

function nameOf(call: SyscallCall, arg: number): string {
  let name: string;
  try {
    name = call.io.readCString(call.ptr(arg), XATTR_NAME_MAX + 1);
  } catch {
    throw fail('EFAULT');
  }
  if (name === '' || Buffer.byteLength(name) > XATTR_NAME_MAX) throw fail('ERANGE');
  return name;
}

/** Answers with a value the size of the tracee's buffer allows: its length when the size is
 * 0, ERANGE when it does not fit. */
function sized(call: SyscallCall, bufArg: number, sizeArg: number, value: Uint8Array): void {
  const size = call.size(sizeArg);
  if (size === 0) {
    call.skip(value.length);
    return;
  }
  if (value.length > size) throw fail('ERANGE');
  if (value.length > 0) put(call, call.ptr(bufArg), value);
  call.skip(value.length);
}

type XattrOp = 'get' | 'list' | 'set' | 'remove';

function xattrWork(kind: XattrOp, call: SyscallCall, first: number, mount: Mount, path: string, caller: Caller): MaybePromise<Uint8Array | undefined> {
  const fs = mount.fs;
  switch (kind) {
    case 'get': {
      const name = nameOf(call, first + 1);
      if (!fs.getxattr) throw fail('ENOTSUP');
      return fs.getxattr(path, name, caller);
    }
    case 'list':
      if (!fs.listxattr) return new Uint8Array(0);
      return next(() => fs.listxattr!(path, caller), (names) => Buffer.from(names.map((n) => `${n}\0`).join(''), 'utf8'));
    case 'set': {
      const name = nameOf(call, first + 1);
      const size = call.size(first + 3);
      if (size > XATTR_SIZE_MAX) throw fail('E2BIG');
      let value: Uint8Array;
      try {
        value = size === 0 ? new Uint8Array(0) : call.io.read(call.ptr(first + 2), size);
      } catch {
        throw fail('EFAULT');
      }
      if (!fs.setxattr) throw fail('ENOTSUP');
      return next(() => fs.setxattr!(path, name, value, call.int(first + 4), caller), () => undefined);
    }
    case 'remove': {
      const name = nameOf(call, first + 1);
      if (!fs.removexattr) throw fail('ENOTSUP');
      return next(() => fs.removexattr!(path, name, caller), () => undefined);
    }
  }
}

function xattrFinish(kind: XattrOp, call: SyscallCall, first: number) {
  return (value: Uint8Array | undefined): void => {
    if (kind === 'get') sized(call, first + 2, first + 3, value!);
    else if (kind === 'list') sized(call, first + 1, first + 2, value!);
    else call.skip(0);
  };
}

function xattrCall(kind: XattrOp, follow: boolean): CallHandler {
  return (ctx, call, process) => withPaths(ctx, call, process, [pathSpec(0, null, follow)], ([l], caller) =>
    next(() => existing(l!, caller), ({ mount, path }) => xattrWork(kind, call, 0, mount, path, caller)), xattrFinish(kind, call, 0));
}

function fxattrCall(kind: XattrOp): CallHandler {
  return (ctx, call, process) => {
    const file = servedFd(process, call.int(0));
    if (!file) return false;
    serve(ctx, call, file.mount, () => {
      if (file.pathOnly) throw fail('EBADF');
      return xattrWork(kind, call, 0, file.mount, file.path, callerOf(ctx, process));
    }, xattrFinish(kind, call, 0));
    return true;
  };
}

export const XATTR_HANDLERS: Readonly<Record<string, CallHandler>> = {
  getxattr: xattrCall('get', true),
  lgetxattr: xattrCall('get', false),
  listxattr: xattrCall('list', true),
  llistxattr: xattrCall('list', false),
  setxattr: xattrCall('set', true),
  lsetxattr: xattrCall('set', false),
  removexattr: xattrCall('remove', true),
  lremovexattr: xattrCall('remove', false),
  fgetxattr: fxattrCall('get'),
  flistxattr: fxattrCall('list'),
  fsetxattr: fxattrCall('set'),
  fremovexattr: fxattrCall('remove'),
};
