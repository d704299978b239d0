// Every kind of ptrace stop and exit a tracer can observe, as one discriminated union
// (decoded from wait statuses by stop-decoder.ts).
//
// The kind is decided from the whole wait status before WSTOPSIG is looked at, as ptrace(2)
// requires: a syscall stop (SIGTRAP|0x80), an event stop (status >> 16), a group-stop and a
// signal-delivery-stop can all carry the same signal number.
import type { SigInfo } from './siginfo.js';
import type { Tracee } from './tracee.js';

interface StopBase {
  /** The thread that stopped (for an exit, the thread that exited). */
  readonly tid: number;
  readonly tracee: Tracee;
  /** The raw status waitpid returned. */
  readonly status: number;
}

/** Stopped at syscall entry (PTRACE_SYSCALL); arguments as unsigned 64-bit words. */
export interface SyscallEnterStop extends StopBase {
  readonly kind: 'syscall-enter';
  readonly nr: number;
  readonly args: readonly bigint[];
  /** AUDIT_ARCH_* of the call: a 32-bit call (int 0x80) in a 64-bit process shows here. */
  readonly arch: number;
  /** Instruction and stack pointers at the stop (the instruction after the syscall). */
  readonly ip: bigint;
  readonly sp: bigint;
}

/** Stopped at syscall exit; `result` is signed (-errno on failure). */
export interface SyscallExitStop extends StopBase {
  readonly kind: 'syscall-exit';
  /** The call's number: the one seen at its entry (or seccomp) stop. When the entry was not
   * observed (the tracee was spawned or attached inside this call, or entered it under
   * PTRACE_CONT), the number the kernel still holds for the call (orig_rax), read from the
   * registers at this stop; never -1. */
  readonly nr: number;
  readonly result: bigint;
  readonly isError: boolean;
}

/** Stopped by a seccomp filter's SECCOMP_RET_TRACE, before the syscall runs. */
export interface SeccompStop extends StopBase {
  readonly kind: 'seccomp';
  readonly nr: number;
  readonly args: readonly bigint[];
  readonly arch: number;
  /** The 16-bit data of SECCOMP_RET_TRACE. */
  readonly data: number;
  readonly ip: bigint;
  readonly sp: bigint;
}

/** A signal is about to be delivered; resume with `signal` to deliver it, 0 to suppress it. */
export interface SignalStop extends StopBase {
  readonly kind: 'signal';
  readonly signal: number;
  readonly siginfo: SigInfo;
}

/** The thread entered group-stop (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU). Resume with
 * `listen()` to keep it stopped while watching for SIGCONT, or `cont()` to override the stop. */
export interface GroupStop extends StopBase {
  readonly kind: 'group-stop';
  readonly signal: number;
}

/** A PTRACE_EVENT_STOP that is not a group-stop: after `interrupt()`, after `attach()`, the
 * first stop of an automatically traced new child, or (`continued`) the end of a group-stop
 * that the tracer was watching with `listen()`. */
export interface InterruptStop extends StopBase {
  readonly kind: 'interrupt';
  readonly cause: 'interrupt' | 'attach' | 'new-child' | 'continued';
}

/** The thread completed an execve. The new image is loaded and none of its code has run. */
export interface ExecStop extends StopBase {
  readonly kind: 'exec';
  /** The tid that called execve: differs from `tid` when a non-leader thread of a
   * multithreaded process exec'd and took over the leader's tid. */
  readonly formerTid: number;
}

/** The thread created a child (already traced: its own first stop follows). */
export interface ForkStop extends StopBase {
  readonly kind: 'fork' | 'vfork' | 'clone';
  readonly child: Tracee;
}

/** A vfork child exec'd or exited, releasing its parent. */
export interface VforkDoneStop extends StopBase {
  readonly kind: 'vfork-done';
  readonly childTid: number;
}

/** The thread is about to exit (PTRACE_O_TRACEEXIT); registers and memory are still there. */
export interface ExitingStop extends StopBase {
  readonly kind: 'exiting';
  /** The wait status the exit will have. */
  readonly exitStatus: number;
}

/** The thread exited normally; it is gone. */
export interface ExitedStop extends StopBase {
  readonly kind: 'exited';
  readonly code: number;
}

/** The thread was killed by a signal; it is gone. */
export interface KilledStop extends StopBase {
  readonly kind: 'killed';
  readonly signal: number;
  readonly coreDumped: boolean;
}

export type Stop =
  | SyscallEnterStop
  | SyscallExitStop
  | SeccompStop
  | SignalStop
  | GroupStop
  | InterruptStop
  | ExecStop
  | ForkStop
  | VforkDoneStop
  | ExitingStop
  | ExitedStop
  | KilledStop;

export type StopKind = Stop['kind'];

/** Stops after which the thread no longer exists. */
export type ExitStop = ExitedStop | KilledStop;

export function isExit(stop: Stop): stop is ExitStop {
  return stop.kind === 'exited' || stop.kind === 'killed';
}

