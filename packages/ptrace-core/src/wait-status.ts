// The bit layout of a waitpid status (see <bits/waitstatus.h>).
export const exited = (s: number): boolean => (s & 0x7f) === 0;
export const exitCode = (s: number): number => (s >> 8) & 0xff;
export const signaled = (s: number): boolean => (s & 0x7f) !== 0 && (s & 0x7f) !== 0x7f;
export const termSignal = (s: number): number => s & 0x7f;
export const coreDumped = (s: number): boolean => (s & 0x80) !== 0;
export const stopped = (s: number): boolean => (s & 0xff) === 0x7f;
export const stopSignal = (s: number): number => (s >> 8) & 0xff;
/** The PTRACE_EVENT_* number of an event stop, 0 for other stops. */
export const stopEvent = (s: number): number => (s >>> 16) & 0xff;

/** A shell-style exit code: the code, or 128 + the signal that killed. */
export function shellExitCode(status: number): number {
  return signaled(status) ? 128 + termSignal(status) : exitCode(status);
}
