// The one reader of /proc/<pid>/status fields (Tgid, PPid, TracerPid, Umask, SigPnd...).
//
// A tracer reads it at every new process whose first stop comes before its parent's fork
// event (wait-loop.ts), so it is read as cheaply as Node allows: open, read into one buffer
// kept for every read, close. readFileSync costs three times as much (an fstat, a buffer
// allocated per read, then grown: 15.6 µs against 5.3 µs a read, pinned, Node 20).

import { closeSync, openSync, readSync } from 'node:fs';

/** The buffer every read goes into: a status file is ~1.5 KiB; it grows for a longer one. */
let buffer = Buffer.allocUnsafe(4096);

/** The file's text, or undefined when the process (or thread) is gone. */
function readStatus(pid: number, tid: number | undefined): string | undefined {
  let fd: number;
  try {
    fd = openSync(tid === undefined ? `/proc/${pid}/status` : `/proc/${pid}/task/${tid}/status`, 'r');
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) return buffer.toString('latin1', 0, length);
      length += n;
    }
  } catch {
    return undefined; // ESRCH: it exited between the open and the read
  } finally {
    closeSync(fd);
  }
}

/** The value of `field` in a status file's text, undefined when there is no such field. */
function fieldOf(text: string, field: string): string | undefined {
  const key = `${field}:`;
  const start = text.startsWith(key) ? 0 : text.indexOf(`\n${key}`) + 1;
  if (start === 0 && !text.startsWith(key)) return undefined;
  const end = text.indexOf('\n', start);
  return text.slice(start + key.length, end === -1 ? undefined : end).trim();
}

/**
 * The value of one field of `/proc/<pid>/status` (or `/proc/<pid>/task/<tid>/status` when `tid`
 * is given: per-thread fields such as SigPnd), as the kernel wrote it, without the name and the
 * surrounding blanks: `'1234'` for Tgid, `'0022'` for Umask, `'0000000000000100'` for SigPnd.
 * Undefined when the process (or thread) is gone or the kernel has no such field. Parse the
 * value as the field needs: `Number(v)` for a pid, `parseInt(v, 8)` for Umask, `BigInt('0x' + v)`
 * for a signal mask.
 */
export function readProcStatusField(pid: number, field: string, tid?: number): string | undefined {
  const text = readStatus(pid, tid);
  return text === undefined ? undefined : fieldOf(text, field);
}

/** A decimal field of `/proc/<pid>/status` (Tgid, PPid, TracerPid...) as a number. */
export function readProcStatusNumber(pid: number, field: string): number | undefined {
  return decimal(readProcStatusField(pid, field));
}

/** Decimal fields of `/proc/<pid>/status` read at once (one read of the file: the values are of
 * the same moment), each a number or undefined as readProcStatusNumber gives it; undefined when
 * the process is gone. */
export function readProcStatusNumbers<F extends string>(pid: number, fields: readonly F[]): Record<F, number | undefined> | undefined {
  const text = readStatus(pid, undefined);
  if (text === undefined) return undefined;
  const values = {} as Record<F, number | undefined>;
  for (const field of fields) values[field] = decimal(fieldOf(text, field));
  return values;
}

function decimal(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}
