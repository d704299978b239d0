// Register writes with as few ptrace calls as possible: one PTRACE_POKEUSER for a single
// register, GETREGSET + SETREGSET for more, or PTRACE_SET_SYSCALL_INFO for a call's number and
// arguments at an entry or seccomp stop where the kernel has it.
import { arch, type RegisterName, type Tracee } from '@umview/ptrace-core';

export class RegisterEdits {
  private readonly edits = new Map<RegisterName, bigint>();

  set(name: RegisterName, value: bigint): void {
    this.edits.set(name, BigInt.asUintN(64, value));
  }

  get size(): number {
    return this.edits.size;
  }

  has(name: RegisterName): boolean {
    return this.edits.has(name);
  }

  /** Writes the edits; returns how many ptrace calls it took. */
  apply(tracee: Tracee): number {
    if (this.edits.size === 0) return 0;
    if (this.edits.size === 1) {
      const [name, value] = [...this.edits][0]!;
      tracee.pokeUser(arch.userOffset(name), value);
      this.edits.clear();
      return 1;
    }
    const regs = tracee.getRegisters();
    for (const [name, value] of this.edits) regs.set(name, value);
    tracee.setRegisters(regs);
    this.edits.clear();
    return 2;
  }
}

/** PTRACE_SET_SYSCALL_INFO (Linux 6.16+) at an entry or seccomp stop: number and arguments.
 * ptrace-core's Tracee.setSyscallInfo does the request (and throws its typed errors). */
export function setSyscallInfo(tracee: Tracee, op: 'entry' | 'seccomp', nr: number, args: readonly bigint[]): void {
  tracee.setSyscallInfo({ op, nr, args });
}

/** Whether this kernel has PTRACE_SET_SYSCALL_INFO (probed on a stopped tracee). */
export function hasSetSyscallInfo(tracee: Tracee): boolean {
  return tracee.canSetSyscallInfo();
}
