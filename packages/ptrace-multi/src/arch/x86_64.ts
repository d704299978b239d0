// Everything x86-64 specific that ptrace-multi needs, in one file, so that another architecture
// is a sibling file exporting the same names.
import { arch } from '@umview/ptrace-core';

const REG = arch.REGISTER_INDEX;

/** Bytes in a tracee word: what one PTRACE_PEEKDATA/POKEDATA moves. */
export const WORD_SIZE = 8;
export const PAGE_SIZE = 4096;

/** Raw system call numbers we issue ourselves, so that each one is counted exactly. */
export const SYS = {
  close: 3,
  openat: 257,
  ptrace: 101,
  preadv: 295,
  pwritev: 296,
  process_vm_readv: 310,
  process_vm_writev: 311,
} as const;

/** The kernel's UIO_MAXIOV: most iovecs one process_vm_readv/writev or preadv/pwritev takes. */
export const IOV_MAX = 1024;

/** `sizeof(struct user_regs_struct)`: 27 words, at offset 0 of `struct user`, so PEEKUSER
 * offsets 0..26*8 are the general registers. */
export const USER_REGS_SIZE = 27 * WORD_SIZE;
export const USER_REGS_WORDS = 27;

/** Register words whose value, as the kernel reads it back, a write to another word can change:
 * word -> the words that may read differently after it is written. On a CPU without FSGSBASE
 * (or a kernel booted with `nofsgsbase`) the kernel reads fs_base and gs_base through the
 * descriptor of a non-zero fs or gs selector (arch/x86/kernel/process_64.c,
 * x86_fsbase_read_task), so writing fs = 0x2b makes fs_base read 0 although the stored base did
 * not change. With FSGSBASE the words are independent; the planner assumes the dependency on
 * every machine, which costs one GETREGS in the rare batch that writes a selector and then
 * reads a base. */
export const REGISTER_READ_DEPENDENTS: ReadonlyMap<number, readonly number[]> = new Map([
  [REG.fs, [REG.fs_base]],
  [REG.gs, [REG.gs_base]],
]);

/** `offsetof(struct user, u_debugreg)`: debug registers, which PEEKUSER/POKEUSER reach and no
 * regset batches. */
export const USER_DEBUGREG_OFFSET = 848;

/** `sizeof(struct user_fpregs_struct)` (PTRACE_GETFPREGS/SETFPREGS). */
export const USER_FPREGS_SIZE = 512;
