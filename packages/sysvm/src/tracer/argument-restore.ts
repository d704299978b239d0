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
// 'always' is exact. 'when-restarted' takes PRoot's trade except where it would give a wrong
// result. A call that a signal can interrupt and the kernel restart (the open family, which a
// FIFO or a device makes sleep; the socket calls with an address) runs again with the same
// registers, after the signal frame has been written over the memory below the stack: its
// registers are put back only when that happens, at the stop that reports the interruption
// or at the restart itself (restart-guard.ts), with no exit stop for the calls that are not
// interrupted. execve keeps its exit stop: its failure returns to a program that may try the
// next directory of its PATH with what it passed.
import { syscallNumber } from '@umview/ptrace-core';

/** How a rewritten call's argument registers and scratch memory are put back. */
export type ArgumentRestore = 'always' | 'when-restarted';

/** The numbers of the syscalls named, on this architecture. */
const numbers = (names: readonly string[]): ReadonlySet<number> =>
  new Set(names.map((name) => syscallNumber(name)).filter((nr): nr is number => nr !== undefined));

const RESTARTABLE = numbers(['open', 'creat', 'openat', 'openat2', 'connect', 'sendto', 'sendmsg']);
const EXECS = numbers(['execve', 'execveat']);

/** Whether a rewritten call `nr` is put back at an exit stop of its own under `policy`. */
export function restoresAtExit(policy: ArgumentRestore, nr: number): boolean {
  return policy === 'always' || EXECS.has(nr);
}

/** Whether a rewritten call `nr` that goes on with no exit stop under `policy` is put back if
 * the kernel restarts it (its number unchanged: the restart runs the number as set). */
export function restoresAtRestart(policy: ArgumentRestore, nr: number): boolean {
  return policy === 'when-restarted' && RESTARTABLE.has(nr);
}
