// The monitor's fast way out for the calls it stops most and serves least: a path call whose
// paths no module can serve goes on at the seccomp stop itself, without a SyscallCall, a
// string decode or the path resolver (sysvm's `letThrough`, a second stage of the filter).
//
// A compile loop (`gcc -c` × 20) makes ~16,000 path calls, nearly all on /usr/... (gcc's
// lrealpath calls readlink on every component of every path): each one must be read, since a
// seccomp filter cannot see strings, but the answer for almost all of them is "not served".
// The test here is deliberately blunt and conservative: every path argument is absolute and
// its bytes contain none of the served prefixes' first components anywhere (so no component,
// before or after a '..', can enter a served prefix). Anything else (a relative path, whose
// meaning depends on a served cwd or dirfd; a NULL or unreadable pointer; execve, chdir and
// calls a module claims by number; in proxy mode, /proc and /dev paths that may name a virtual
// fd) takes the full path through the monitor.
import { syscallNumber, type Tracee } from '@umview/ptrace-core';
import type { TraceeIO } from '@umview/ptrace-multi';
import { PATH_SYSCALLS } from '../paths/path-syscalls.js';

const SLASH = 0x2f;
const PATH_MAX = 4096;
/** Calls whose unserved paths still matter to the monitor (cwd tracking, #! scripts). */
const ALWAYS_HANDLED = new Set(['chdir', 'execve', 'execveat']);
const PROXY_SPECIAL = [Buffer.from('/proc/'), Buffer.from('/dev/')];

export interface LetThroughOptions {
  /** First components of every served prefix (PathTranslator.prefixHeads). */
  prefixHeads: ReadonlySet<string>;
  /** Syscall numbers a module claims for itself. */
  claimed: ReadonlySet<number>;
  /** Proxy mode: /proc/<pid>/fd/N and /dev/fd/N may name a virtual fd. */
  proxy: boolean;
  io: (tracee: Tracee) => TraceeIO;
}

/** sysvm's letThrough for path calls that cannot concern any module; undefined when every
 * path may (a module serving '/'). */
export function unservedPathCalls(options: LetThroughOptions): ((tracee: Tracee, nr: number, args: readonly bigint[]) => boolean) | undefined {
  const heads = [...options.prefixHeads];
  if (heads.some((head) => head === '')) return undefined;
  const needles = heads.map((head) => Buffer.from(head));
  if (options.proxy) needles.push(...PROXY_SPECIAL);
  // Per syscall number, the path argument indexes (a small array, indexed without hashing).
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
    for (const index of indexes) {
      const pointer = args[index]!;
      if (pointer === 0n) return false;
      let bytes: Buffer;
      try {
        bytes = io(tracee).readCStringBytes(pointer, PATH_MAX);
      } catch {
        return false; // unreadable: the full path reports it as the kernel would
      }
      if (bytes[0] !== SLASH) return false;
      for (const needle of needles) if (bytes.indexOf(needle) >= 0) return false;
    }
    return true;
  };
}
