// When a rewritten call's arguments are put back: the one place that trades the syscall ABI's
// promise against an exit stop.
//
// The x86-64 syscall ABI keeps every register but rax, rcx and r11 across a syscall, and code
// with an inline `syscall` instruction may rely on it (the compiler keeps a value in rdi or rsi
// across the asm). A monitor that points an argument register at a rewritten path below the
// stack must then put the register back after the call, which costs an exit stop per call: half
// the stops of a path-heavy run such as `ls -laR`. The seccomp-accelerated PRoot does not: it
// leaves the register pointing at its copy below the stack, dead memory once the call is over.
//
// 'always' is exact. 'when-restartable' takes PRoot's trade except where it would give a wrong
// result: a call that a signal can interrupt and the kernel restart runs again with the same
// registers, after the signal frame has been written over the memory below the stack; those
// (the open family, which a FIFO or a device makes sleep; the socket calls with an address) and
// execve (whose failure returns to a program that may try the next directory of its PATH) keep
// the exit stop and are put back. Where nothing was placed below the stack (an argument pointed
// elsewhere in the tracee's own memory: restoresPointerArguments), a restart reads the same
// bytes again, so only execve keeps it.
import { syscallNumber } from '@umview/ptrace-core';

/** How a rewritten call's argument registers and scratch memory are put back. */
export type ArgumentRestore = 'always' | 'when-restartable';

/** The numbers of the syscalls named, on this architecture. */
const numbers = (names: readonly string[]): ReadonlySet<number> =>
  new Set(names.map((name) => syscallNumber(name)).filter((nr): nr is number => nr !== undefined));

const RESTARTABLE = numbers(['open', 'creat', 'openat', 'openat2', 'connect', 'sendto', 'sendmsg', 'execve', 'execveat']);
const EXECS = numbers(['execve', 'execveat']);

/** Whether a rewritten call `nr` is put back at its exit under `policy`. */
export function restoresArguments(policy: ArgumentRestore, nr: number): boolean {
  return policy === 'always' || RESTARTABLE.has(nr);
}

/** Whether call `nr` is put back at its exit under `policy` when its arguments were only
 * pointed elsewhere in the tracee's own memory (nothing placed below the stack): a restart then
 * reads that memory again, intact, so only execve (and 'always') keep the exit stop. The one
 * who rewrites must know that the restarted call, seen again at its stop with the arguments as
 * set, goes where the first one went. */
export function restoresPointerArguments(policy: ArgumentRestore, nr: number): boolean {
  return policy === 'always' || EXECS.has(nr);
}
