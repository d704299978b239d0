// What an operation throws, as the errno the traced program gets: an FsError's code, or any
// error whose `code` names an errno (Node's fs errors); anything else is the module's bug, EIO,
// logged with the module's name (the traced program goes on).
import { ERRNO } from '@umview/ptrace-core';
import { FsError } from './file-system.js';

/** Names glibc gives the same number. */
const ALIASES: Readonly<Record<string, keyof typeof ERRNO>> = { ENOTSUP: 'EOPNOTSUPP', EWOULDBLOCK: 'EAGAIN', EDEADLOCK: 'EDEADLK' };

export function errnoOf(error: unknown, moduleName: string, log: (message: string) => void): number {
  const raw = (error as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' ? ALIASES[raw] ?? raw : undefined;
  if (code !== undefined && code in ERRNO) return ERRNO[code as keyof typeof ERRNO];
  if (error instanceof FsError) log(`umview-lite: module ${moduleName}: unknown errno code ${error.code}: EIO`);
  else log(`umview-lite: module ${moduleName}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)} (the call fails with EIO)`);
  return ERRNO.EIO;
}

/** An errno as the dispatcher throws it through a chain of steps. */
export function fail(code: keyof typeof ERRNO | 'ENOTSUP'): FsError {
  return new FsError(code);
}
