// Waiting structs: pollfd arrays, fd_set bitmaps, epoll_event.
import { epollEvents, pollEvents } from '../decoders/events.js';
import { formatAddress } from '../escape.js';
import type { ArgContext } from '../types.js';
import { readBytes, withStruct } from './read.js';
import { formatTimespec, formatTimeval } from './time.js';

const POLLFD_SIZE = 8;
const MAX_ELEMENTS = 1024;

/** poll's array at entry: `[{fd=3, events=POLLIN}]`; `count` is nfds. */
export function printPollfds(addr: bigint, ctx: ArgContext, count?: bigint): string {
  const n = Number(count ?? 0n);
  if (addr === 0n) return 'NULL';
  if (n <= 0) return '[]';
  const shown = Math.min(n, MAX_ELEMENTS);
  const buf = readBytes(ctx.mem, addr, shown * POLLFD_SIZE);
  if (buf === undefined) return formatAddress(addr);
  const items: string[] = [];
  for (let i = 0; i < shown; i++) {
    const fd = buf.readInt32LE(i * POLLFD_SIZE);
    const events = buf.readUInt16LE(i * POLLFD_SIZE + 4);
    items.push(fd < 0 ? `{fd=${fd}}` : `{fd=${fd}, events=${pollEvents(BigInt(events))}}`);
  }
  return `[${items.join(', ')}${n > shown ? ', ...' : ''}]`;
}

/** The time a select/ppoll had left, which the kernel writes back into the timeout argument:
 * `left {tv_sec=0, tv_nsec=0}` (undefined without a timeout). */
function timeLeft(ctx: ArgContext, index: number | undefined, kind: 'timespec' | 'timeval'): string | undefined {
  const addr = index === undefined ? 0n : ctx.call.args[index] ?? 0n;
  if (addr === 0n) return undefined;
  const buf = readBytes(ctx.mem, addr, 16);
  if (buf === undefined) return undefined;
  const [sec, frac] = [buf.readBigInt64LE(0), buf.readBigInt64LE(8)];
  return `left ${kind === 'timespec' ? formatTimespec(sec, frac) : formatTimeval(sec, frac)}`;
}

/** poll's result comment: the fds with revents (and for ppoll the time left), or Timeout.
 * `timeoutIndex` is ppoll's timespec argument. */
export function pollResultComment(ctx: ArgContext, timeoutIndex?: number): string | undefined {
  const result = ctx.result ?? 0n;
  if (result === 0n) return 'Timeout';
  const addr = ctx.call.args[0] ?? 0n;
  const n = Math.min(Number(ctx.call.args[1] ?? 0n), MAX_ELEMENTS);
  const buf = readBytes(ctx.mem, addr, n * POLLFD_SIZE);
  if (buf === undefined) return undefined;
  const ready: string[] = [];
  for (let i = 0; i < n; i++) {
    const revents = buf.readUInt16LE(i * POLLFD_SIZE + 6);
    if (revents !== 0) ready.push(`{fd=${buf.readInt32LE(i * POLLFD_SIZE)}, revents=${pollEvents(BigInt(revents))}}`);
  }
  const left = timeLeft(ctx, timeoutIndex, 'timespec');
  return `[${ready.join(', ')}]${left ? `, ${left}` : ''}`;
}

/** The fd numbers set in a bitmap of `nfds` bits: `[3 4]`. */
export function formatFdSet(buf: Uint8Array, nfds: number): string {
  const fds: number[] = [];
  for (let fd = 0; fd < nfds && fd < buf.length * 8; fd++) if (buf[fd >> 3]! & (1 << (fd & 7))) fds.push(fd);
  return `[${fds.join(' ')}]`;
}

/** An fd_set pointer of select/pselect6; `count` is nfds. */
export function printFdSet(addr: bigint, ctx: ArgContext, count?: bigint): string {
  const nfds = Number(BigInt.asIntN(32, count ?? 0n));
  if (addr === 0n) return 'NULL';
  if (nfds <= 0) return formatAddress(addr);
  const bytes = Math.ceil(Math.min(nfds, 1024 * 8) / 64) * 8;
  return withStruct(ctx.mem, addr, bytes, (buf) => formatFdSet(buf, nfds));
}

/** select's and pselect6's result comment: which fds are ready in each set, and the time left
 * (a timeval for select, a timespec for pselect6). */
export function selectResultComment(ctx: ArgContext, timeout: 'timespec' | 'timeval'): string | undefined {
  if ((ctx.result ?? 0n) === 0n) return 'Timeout';
  const nfds = Number(BigInt.asIntN(32, ctx.call.args[0] ?? 0n));
  const parts: string[] = [];
  ['in', 'out', 'except'].forEach((label, i) => {
    const addr = ctx.call.args[i + 1] ?? 0n;
    if (addr === 0n || nfds <= 0) return;
    const buf = readBytes(ctx.mem, addr, Math.ceil(Math.min(nfds, 8192) / 64) * 8);
    if (buf === undefined) return;
    const set = formatFdSet(buf, nfds);
    if (set !== '[]') parts.push(`${label} ${set}`);
  });
  const left = timeLeft(ctx, 4, timeout);
  if (left) parts.push(left);
  return parts.join(', ');
}

/** struct epoll_event is packed on x86-64: u32 events, u64 data, 12 bytes. */
export const EPOLL_EVENT_SIZE = 12;

function formatEpollEvent(buf: Buffer, offset: number): string {
  const events = buf.readUInt32LE(offset);
  const data = buf.readBigUInt64LE(offset + 4);
  return `{events=${epollEvents(BigInt(events))}, data={u32=${data & 0xffffffffn}, u64=${data}}}`;
}

export function printEpollEvent(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, EPOLL_EVENT_SIZE, (buf) => formatEpollEvent(buf, 0));
}

/** epoll_wait's output array: as many events as the result says. */
export function printEpollEvents(addr: bigint, ctx: ArgContext): string {
  const n = Math.min(Number(ctx.result ?? 0n), MAX_ELEMENTS);
  if (addr === 0n) return 'NULL';
  const buf = readBytes(ctx.mem, addr, n * EPOLL_EVENT_SIZE);
  if (buf === undefined) return formatAddress(addr);
  const items: string[] = [];
  for (let i = 0; i < n; i++) items.push(formatEpollEvent(buf, i * EPOLL_EVENT_SIZE));
  return `[${items.join(', ')}]`;
}
