// Other structs: rlimit, clone_args, sock_fprog, utsname, sysinfo, CPU sets.
import { clone3Flags, signalName } from '../decoders/process.js';
import { formatAddress, formatHex, quoteBytes } from '../escape.js';
import type { ArgContext } from '../types.js';
import { readBytes, withStruct } from './read.js';

const RLIM64_INFINITY = 0xffffffffffffffffn;

/** An rlimit value as strace shows it: RLIM64_INFINITY, 8192*1024, or plain. */
export function formatRlimValue(value: bigint): string {
  if (value === RLIM64_INFINITY) return 'RLIM64_INFINITY';
  if (value > 0n && value % 1024n === 0n) return `${value / 1024n}*1024`;
  return String(value);
}

export function printRlimit(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, 16, (buf) =>
    `{rlim_cur=${formatRlimValue(buf.readBigUInt64LE(0))}, rlim_max=${formatRlimValue(buf.readBigUInt64LE(8))}}`);
}

const CLONE_PIDFD = 0x1000n;

/** struct clone_args (clone3): flags and exit signal always, the other fields when set (pidfd
 * only with CLONE_PIDFD: glibc fills it in regardless). */
export function printCloneArgs(addr: bigint, ctx: ArgContext, count?: bigint): string {
  const size = Math.min(Number(count ?? 64n), 88);
  if (size < 64) return formatAddress(addr);
  return withStruct(ctx.mem, addr, size, (buf) => {
    const field = (i: number): bigint => buf.readBigUInt64LE(i * 8);
    const parts = [`flags=${clone3Flags(field(0))}`];
    if (field(0) & CLONE_PIDFD && field(1) !== 0n) parts.push(`pidfd=${formatAddress(field(1))}`);
    if (field(2) !== 0n) parts.push(`child_tid=${formatAddress(field(2))}`);
    if (field(3) !== 0n) parts.push(`parent_tid=${formatAddress(field(3))}`);
    parts.push(`exit_signal=${field(4) === 0n ? '0' : signalName(field(4))}`);
    if (field(5) !== 0n) parts.push(`stack=${formatAddress(field(5))}`);
    if (field(6) !== 0n) parts.push(`stack_size=${formatHex(field(6))}`);
    if (field(7) !== 0n) parts.push(`tls=${formatAddress(field(7))}`);
    return `{${parts.join(', ')}}`;
  });
}

/** struct sock_fprog (a seccomp or socket filter): length and program address. */
export function printSockFprog(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, 16, (buf) => `{len=${buf.readUInt16LE(0)}, filter=${formatAddress(buf.readBigUInt64LE(8))}}`);
}

const UTS_FIELD = 65;

/** struct utsname, abbreviated: sysname and nodename. */
export function printUtsname(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, 6 * UTS_FIELD, (buf) => {
    const field = (i: number): string => {
      const raw = buf.subarray(i * UTS_FIELD, (i + 1) * UTS_FIELD);
      const nul = raw.indexOf(0);
      return quoteBytes(nul < 0 ? raw : raw.subarray(0, nul));
    };
    return `{sysname=${field(0)}, nodename=${field(1)}, ...}`;
  });
}

const SYSINFO_SIZE = 112;

export function printSysinfo(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, SYSINFO_SIZE, (buf) => {
    const u = (o: number): bigint => buf.readBigUInt64LE(o);
    return `{uptime=${buf.readBigInt64LE(0)}, loads=[${u(8)}, ${u(16)}, ${u(24)}], totalram=${u(32)}, `
      + `freeram=${u(40)}, sharedram=${u(48)}, bufferram=${u(56)}, totalswap=${u(64)}, freeswap=${u(72)}, `
      + `procs=${buf.readUInt16LE(80)}, totalhigh=${u(88)}, freehigh=${u(96)}, mem_unit=${buf.readUInt32LE(104)}}`;
  });
}

/** A CPU bitmap of as many bytes as the result (sched_getaffinity): `[0 1 2 3]`. */
export function printCpuSet(addr: bigint, ctx: ArgContext): string {
  const size = Number(ctx.result ?? 0n);
  if (addr === 0n) return 'NULL';
  const buf = readBytes(ctx.mem, addr, size);
  if (buf === undefined) return formatAddress(addr);
  const cpus: number[] = [];
  for (let i = 0; i < size * 8; i++) if (buf[i >> 3]! & (1 << (i & 7))) cpus.push(i);
  return `[${cpus.join(' ')}]`;
}

/** A struct the formatter does not decode: `{...}` when readable (so its size is known). */
export function opaqueStruct(size: number): (addr: bigint, ctx: ArgContext) => string {
  return (addr, ctx) => withStruct(ctx.mem, addr, size, () => '{...}');
}
