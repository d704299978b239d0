// struct timespec and struct timeval (x86-64: two 64-bit signed words each).
import { dataView } from './view.js';

/** `struct timespec` (`__kernel_timespec` on x86-64): seconds and nanoseconds. */
export interface Timespec {
  sec: bigint;
  nsec: bigint;
}

/** `struct timeval`: seconds and microseconds. */
export interface Timeval {
  sec: bigint;
  usec: bigint;
}

export const TIMESPEC_SIZE = 16;
export const TIMEVAL_SIZE = 16;

/** utimensat's special tv_nsec values. */
export const UTIME_NOW = (1n << 30n) - 1n;
export const UTIME_OMIT = (1n << 30n) - 2n;

export function decodeTimespec(buf: Uint8Array, offset = 0): Timespec {
  const view = dataView(buf);
  return { sec: view.getBigInt64(offset, true), nsec: view.getBigInt64(offset + 8, true) };
}

export function encodeTimespecInto(buf: Uint8Array, offset: number, value: Timespec): void {
  const view = dataView(buf);
  view.setBigInt64(offset, value.sec, true);
  view.setBigInt64(offset + 8, value.nsec, true);
}

export function encodeTimespec(value: Timespec): Buffer {
  const buf = Buffer.alloc(TIMESPEC_SIZE);
  encodeTimespecInto(buf, 0, value);
  return buf;
}

export function decodeTimeval(buf: Uint8Array, offset = 0): Timeval {
  const view = dataView(buf);
  return { sec: view.getBigInt64(offset, true), usec: view.getBigInt64(offset + 8, true) };
}

export function encodeTimevalInto(buf: Uint8Array, offset: number, value: Timeval): void {
  const view = dataView(buf);
  view.setBigInt64(offset, value.sec, true);
  view.setBigInt64(offset + 8, value.usec, true);
}

export function encodeTimeval(value: Timeval): Buffer {
  const buf = Buffer.alloc(TIMEVAL_SIZE);
  encodeTimevalInto(buf, 0, value);
  return buf;
}

/** Splits a nanosecond count (Node's `BigIntStats.*timeNs`) into seconds and nanoseconds the
 * way the kernel keeps them: tv_nsec is always in [0, 1e9), also for times before 1970. */
export function timespecFromNs(ns: bigint): Timespec {
  let sec = ns / 1_000_000_000n;
  let nsec = ns % 1_000_000_000n;
  if (nsec < 0n) {
    sec -= 1n;
    nsec += 1_000_000_000n;
  }
  return { sec, nsec };
}
