// The process a shell started for umview-lite stands for the command in the shell's job: the
// monitor itself, or, served, the warm monitor's hand-off client. Termination signals sent to it
// reach the command (forwarded); the command's tree dies with it; and for job control it stops
// when the command has stopped, with the command's signal, not at the terminal's Ctrl-Z, so
// that the shell sees the job as a native run shows it (the client does the same in its own
// code: ptrace-core's arch/x86_64/hand-off.ts).
import { interruptWaitEvery, makeSignalsInterruptWait, SIGNALS } from '@umview/ptrace-core';
import { getLibc } from '@umview/ptrace-core/internal';
import type { Monitor } from '../monitor/monitor.js';
import type { Served } from './command-line.js';

/** Forwards termination signals to the command; returns what stops the ticker. SIGINT from a
 * terminal already reached it (same process group), so it is forwarded only when there is no
 * terminal. */
export function forwardSignals(monitor: Monitor): () => void {
  const forwarded = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
  for (const signal of forwarded) {
    process.on(signal, () => {
      if (signal !== 'SIGINT' || !stdinIsTerminal()) monitor.forwardSignal(signal);
    });
  }
  makeSignalsInterruptWait(forwarded.map((s) => SIGNALS[s]));
  // A signal that comes while the monitor handles a stop interrupts no wait; the ticker makes
  // sure the next one is interrupted within 100 ms, so that it is forwarded even to a command
  // that never stops again (sleep).
  return interruptWaitEvery(100);
}

/** A terminal's job-control signals, which reach the monitor (in the command's process group)
 * as they reach the command: the monitor does not stop with them but when the command does
 * (stopAlongside), as a native job stops only if the command does (one that catches SIGTSTP
 * goes on). */
const JOB_CONTROL = ['SIGTSTP', 'SIGTTIN', 'SIGTTOU'] as const;
const ignore = (): void => {};

/** Ignores JOB_CONTROL while the command runs; returns what ends that. */
export function ignoreJobControl(): () => void {
  for (const signal of JOB_CONTROL) process.on(signal, ignore);
  return () => {
    for (const signal of JOB_CONTROL) process.removeListener(signal, ignore);
  };
}

/** Stops this process with `signal`, the command's stop (monitor.onStopped), so that the shell
 * sees the job stopped when the command is; it goes on when the job is continued (fg, bg). */
export function stopAlongside(signal: number): void {
  const name = JOB_CONTROL.find((s) => SIGNALS[s] === signal);
  if (name === undefined) {
    process.kill(process.pid, 'SIGSTOP');
    return;
  }
  process.removeListener(name, ignore); // the default action again: stop
  process.kill(process.pid, name); // delivered to this thread before kill returns: stopped here
  process.on(name, ignore);
}

/** Kills the tree when the warm monitor's client is gone; returns what stops the ticker that
 * lets the event loop hear of it while the command runs without stopping (sleep). */
export function killTreeWithClient(served: Served, monitor: Monitor): () => void {
  served.onClientGone(() => monitor.killTree());
  return interruptWaitEvery(100);
}

/** node:tty is loaded only when a SIGINT comes: start-up matters more. */
function stdinIsTerminal(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:tty') as typeof import('node:tty')).isatty(0);
}

const RLIMIT_CORE = 4;
/** glibc's struct sigaction, zeroed: SIG_DFL, no flags, nothing blocked. */
const SIGACTION_SIZE = 152;

/** Ends this process as the command ended when a signal killed it, so that its shell sees what
 * it would of a native run (a shell running a loop stops at a Ctrl-C only if its command died of
 * the SIGINT; exiting with 128 + N is not the same), as strace does: with no core of its own
 * (the command dumped its own; a core limit of 1 writes none and pipes none to a crash
 * collector), the signal's default action put back (Node handles or ignores some). Returns if
 * the signal does not end it after all. */
export function dieOf(signal: number): void {
  const libc = getLibc();
  const coreLimitOne = Buffer.alloc(16); // struct rlimit { 1, 1 }
  coreLimitOne.writeBigUInt64LE(1n, 0);
  coreLimitOne.writeBigUInt64LE(1n, 8);
  libc.prlimit(0, RLIMIT_CORE, coreLimitOne, null); // fails only where the hard limit is 0 already
  libc.sigaction(signal, Buffer.alloc(SIGACTION_SIZE), null);
  process.kill(process.pid, signal);
}
