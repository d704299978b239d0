// The monitor's fast way out for the calls it stops most and serves least: a path call whose
// paths no module can serve goes on at the seccomp stop itself, without a SyscallCall, a
// string decode or the path resolver (sysvm's `letThrough`, a second stage of the filter).
//
// A compile loop (`gcc -c` × 20) makes ~16,000 path calls, nearly all on /usr/... (gcc's
// lrealpath calls readlink on every component of every path): each one must be read, since a
// seccomp filter cannot see strings, but the answer for almost all of them is "not served".
// The test is the path resolver's own first one: an absolute path none of whose components is
// the first component of a served prefix can never reach one (before or after a '..'; through
// a symlink, the kernel resolves it on the host, as it would for the full path). Anything else
// (a relative path other than '', whose meaning depends on a served cwd or dirfd; a NULL or unreadable
// pointer; execve, chdir and calls a module claims by number; in proxy mode, /proc and /dev
// paths, which may name a virtual fd) takes the full path through the monitor.
//
// It runs at ~16,000 stops a second: no allocation, no string decoding, a plain loop over the
// bytes (small code, cheap for V8 to optimize — compiling is part of a short run's cost too).
import { syscallNumber, type Tracee } from '@umview/ptrace-core';
import type { TraceeIO } from '@umview/ptrace-multi';
import { PATH_SYSCALLS } from '../paths/path-syscalls.js';

const SLASH = 0x2f;
const PATH_MAX = 4096;
/** Calls whose unserved paths still matter to the monitor (cwd tracking, #! scripts). */
const ALWAYS_HANDLED = new Set(['chdir', 'execve', 'execveat']);
/** First components that may name a virtual fd of proxy mode (/proc/self/fd/N, /dev/fd/N). */
const PROXY_HEADS = ['proc', 'dev'];

export interface LetThroughOptions {
  /** First components of every served prefix (PathTranslator.prefixHeads). */
  prefixHeads: ReadonlySet<string>;
  /** Syscall numbers a module claims for itself. */
  claimed: ReadonlySet<number>;
  /** Proxy mode: /proc/<pid>/fd/N and /dev/fd/N may name a virtual fd. */
  proxy: boolean;
  io: (tracee: Tracee) => TraceeIO;
}

export type LetThrough = (tracee: Tracee, nr: number, args: ArrayLike<bigint>) => boolean;

/** sysvm's letThrough for path calls that cannot concern any module; undefined when every
 * path may (a module serving '/'). */
export function unservedPathCalls(options: LetThroughOptions): LetThrough | undefined {
  const heads = [...options.prefixHeads, ...(options.proxy ? PROXY_HEADS : [])];
  if (heads.some((head) => head === '')) return undefined;
  const names = heads.map((head) => Buffer.from(head));
  // Per syscall number, the path argument indexes (an array indexed without hashing).
  const pathArgs: (readonly number[] | undefined)[] = [];
  for (const [name, args] of Object.entries(PATH_SYSCALLS)) {
    const nr = syscallNumber(name);
    if (nr === undefined || ALWAYS_HANDLED.has(name) || options.claimed.has(nr)) continue;
    pathArgs[nr] = args.map((a) => a.arg);
  }
  const { io } = options;
  return (tracee, nr, args) => {
    const indexes = pathArgs[nr];
    if (indexes === undefined) return false;
    for (let i = 0; i < indexes.length; i++) {
      const pointer = args[indexes[i]!]!;
      if (pointer === 0n) return false;
      let bytes: Uint8Array;
      try {
        bytes = io(tracee).readCStringBytes(pointer, PATH_MAX);
      } catch {
        return false; // unreadable: the full path reports it as the kernel would
      }
      // '' (AT_EMPTY_PATH: the call is on the fd itself) reaches nothing a module serves, save
      // a virtual fd of proxy mode.
      if (bytes.length === 0 && !options.proxy) continue;
      if (bytes[0] !== SLASH || namesAComponent(bytes, names)) return false;
    }
    return true;
  };
}

/** Whether one of the path's components (between slashes) is one of `names`. */
export function namesAComponent(path: Uint8Array, names: readonly Uint8Array[]): boolean {
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i < path.length && path[i] !== SLASH) continue;
    const length = i - start;
    for (let n = 0; n < names.length; n++) {
      const name = names[n]!;
      if (name.length !== length) continue;
      let k = 0;
      while (k < length && path[start + k] === name[k]) k++;
      if (k === length) return true;
    }
    start = i + 1;
  }
  return false;
}
