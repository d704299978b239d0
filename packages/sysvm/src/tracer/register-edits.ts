// Register writes with as few ptrace calls as possible: one PTRACE_POKEUSER for a single
// register, GETREGSET + SETREGSET for more, or PTRACE_SET_SYSCALL_INFO for a call's number and
// arguments at an entry or seccomp stop where the kernel has it.
import { PTRACE, arch, getLibc, pinnedBuffer, type RegisterName, type Tracee } from '@umview/ptrace-core';

const SYSCALL_INFO_SIZE = 88;
const OP = { entry: 1, seccomp: 3 } as const;

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

/** PTRACE_SET_SYSCALL_INFO (Linux 6.16+) at an entry or seccomp stop: number and arguments. */
export function setSyscallInfo(tracee: Tracee, op: 'entry' | 'seccomp', nr: number, args: readonly bigint[]): void {
  const buf = pinnedBuffer(SYSCALL_INFO_SIZE);
  buf[0] = OP[op];
  buf.writeUInt32LE(arch.AUDIT_ARCH >>> 0, 4);
  buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(nr)), 24);
  for (let i = 0; i < 6; i++) buf.writeBigUInt64LE(BigInt.asUintN(64, args[i] ?? 0n), 32 + 8 * i);
  const libc = getLibc();
  if (libc.ptraceBuf(PTRACE.SET_SYSCALL_INFO, tracee.tid, SYSCALL_INFO_SIZE, buf) === -1) {
    throw new Error(`PTRACE_SET_SYSCALL_INFO failed (errno ${libc.errno()}): this kernel may predate Linux 6.16`);
  }
}

/** Whether this kernel has PTRACE_SET_SYSCALL_INFO (probed on a stopped tracee: EIO = no). */
export function hasSetSyscallInfo(tracee: Tracee): boolean {
  const libc = getLibc();
  // A zero-size request is rejected with EINVAL by a kernel that knows the request, and with
  // EIO by one that does not.
  const r = libc.ptraceBuf(PTRACE.SET_SYSCALL_INFO, tracee.tid, 0, pinnedBuffer(SYSCALL_INFO_SIZE));
  return !(r === -1 && libc.errno() === 5);
}
