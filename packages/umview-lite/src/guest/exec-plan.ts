// execve under a guest root. The kernel would run a program's ELF interpreter (PT_INTERP,
// /lib64/ld-linux-x86-64.so.2) and a script's `#!` interpreter from the host's '/', so the
// monitor does those two steps itself, in the guest's view, as PRoot does:
//   - a `#!` script becomes its interpreter, with argv [interpreter, optional-arg, script,
//     argv[1]...] (what the kernel passes);
//   - a dynamically linked ELF program is run by the guest's own loader: execve(loader,
//     [loader, --argv0, argv[0], program, argv[1]...]), the program named by its guest path
//     (the loader opens it, and its libraries, through the monitor).
// A static program is executed directly. The plan is computed on paths alone, so the first
// program (spawned before any stop) and an execve at its stop share it.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { ERRNO } from '@umview/ptrace-core';
import { parseShebang } from '../monitor/exec.js';
import { executableHead } from '../monitor/file-heads.js';
import type { GuestResolver } from './resolver.js';

/** An argument of the new argv: a string of the monitor's, or the program's own argv[i]. */
export type ExecArg = string | { readonly old: number };

export interface ExecPlan {
  /** The host file to hand to the kernel. */
  readonly host: string;
  /** The new argv, then the program's argv from `restFrom` on; undefined: argv unchanged. */
  readonly argv: readonly ExecArg[] | undefined;
  readonly restFrom: number;
  /** The guest path /proc/PID/exe names once the exec succeeded. */
  readonly guestExe: string;
}

export interface ExecRefusal {
  readonly errno: number;
  /** Why, for the user (the kernel's errno alone does not say it). */
  readonly message?: string;
}

/** What the kernel reads of a `#!` line. */
const BINPRM_BUF_SIZE = 256;
/** The kernel's limit on nested interpreters (BINPRM_MAX_RECURSION + 1). */
const MAX_DEPTH = 5;
const EM_X86_64 = 62;
const MACHINES: Readonly<Record<number, string>> = {
  2: 'SPARC', 3: 'i386', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC 64', 22: 'S/390', 40: 'ARM', 62: 'x86-64',
  183: 'AArch64', 243: 'RISC-V', 258: 'LoongArch',
};

/** The plan for execve(path) from guest directory `start`. A file the kernel will refuse
 * anyway (missing, not executable, neither ELF nor script) is handed to it as it is: it fails
 * the call as it would natively. */
export function planExec(resolver: GuestResolver, start: string, path: string, argv: readonly ExecArg[] | undefined = undefined, depth = 0): ExecPlan | ExecRefusal {
  const resolved = resolver.resolve(start, path, true);
  if ('errno' in resolved) return resolved;
  const asItIs: ExecPlan = { host: resolved.host, argv, restFrom: argv === undefined ? 0 : 1, guestExe: resolved.guest };
  // Undefined when the kernel will refuse the file anyway (the buffer is shared: only read it).
  const head = executableHead(resolved.host);
  if (head === undefined) return asItIs;
  if (head[0] === 0x23 && head[1] === 0x21) {
    if (depth + 1 >= MAX_DEPTH) return { errno: ERRNO.ELOOP };
    const shebang = parseShebang(head.subarray(0, BINPRM_BUF_SIZE));
    if (shebang === undefined) return { errno: ERRNO.ENOEXEC };
    const scriptArgv: ExecArg[] = [shebang.interpreter, ...(shebang.argument !== undefined ? [shebang.argument] : []), path];
    // The interpreter's plan is made on scriptArgv; the program's argv[1]... follow it.
    return planExec(resolver, '/', shebang.interpreter, scriptArgv, depth + 1);
  }
  const elf = readElf(resolved.host, head);
  if (elf === undefined) return asItIs;
  if ('errno' in elf) return { errno: elf.errno, message: `${path}: ${elf.message}` };
  const programArgv = argv ?? [{ old: 0 }];
  if (elf.interpreter === undefined) return asItIs;
  const loader = resolver.resolve('/', elf.interpreter, true);
  if ('errno' in loader) return loader;
  // A loader older than glibc 2.33 has no --argv0: the program then sees its path as argv[0].
  const argv0 = takesArgv0(loader.host) ? ['--argv0', programArgv[0]!] : [];
  return {
    host: loader.host,
    argv: [elf.interpreter, ...argv0, resolved.guest, ...programArgv.slice(1)],
    restFrom: 1,
    guestExe: resolved.guest,
  };
}

const argv0Support = new Map<string, boolean>();

/** Whether a loader knows `--argv0` (its usage text names it), asked once per loader. */
function takesArgv0(loader: string): boolean {
  let known = argv0Support.get(loader);
  if (known === undefined) {
    try {
      known = readFileSync(loader).includes('--argv0');
    } catch {
      known = false; // the kernel reports the loader's absence at the execve
    }
    argv0Support.set(loader, known);
  }
  return known;
}

/** An ELF file's PT_INTERP, or why it cannot run here; undefined when it is no ELF. */
function readElf(host: string, head: Buffer): { interpreter: string | undefined } | { errno: number; message: string } | undefined {
  if (head.length < 64 || head.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const machine = head.readUInt16LE(18);
  const bits = head[4] === 2 ? 64 : 32;
  if (machine !== EM_X86_64 || bits !== 64) {
    const name = MACHINES[machine] ?? `machine ${machine}`;
    return { errno: ERRNO.ENOEXEC, message: `an ELF program for ${name}${bits === 32 ? ' (32-bit)' : ''}, not x86-64: the guest's programs must be built for this machine` };
  }
  const phoff = Number(head.readBigUInt64LE(32));
  const phentsize = head.readUInt16LE(54);
  const phnum = head.readUInt16LE(56);
  const table = bytesAt(host, head, phoff, phentsize * phnum);
  for (let i = 0; i < phnum && (i + 1) * phentsize <= table.length; i++) {
    const entry = table.subarray(i * phentsize);
    if (entry.readUInt32LE(0) !== 3) continue; // PT_INTERP
    const offset = Number(entry.readBigUInt64LE(8));
    const size = Number(entry.readBigUInt64LE(32));
    const bytes = bytesAt(host, head, offset, Math.min(size, 4096));
    const end = bytes.indexOf(0);
    return { interpreter: bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8') };
  }
  return { interpreter: undefined };
}

/** `length` bytes of the file at `offset`: from its head when they are there. */
function bytesAt(host: string, head: Buffer, offset: number, length: number): Buffer {
  if (offset + length <= head.length) return head.subarray(offset, offset + length);
  const fd = openSync(host, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
  } finally {
    closeSync(fd);
  }
}
