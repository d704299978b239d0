// Request numbers of the PTRACE_MULTI ABI (Renzo Davoli's 2006 patch), and names for messages.
import { PTRACE } from '@umview/ptrace-core';

/** The multiplexing request itself: `ptrace(PTRACE_MULTI, pid, ops, count)`. */
export const PTRACE_MULTI = 0x4300;
/** Read `length` bytes at `addr` into `localaddr`; returns the bytes moved. */
export const PTRACE_PEEKCHARDATA = 0x4301;
/** Write `length` bytes from `localaddr` at `addr`; returns the bytes moved. */
export const PTRACE_POKECHARDATA = 0x4302;
/** Read a C string at `addr` up to and including its NUL, at most `length` bytes. */
export const PTRACE_PEEKSTRINGDATA = 0x4303;

const NAMES = new Map<number, string>([
  ...Object.entries(PTRACE).map(([name, value]) => [value, `PTRACE_${name}`] as [number, string]),
  [PTRACE_MULTI, 'PTRACE_MULTI'],
  [PTRACE_PEEKCHARDATA, 'PTRACE_PEEKCHARDATA'],
  [PTRACE_POKECHARDATA, 'PTRACE_POKECHARDATA'],
  [PTRACE_PEEKSTRINGDATA, 'PTRACE_PEEKSTRINGDATA'],
]);

export function requestName(request: number): string {
  return NAMES.get(request) ?? `ptrace request 0x${request.toString(16)}`;
}
