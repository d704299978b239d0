// Time structs: timespec, timeval, utimensat/futimesat pairs, resource usage.
import { decodeTimespec, decodeTimeval, TIMESPEC_SIZE, TIMEVAL_SIZE, UTIME_NOW, UTIME_OMIT } from '../../structs/timespec.js';
import { formatAddress } from '../escape.js';
import type { ArgContext } from '../types.js';
import { isRestartErrno } from '../errno-text.js';
import { withStruct } from './read.js';

export const formatTimespec = (sec: bigint, nsec: bigint): string => `{tv_sec=${sec}, tv_nsec=${nsec}}`;
export const formatTimeval = (sec: bigint, usec: bigint): string => `{tv_sec=${sec}, tv_usec=${usec}}`;

export function printTimespec(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, TIMESPEC_SIZE, (buf) => {
    const t = decodeTimespec(buf);
    return formatTimespec(t.sec, t.nsec);
  });
}

/** nanosleep's `rem`: filled only when the sleep was interrupted, so shown only then (strace
 * prints the address otherwise: the memory may hold anything). */
export function printTimespecRemaining(addr: bigint, ctx: ArgContext): string {
  if (ctx.phase === 'exit' && ctx.failed && ctx.result !== undefined && isRestartErrno(Number(-ctx.result))) {
    return printTimespec(addr, ctx);
  }
  return formatAddress(addr);
}

export function printTimeval(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, TIMEVAL_SIZE, (buf) => {
    const t = decodeTimeval(buf);
    return formatTimeval(t.sec, t.usec);
  });
}

/** Local time as strace's sprinttime_nsec comments show it: 2024-01-31T12:34:56.000000000+0100. */
export function formatDateComment(sec: bigint, nsec: bigint, digits = 9): string {
  const date = new Date(Number(sec) * 1000);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const frac = digits === 9 ? String(nsec).padStart(9, '0') : String(nsec).padStart(6, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T`
    + `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${frac}`
    + `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** utimensat's times[2]: UTIME_NOW/UTIME_OMIT alone (tv_sec is ignored then), other times with
 * a date comment. */
export function printUtimensTimes(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, 2 * TIMESPEC_SIZE, (buf) => {
    const one = (offset: number): string => {
      const t = decodeTimespec(buf, offset);
      if (t.nsec === UTIME_NOW) return 'UTIME_NOW';
      if (t.nsec === UTIME_OMIT) return 'UTIME_OMIT';
      const comment = formatDateComment(t.sec, t.nsec);
      return comment ? `${formatTimespec(t.sec, t.nsec)} /* ${comment} */` : formatTimespec(t.sec, t.nsec);
    };
    return `[${one(0)}, ${one(TIMESPEC_SIZE)}]`;
  });
}

/** futimesat's times[2] (timevals). */
export function printTimevalPair(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, 2 * TIMEVAL_SIZE, (buf) => {
    const one = (offset: number): string => {
      const t = decodeTimeval(buf, offset);
      return formatTimeval(t.sec, t.usec);
    };
    return `[${one(0)}, ${one(TIMEVAL_SIZE)}]`;
  });
}

const RUSAGE_SIZE = 144;

/** struct rusage, abbreviated: the two times. */
export function printRusage(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, RUSAGE_SIZE, (buf) => {
    const u = decodeTimeval(buf, 0);
    const s = decodeTimeval(buf, TIMEVAL_SIZE);
    return `{ru_utime=${formatTimeval(u.sec, u.usec)}, ru_stime=${formatTimeval(s.sec, s.usec)}, ...}`;
  });
}

/** struct tms: four clock_t. */
export function printTms(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, 32, (buf) => {
    const [u, s, cu, cs] = [0, 8, 16, 24].map((o) => buf.readBigInt64LE(o));
    return `{tms_utime=${u}, tms_stime=${s}, tms_cutime=${cu}, tms_cstime=${cs}}`;
  });
}

/** struct timezone (gettimeofday's second argument). */
export function printTimezone(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, 8, (buf) => `{tz_minuteswest=${buf.readInt32LE(0)}, tz_dsttime=${buf.readInt32LE(4)}}`);
}
