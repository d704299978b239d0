// The seccomp filter a spawn installs from its trampoline (SpawnOptions.seccompFilter): placed in
// the trampoline's memory and named in its registers while it is stopped, before its execve; the
// trampoline then calls seccomp() on itself (arch/x86_64/trampoline.ts). The program's first
// instruction runs under the filter, and nothing has to be injected into the program for it: an
// injection after exec takes two syscall stops, code written into the program's text through
// /proc/PID/mem and put back, and, without CAP_SYS_ADMIN, three such calls (1.3 ms of a 42 ms
// `umview-lite -- /bin/true` as root).
import { TRAMPOLINE_FILTER_REGISTERS } from '../arch/index.js';
import { InvalidArgumentError } from '../errors.js';
import { ERRNO } from '../native/errno.js';
import type { Tracee } from '../tracee.js';

/** Room left untouched below the trampoline's stack pointer (it uses no stack of its own: the
 * margin only keeps clear of what the kernel may place there). */
const BELOW_STACK = 512n;

/** Checks a filter program before the spawn: whole instructions, as many as the kernel takes. */
export function checkFilterProgram(program: Uint8Array): void {
  if (program.length === 0 || program.length % 8 !== 0 || program.length / 8 > 4096) {
    throw new InvalidArgumentError(`seccompFilter: a BPF program is 1 to 4096 instructions of 8 bytes, not ${program.length} bytes`, { errno: ERRNO.EINVAL, operation: 'spawn' });
  }
}

/** Hands `program` to the stopped trampoline: its struct sock_fprog and instructions below its
 * stack pointer, their address and `flags` in the registers it reads once continued. */
export function placeFilter(trampoline: Tracee, program: Uint8Array, flags: number): void {
  const regs = trampoline.getRegisters();
  const fprog = (regs.sp - BELOW_STACK - BigInt(16 + program.length)) & ~15n;
  const bytes = Buffer.alloc(16 + program.length);
  // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
  bytes.writeUInt16LE(program.length / 8, 0);
  bytes.writeBigUInt64LE(fprog + 16n, 8);
  bytes.set(program, 16);
  trampoline.memory.write(fprog, bytes);
  regs.set(TRAMPOLINE_FILTER_REGISTERS.fprog, fprog);
  regs.set(TRAMPOLINE_FILTER_REGISTERS.flags, BigInt(flags));
  trampoline.setRegisters(regs);
}
