// Signal numbers (Linux generic numbering, used by x86-64 and aarch64) and their names.
export const SIGNALS = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
  SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22,
  SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29,
  SIGPWR: 30, SIGSYS: 31,
} as const;

export type SignalName = keyof typeof SIGNALS;

const NAMES: string[] = [];
for (const [name, value] of Object.entries(SIGNALS)) NAMES[value] = name;

/** `SIGSEGV` for 11, `SIGRT3` for 37. */
export function signalName(signal: number): string {
  if (NAMES[signal]) return NAMES[signal]!;
  if (signal >= 32 && signal <= 64) return `SIGRT${signal - 32}`;
  return `SIG${signal}`;
}

/** Accepts a number or a name (`'SIGTERM'`, `'TERM'`). */
export function signalNumber(signal: number | string): number {
  if (typeof signal === 'number') return signal;
  const name = signal.startsWith('SIG') ? signal : `SIG${signal}`;
  const n = (SIGNALS as Record<string, number>)[name];
  if (n === undefined) throw new RangeError(`unknown signal ${signal}`);
  return n;
}

/** Signals that put a process in group-stop when delivered with the default action. */
export const STOP_SIGNALS: ReadonlySet<number> = new Set([
  SIGNALS.SIGSTOP, SIGNALS.SIGTSTP, SIGNALS.SIGTTIN, SIGNALS.SIGTTOU,
]);
