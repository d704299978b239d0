// File-system structs: stat, statx, getdents64 buffers, open_how, struct flock.
import { decodeDirents64 } from '../../structs/dirent.js';
import { decodeOpenHow, OPEN_HOW_SIZE } from '../../structs/open-how.js';
import { decodeStat, STAT_SIZE } from '../../structs/stat.js';
import { decodeStatx, STATX_SIZE } from '../../structs/statx.js';
import { devMajor, devMinor } from '../../structs/device.js';
import { fileMode, lockType, openFlags, permissionMode, resolveFlags, seekWhence, statxAttributes, statxMask, O_CREAT, O_TMPFILE_BIT } from '../decoders/files.js';
import { formatAddress, formatHex } from '../escape.js';
import type { ArgContext } from '../types.js';
import { readBytes, withStruct } from './read.js';

const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;

/** strace's makedev(0x1, 0x3). */
export function formatDev(dev: bigint): string {
  return `makedev(${formatHex(BigInt(devMajor(dev)))}, ${formatHex(BigInt(devMinor(dev)))})`;
}

/** Abbreviated struct stat, as strace prints it without -v. */
export function printStat(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, STAT_SIZE, (buf) => {
    const st = decodeStat(buf);
    const type = st.mode & S_IFMT;
    const second = type === S_IFCHR || type === S_IFBLK ? `st_rdev=${formatDev(st.rdev)}` : `st_size=${st.size}`;
    return `{st_mode=${fileMode(BigInt(st.mode))}, ${second}, ...}`;
  });
}

/** Abbreviated struct statx. */
export function printStatx(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, STATX_SIZE, (buf) => {
    const sx = decodeStatx(buf);
    return `{stx_mask=${statxMask(BigInt(sx.mask))}, stx_attributes=${statxAttributes(sx.attributes)}, `
      + `stx_mode=${fileMode(BigInt(sx.mode))}, stx_size=${sx.size}, ...}`;
  });
}

/** getdents64's buffer: the address and how many entries the kernel put there. */
export function printDirents(addr: bigint, ctx: ArgContext): string {
  const length = Number(ctx.result ?? 0n);
  const buf = readBytes(ctx.mem, addr, length);
  if (buf === undefined) return formatAddress(addr);
  let count: number;
  try {
    count = decodeDirents64(buf).length;
  } catch {
    return formatAddress(addr);
  }
  return `${formatAddress(addr)} /* ${count} entries */`;
}

export function printOpenHow(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, OPEN_HOW_SIZE, (buf) => {
    const how = decodeOpenHow(buf);
    const parts = [`flags=${openFlags(how.flags, 64)}`];
    if (how.flags & (O_CREAT | O_TMPFILE_BIT) || how.mode !== 0n) parts.push(`mode=${permissionMode(how.mode)}`);
    parts.push(`resolve=${resolveFlags(how.resolve)}`);
    return `{${parts.join(', ')}}`;
  });
}

/** struct flock (fcntl F_GETLK/F_SETLK...): l_type, l_whence, l_start, l_len, l_pid. */
export const FLOCK_SIZE = 32;

export function printFlock(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, FLOCK_SIZE, (buf) => {
    const parts = [
      `l_type=${lockType(BigInt(buf.readInt16LE(0)))}`,
      `l_whence=${seekWhence(BigInt(buf.readInt16LE(2)))}`,
      `l_start=${buf.readBigInt64LE(8)}`,
      `l_len=${buf.readBigInt64LE(16)}`,
    ];
    if (ctx.phase === 'exit') parts.push(`l_pid=${buf.readInt32LE(24)}`);
    return `{${parts.join(', ')}}`;
  });
}
