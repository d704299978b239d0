// What a SyscallTracer reports: syscall calls (at entry), their returns (when asked for), and
// every other stop of the process tree (fork, exec, signals, exits) as process events.
import type { Stop, Tracee } from '@umview/ptrace-core';
import type { SyscallCall } from './syscall-call.js';
import type { SyscallReturn } from './syscall-return.js';

/** A ptrace stop that is not a syscall stop. By default the tracer resumes it as a tracer
 * should (signals delivered, group-stops kept with PTRACE_LISTEN); a handler may change that. */
export interface ProcessEvent {
  readonly kind: 'process';
  readonly stop: Stop;
  readonly tracee: Tracee;
  /** For a signal stop: deliver it (default true). */
  deliverSignal: boolean;
}

/** The wait was interrupted by a signal handler (only with `events({ interruptible: true })`):
 * give the event loop a turn, then go on iterating. */
export interface InterruptedEvent {
  readonly kind: 'interrupted';
}

/** Calls are held (SyscallCall.hold) and no stop is ready (only with `events({ idle: true })`):
 * the wait did not block. Wait for something to happen — a SIGCHLD (the tracer gets one at every
 * stop of a tracee), the answer a held call waits for — then go on iterating. */
export interface IdleEvent {
  readonly kind: 'idle';
}

export type SyscallEvent = SyscallCall | SyscallReturn | ProcessEvent;
