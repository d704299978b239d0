/** Each probe returns undefined when the capability is there, and the reason to skip otherwise. */
export declare const missing: {
  /** The FSGSBASE instructions, as the kernel enables them for user space (HWCAP2_FSGSBASE). */
  fsgsbase(): string | undefined;
  /** 32-bit system calls (int $0x80) from a 64-bit process. */
  ia32Emulation(): string | undefined;
  /** PTRACE_SET_SYSCALL_INFO (Linux 6.16). */
  setSyscallInfo(): string | undefined;
  /** x86 debug registers that a tracer can arm in its tracee. */
  debugRegisters(): string | undefined;
  /** Debug registers that also fire: an armed watchpoint stops the process at its access. */
  debugRegisterHits(): string | undefined;
  /** PTRACE_ATTACH/SEIZE to a process that is not a descendant of the tracer. */
  attach(): string | undefined;
  /** Running as root. */
  root(): string | undefined;
  /** A command on PATH; `from` names what provides it (e.g. the Debian package). */
  tool(name: string, from?: string): string | undefined;
};
/** Yama's ptrace_scope, or undefined on a kernel without Yama. */
export declare function yamaPtraceScope(): number | undefined;
/** One line per capability: what this machine lets the suite test. */
export declare function describeMachine(): string;
