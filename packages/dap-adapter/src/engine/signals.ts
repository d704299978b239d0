// Which signals stop the debuggee and how they are described. The defaults follow lldb's:
// faults and deliberate aborts stop (they are what a user debugs), while the signals programs
// use for their own purposes (timers, children, window size, I/O) are passed on silently.
import { SI_CODE, signalName, type SigInfo } from '@umview/ptrace-core';
import { hex } from '../util/hex.js';

const STOPPING = new Set([
  'SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGABRT', 'SIGTRAP', 'SIGSYS', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGXCPU', 'SIGXFSZ',
]);

/** Whether a signal arriving in the debuggee is reported as a stop (reason `exception`). */
export function signalStops(signal: number): boolean {
  return STOPPING.has(signalName(signal));
}

const CODE_NAMES: Readonly<Record<string, readonly [code: number, name: string, meaning: string][]>> = {
  SIGSEGV: [[1, 'SEGV_MAPERR', 'invalid address'], [2, 'SEGV_ACCERR', 'invalid permissions for address'],
    [3, 'SEGV_BNDERR', 'failed address bound checks at'], [4, 'SEGV_PKUERR', 'protection key violation at']],
  SIGBUS: [[1, 'BUS_ADRALN', 'invalid address alignment at'], [2, 'BUS_ADRERR', 'nonexistent physical address'],
    [3, 'BUS_OBJERR', 'object-specific hardware error at']],
  SIGFPE: [[1, 'FPE_INTDIV', 'integer divide by zero at'], [2, 'FPE_INTOVF', 'integer overflow at'],
    [3, 'FPE_FLTDIV', 'floating-point divide by zero at'], [4, 'FPE_FLTOVF', 'floating-point overflow at'],
    [5, 'FPE_FLTUND', 'floating-point underflow at'], [6, 'FPE_FLTRES', 'floating-point inexact result at'],
    [7, 'FPE_FLTINV', 'invalid floating-point operation at'], [8, 'FPE_FLTSUB', 'subscript out of range at']],
  SIGILL: [[1, 'ILL_ILLOPC', 'illegal opcode at'], [2, 'ILL_ILLOPN', 'illegal operand at'],
    [3, 'ILL_ILLADR', 'illegal addressing mode at'], [4, 'ILL_ILLTRP', 'illegal trap at'],
    [5, 'ILL_PRVOPC', 'privileged opcode at'], [6, 'ILL_PRVREG', 'privileged register at'],
    [7, 'ILL_COPROC', 'coprocessor error at'], [8, 'ILL_BADSTK', 'internal stack error at']],
};

const SENDERS: Readonly<Record<number, string>> = {
  [SI_CODE.SI_USER]: 'kill', [SI_CODE.SI_TKILL]: 'tkill', [SI_CODE.SI_QUEUE]: 'sigqueue',
  [SI_CODE.SI_TIMER]: 'a timer', [SI_CODE.SI_MESGQ]: 'a message queue', [SI_CODE.SI_ASYNCIO]: 'asynchronous I/O',
  [SI_CODE.SI_KERNEL]: 'the kernel',
};

/** "Signal SIGSEGV: invalid address 0x0 (SEGV_MAPERR)", "Signal SIGABRT: sent by tkill from pid 42". */
export function describeSignal(signal: number, info: SigInfo | undefined): string {
  const name = signalName(signal);
  if (info === undefined) return `Signal ${name}`;
  const codes = CODE_NAMES[name]?.find(([code]) => code === info.code);
  if (codes !== undefined && info.address !== undefined) return `Signal ${name}: ${codes[2]} ${hex(info.address)} (${codes[1]})`;
  const sender = SENDERS[info.code];
  if (sender !== undefined && info.pid !== undefined && info.code <= 0) return `Signal ${name}: sent by ${sender} from pid ${info.pid}`;
  if (sender !== undefined) return `Signal ${name}: sent by ${sender}`;
  return `Signal ${name}`;
}
