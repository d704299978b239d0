// Syscall numbers <-> names for the current architecture.
import { SYSCALL_TABLE } from './x86_64/index.js';

const BY_NAME = new Map<string, number>();
SYSCALL_TABLE.forEach((entry, nr) => {
  if (entry) BY_NAME.set(entry[0], nr);
});

/** `'openat'` for 257; `'syscall_999'` for numbers the table does not know. */
export function syscallName(nr: number): string {
  return SYSCALL_TABLE[nr]?.[0] ?? `syscall_${nr}`;
}

/** The number of a syscall by name, or undefined. */
export function syscallNumber(name: string): number | undefined {
  return BY_NAME.get(name);
}

/** How many arguments a syscall takes (6 when unknown, so nothing is hidden). */
export function syscallArgCount(nr: number): number {
  return SYSCALL_TABLE[nr]?.[1] ?? 6;
}

/** Every known syscall as [number, name]. */
export function allSyscalls(): [nr: number, name: string][] {
  return [...BY_NAME].map(([name, nr]) => [nr, name]);
}
