// The one reader of /proc/<pid>/status fields (Tgid, PPid, TracerPid, Umask, SigPnd...).

import { readFileSync } from 'node:fs';

/**
 * The value of one field of `/proc/<pid>/status` (or `/proc/<pid>/task/<tid>/status` when `tid`
 * is given: per-thread fields such as SigPnd), as the kernel wrote it, without the name and the
 * surrounding blanks: `'1234'` for Tgid, `'0022'` for Umask, `'0000000000000100'` for SigPnd.
 * Undefined when the process (or thread) is gone or the kernel has no such field. Parse the
 * value as the field needs: `Number(v)` for a pid, `parseInt(v, 8)` for Umask, `BigInt('0x' + v)`
 * for a signal mask.
 */
export function readProcStatusField(pid: number, field: string, tid?: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(tid === undefined ? `/proc/${pid}/status` : `/proc/${pid}/task/${tid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const key = `${field}:`;
  const start = text.startsWith(key) ? 0 : text.indexOf(`\n${key}`) + 1;
  if (start === 0 && !text.startsWith(key)) return undefined;
  const end = text.indexOf('\n', start);
  return text.slice(start + key.length, end === -1 ? undefined : end).trim();
}

/** A decimal field of `/proc/<pid>/status` (Tgid, PPid, TracerPid...) as a number. */
export function readProcStatusNumber(pid: number, field: string): number | undefined {
  const value = readProcStatusField(pid, field);
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}
