// System calls the monitor makes on its own behalf (on the real files it keeps for the
// tracees), raw, so that the monitor re-issues exactly the call the tracee made with only the
// path or fd swapped. Results follow the kernel's convention: >= 0, or -errno.
import { syscallNumber } from '@umview/ptrace-core';
import { getLibc, pinnedBuffer } from '@umview/ptrace-core/internal';

export type SysArg = number | bigint | Buffer | null;

/** The kernel's answer: the result, or -errno. */
export function sys(name: string, ...args: SysArg[]): number {
  const nr = syscallNumber(name);
  if (nr === undefined) throw new Error(`unknown syscall ${name}`);
  return sysnr(nr, ...args);
}

export function sysnr(nr: number, ...args: SysArg[]): number {
  const libc = getLibc();
  const a = args.map((v) => (v === null ? 0 : Buffer.isBuffer(v) ? Number(libc.address(v)) : v));
  while (a.length < 6) a.push(0);
  const r = libc.syscall6(nr, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
  return r === -1 ? -libc.errno() : r;
}

/** A NUL-terminated copy of a string, in memory the kernel can read. */
export function cString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = pinnedBuffer(bytes.length + 1);
  bytes.copy(out);
  return out;
}

/** Runs `fn` with the process umask set to `mask` (the tracee's, for calls that create files). */
export function withUmask<T>(mask: number | undefined, fn: () => T): T {
  if (mask === undefined) return fn();
  const previous = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(previous);
  }
}
