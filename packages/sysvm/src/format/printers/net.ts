// Socket structs: struct sockaddr of the common families and struct msghdr.
import { addressFamily, AF, msgFlags } from '../decoders/net.js';
import { formatAddress, quoteBuffer, quoteBytes } from '../escape.js';
import type { ArgContext } from '../types.js';
import { printIovecArray } from './iovec.js';
import { readBytes } from './read.js';

/** The text form of an IPv6 address as inet_ntop gives it (longest zero run compressed,
 * IPv4-mapped and -compatible addresses with a dotted quad). */
export function formatIpv6(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  const dotted = `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return `::ffff:${dotted}`;
  if (words.slice(0, 6).every((w) => w === 0) && (words[6] !== 0 || words[7]! > 1)) return `::${dotted}`;
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** A struct sockaddr of `length` bytes. */
export function formatSockaddr(buf: Buffer): string {
  if (buf.length < 2) return '{}';
  const family = buf.readUInt16LE(0);
  const fam = `sa_family=${addressFamily(BigInt(family))}`;
  switch (family) {
    case AF.UNIX: {
      if (buf.length === 2) return `{${fam}}`;
      const path = buf.subarray(2);
      if (path[0] === 0) {
        return `{${fam}, sun_path=@${quoteBytes(path.subarray(1))}}`;
      }
      const nul = path.indexOf(0);
      return `{${fam}, sun_path=${quoteBytes(nul < 0 ? path : path.subarray(0, nul))}}`;
    }
    case AF.INET:
      if (buf.length < 8) break;
      return `{${fam}, sin_port=htons(${buf.readUInt16BE(2)}), sin_addr=inet_addr("${buf[4]}.${buf[5]}.${buf[6]}.${buf[7]}")}`;
    case AF.INET6:
      if (buf.length < 24) break;
      return `{${fam}, sin6_port=htons(${buf.readUInt16BE(2)}), sin6_flowinfo=htonl(${buf.readUInt32BE(4)}), `
        + `inet_pton(AF_INET6, "${formatIpv6(buf.subarray(8, 24))}", &sin6_addr)`
        + (buf.length >= 28 ? `, sin6_scope_id=${buf.readUInt32LE(24)}}` : '}');
    case AF.NETLINK:
      if (buf.length < 12) break;
      return `{${fam}, nl_pid=${buf.readInt32LE(4)}, nl_groups=${buf.readUInt32LE(8).toString(16).padStart(8, '0')}}`;
    default:
      break;
  }
  return `{${fam}, sa_data=${quoteBytes(buf.subarray(2))}}`;
}

const SOCKADDR_STORAGE = 128;

function printSockaddrOfLength(addr: bigint, ctx: ArgContext, length: number): string {
  if (addr === 0n) return 'NULL';
  if (length <= 0) return formatAddress(addr);
  const buf = readBytes(ctx.mem, addr, Math.min(length, SOCKADDR_STORAGE));
  return buf === undefined ? formatAddress(addr) : formatSockaddr(buf);
}

/** A sockaddr the kernel reads: its length is the value of argument `count`. */
export function printSockaddr(addr: bigint, ctx: ArgContext, count?: bigint): string {
  return printSockaddrOfLength(addr, ctx, Number(BigInt.asIntN(32, count ?? 0n)));
}

/** A sockaddr the kernel fills (accept, getsockname, recvfrom): its length is in the socklen_t
 * that argument `count` points to. */
export function printSockaddrOut(addr: bigint, ctx: ArgContext, count?: bigint): string {
  if (addr === 0n) return 'NULL';
  const len = count === undefined || count === 0n ? undefined : readBytes(ctx.mem, count, 4);
  return len === undefined ? formatAddress(addr) : printSockaddrOfLength(addr, ctx, len.readInt32LE(0));
}

const MSGHDR_SIZE = 56;

/** struct msghdr; the data length shown in the iovecs is the result for recvmsg. When recvmsg
 * failed only the input field, msg_namelen, means anything: strace shows just that. */
export function printMsghdr(addr: bigint, ctx: ArgContext): string {
  if (addr === 0n) return 'NULL';
  const buf = readBytes(ctx.mem, addr, MSGHDR_SIZE);
  if (buf === undefined) return formatAddress(addr);
  if (ctx.phase === 'exit' && ctx.failed) return `{msg_namelen=${buf.readUInt32LE(8)}}`;
  const name = buf.readBigUInt64LE(0);
  const namelen = buf.readUInt32LE(8);
  const iov = buf.readBigUInt64LE(16);
  const iovlen = buf.readBigUInt64LE(24);
  const control = buf.readBigUInt64LE(32);
  const controllen = buf.readBigUInt64LE(40);
  const flags = buf.readUInt32LE(48);
  const dataLimit = ctx.phase === 'exit' ? ctx.result ?? 0n : undefined;
  const parts = [
    `msg_name=${name === 0n ? 'NULL' : printSockaddrOfLength(name, ctx, namelen)}`,
    `msg_namelen=${namelen}`,
    `msg_iov=${printIovecArray(iov, Number(iovlen), ctx, dataLimit)}`,
    `msg_iovlen=${iovlen}`,
  ];
  if (controllen !== 0n) parts.push(`msg_control=${formatAddress(control)}`);
  parts.push(`msg_controllen=${controllen}`, `msg_flags=${msgFlags(BigInt(flags))}`);
  return `{${parts.join(', ')}}`;
}

/** Shown for socket option values: `[1]` for an int, the bytes otherwise. */
export function formatSockoptValue(buf: Buffer, limit: number): string {
  if (buf.length === 4) return `[${buf.readInt32LE(0)}]`;
  return quoteBuffer(buf, buf.length, limit);
}
