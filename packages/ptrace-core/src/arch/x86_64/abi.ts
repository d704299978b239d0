// The x86-64 Linux system call ABI, as seen by a tracer.
import type { RegisterName } from './registers.js';

/** Registers that carry syscall arguments 0..5 (note r10, not rcx: `syscall` clobbers rcx). */
export const SYSCALL_ARG_REGISTERS: readonly RegisterName[] = ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'];
/** The syscall number at entry, as the kernel keeps it for the whole call. */
export const SYSCALL_NR_REGISTER: RegisterName = 'orig_rax';
/** The register the result is returned in (and the number is passed in). */
export const SYSCALL_RESULT_REGISTER: RegisterName = 'rax';
export const PC_REGISTER: RegisterName = 'rip';
export const SP_REGISTER: RegisterName = 'rsp';
export const FP_REGISTER: RegisterName = 'rbp';

/** The `syscall` instruction: 0f 05. After a syscall stop, `rip - 2` points at it. */
export const SYSCALL_INSTRUCTION = Buffer.from([0x0f, 0x05]);
export const SYSCALL_INSTRUCTION_SIZE = 2;
/** int3, the software breakpoint instruction. */
export const BREAKPOINT_INSTRUCTION = Buffer.from([0xcc]);
/** Bytes below the stack pointer that leaf functions may use without moving it. */
export const RED_ZONE_SIZE = 128;

/** AUDIT_ARCH_X86_64: what seccomp's `arch` field and PTRACE_GET_SYSCALL_INFO report. */
export const AUDIT_ARCH = 0xc000003e;
/** Bit set in syscall numbers made through the x32 ABI. */
export const X32_SYSCALL_BIT = 0x40000000;

/** The raw ptrace syscall number (for PEEK requests, which glibc's wrapper handles specially). */
export const SYS_ptrace = 101;
export const SYS_tgkill = 234;
export const SYS_pidfd_open = 434;
export const SYS_pidfd_getfd = 438;
export const SYS_gettid = 186;

/** The largest errno a syscall returns as -errno (the kernel's MAX_ERRNO). */
export const MAX_ERRNO = 4095;
