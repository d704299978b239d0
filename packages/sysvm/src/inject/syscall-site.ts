// Where a tracee can be made to execute a `syscall` instruction.
//
// At a syscall stop the instruction just executed is at ip - 2. Elsewhere (the exec stop:
// ip is the loader's entry and the bytes before it are not code) one is planted at ip for the
// time of the injection and the original bytes put back afterwards.
import { arch, type Tracee } from '@umview/ptrace-core';

export interface SyscallSite {
  address: bigint;
  /** Puts back what was overwritten, if anything was. */
  release(): void;
}

/** The `syscall` instruction just before `ip`, if there is one. */
export function syscallBefore(tracee: Tracee, ip: bigint): SyscallSite | undefined {
  const at = ip - BigInt(arch.SYSCALL_INSTRUCTION_SIZE);
  try {
    if (tracee.read(at, arch.SYSCALL_INSTRUCTION_SIZE).equals(arch.SYSCALL_INSTRUCTION)) {
      return { address: at, release: () => {} };
    }
  } catch {
    /* unreadable: plant one instead */
  }
  return undefined;
}

/** Writes a `syscall` instruction at `ip` (through /proc/PID/mem: code is read-only). */
export function plantSyscall(tracee: Tracee, ip: bigint): SyscallSite {
  const saved = tracee.read(ip, arch.SYSCALL_INSTRUCTION_SIZE);
  tracee.write(ip, arch.SYSCALL_INSTRUCTION);
  return { address: ip, release: () => tracee.write(ip, saved) };
}
