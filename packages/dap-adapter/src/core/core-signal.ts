// How a core's signal is told: gdb's line ("Program terminated with signal SIGSEGV,
// Segmentation fault.") and, for a fault, the address and the kind of fault as a live stop is
// described (engine/signals.ts).
import { signalName, type SigInfo } from '@umview/ptrace-core';
import { describeSignal } from '../engine/signals.js';
import type { CoreSignal } from './core-file.js';

/** glibc's strsignal texts, which gdb prints. */
const MEANINGS: Readonly<Record<string, string>> = {
  SIGHUP: 'Hangup', SIGINT: 'Interrupt', SIGQUIT: 'Quit', SIGILL: 'Illegal instruction', SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted', SIGBUS: 'Bus error', SIGFPE: 'Arithmetic exception', SIGKILL: 'Killed', SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault', SIGUSR2: 'User defined signal 2', SIGPIPE: 'Broken pipe', SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated', SIGSTOP: 'Stopped (signal)', SIGTSTP: 'Stopped (user)', SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded', SIGSYS: 'Bad system call',
};

/** "Program terminated with signal SIGSEGV, Segmentation fault." */
export function terminationLine(signal: number): string {
  const name = safeName(signal);
  return `Program terminated with signal ${name}, ${MEANINGS[name] ?? 'Unknown signal'}.`;
}

/** gdb's line, then what the signal was (with the fault address when there is one). */
export function describeCoreSignal(signal: CoreSignal): { name: string; line: string; detail: string } {
  const name = safeName(signal.number);
  const info: SigInfo = { signal: signal.number, code: signal.code, errno: 0, address: signal.address, raw: Buffer.alloc(0) };
  return { name, line: terminationLine(signal.number), detail: describeSignal(signal.number, signal.address === undefined && signal.code === 0 ? undefined : info) };
}

function safeName(signal: number): string {
  return signalName(signal);
}
