// Sockets: address families, socket types, protocols, message flags, socket options.
import { flagsDecoder, valueDecoder, type Decoder } from '../xlat.js';

const FAMILIES = [
  'AF_UNSPEC', 'AF_UNIX', 'AF_INET', 'AF_AX25', 'AF_IPX', 'AF_APPLETALK', 'AF_NETROM', 'AF_BRIDGE',
  'AF_ATMPVC', 'AF_X25', 'AF_INET6', 'AF_ROSE', 'AF_DECnet', 'AF_NETBEUI', 'AF_SECURITY', 'AF_KEY',
  'AF_NETLINK', 'AF_PACKET', 'AF_ASH', 'AF_ECONET', 'AF_ATMSVC', 'AF_RDS', 'AF_SNA', 'AF_IRDA',
  'AF_PPPOX', 'AF_WANPIPE', 'AF_LLC', 'AF_IB', 'AF_MPLS', 'AF_CAN', 'AF_TIPC', 'AF_BLUETOOTH',
  'AF_IUCV', 'AF_RXRPC', 'AF_ISDN', 'AF_PHONET', 'AF_IEEE802154', 'AF_CAIF', 'AF_ALG', 'AF_NFC',
  'AF_VSOCK', 'AF_KCM', 'AF_QIPCRTR', 'AF_SMC', 'AF_XDP', 'AF_MCTP',
] as const;

export const AF = { UNIX: 1, INET: 2, INET6: 10, NETLINK: 16, PACKET: 17 } as const;

export const addressFamily: Decoder = valueDecoder(FAMILIES.map((name, i) => [name, i] as const), { width: 32, unknown: 'AF_???' });

const socketKind = valueDecoder([
  ['SOCK_STREAM', 1], ['SOCK_DGRAM', 2], ['SOCK_RAW', 3], ['SOCK_RDM', 4], ['SOCK_SEQPACKET', 5],
  ['SOCK_DCCP', 6], ['SOCK_PACKET', 10],
], { width: 32, unknown: 'SOCK_???', format: 'hex' });

const socketTypeFlags = flagsDecoder([['SOCK_CLOEXEC', 0o2000000], ['SOCK_NONBLOCK', 0o4000]], { width: 32 });

/** socket type: `SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK`. */
export function socketType(raw: bigint): string {
  const value = BigInt.asUintN(32, raw);
  const rest = value & ~0xfn;
  const kind = socketKind(value & 0xfn);
  return rest === 0n ? kind : `${kind}|${socketTypeFlags(rest)}`;
}

/** accept4's flags: the SOCK_* flags alone, 0 as `0`. */
export const socketFlags: Decoder = flagsDecoder([['SOCK_CLOEXEC', 0o2000000], ['SOCK_NONBLOCK', 0o4000]], { width: 32, unknown: 'SOCK_???' });

export const ipProtocol: Decoder = valueDecoder([
  ['IPPROTO_IP', 0], ['IPPROTO_ICMP', 1], ['IPPROTO_IGMP', 2], ['IPPROTO_IPIP', 4], ['IPPROTO_TCP', 6],
  ['IPPROTO_EGP', 8], ['IPPROTO_PUP', 12], ['IPPROTO_UDP', 17], ['IPPROTO_IDP', 22], ['IPPROTO_TP', 29],
  ['IPPROTO_DCCP', 33], ['IPPROTO_IPV6', 41], ['IPPROTO_RSVP', 46], ['IPPROTO_GRE', 47],
  ['IPPROTO_ESP', 50], ['IPPROTO_AH', 51], ['IPPROTO_ICMPV6', 58], ['IPPROTO_MTP', 92],
  ['IPPROTO_BEETPH', 94], ['IPPROTO_ENCAP', 98], ['IPPROTO_PIM', 103], ['IPPROTO_COMP', 108],
  ['IPPROTO_L2TP', 115], ['IPPROTO_SCTP', 132], ['IPPROTO_UDPLITE', 136], ['IPPROTO_MPLS', 137],
  ['IPPROTO_ETHERNET', 143], ['IPPROTO_RAW', 255], ['IPPROTO_MPTCP', 262],
], { width: 32, unknown: 'IPPROTO_???' });

export const netlinkProtocol: Decoder = valueDecoder([
  ['NETLINK_ROUTE', 0], ['NETLINK_UNUSED', 1], ['NETLINK_USERSOCK', 2], ['NETLINK_FIREWALL', 3],
  ['NETLINK_SOCK_DIAG', 4], ['NETLINK_NFLOG', 5], ['NETLINK_XFRM', 6], ['NETLINK_SELINUX', 7],
  ['NETLINK_ISCSI', 8], ['NETLINK_AUDIT', 9], ['NETLINK_FIB_LOOKUP', 10], ['NETLINK_CONNECTOR', 11],
  ['NETLINK_NETFILTER', 12], ['NETLINK_IP6_FW', 13], ['NETLINK_DNRTMSG', 14],
  ['NETLINK_KOBJECT_UEVENT', 15], ['NETLINK_GENERIC', 16], ['NETLINK_SCSITRANSPORT', 18],
  ['NETLINK_ECRYPTFS', 19], ['NETLINK_RDMA', 20], ['NETLINK_CRYPTO', 21], ['NETLINK_SMC', 22],
], { width: 32, unknown: 'NETLINK_???' });

/** socket()'s protocol, whose meaning depends on the domain. */
export function socketProtocol(domain: bigint, protocol: bigint): string {
  const d = Number(BigInt.asUintN(32, domain));
  if (d === AF.INET || d === AF.INET6) return ipProtocol(protocol);
  if (d === AF.NETLINK) return netlinkProtocol(protocol);
  return String(BigInt.asIntN(32, protocol));
}

export const msgFlags: Decoder = flagsDecoder([
  ['MSG_OOB', 0x1], ['MSG_PEEK', 0x2], ['MSG_DONTROUTE', 0x4], ['MSG_CTRUNC', 0x8],
  ['MSG_PROXY', 0x10], ['MSG_TRUNC', 0x20], ['MSG_DONTWAIT', 0x40], ['MSG_EOR', 0x80],
  ['MSG_WAITALL', 0x100], ['MSG_FIN', 0x200], ['MSG_SYN', 0x400], ['MSG_CONFIRM', 0x800],
  ['MSG_RST', 0x1000], ['MSG_ERRQUEUE', 0x2000], ['MSG_NOSIGNAL', 0x4000], ['MSG_MORE', 0x8000],
  ['MSG_WAITFORONE', 0x10000], ['MSG_SOCK_DEVMEM', 0x2000000], ['MSG_BATCH', 0x40000],
  ['MSG_SPLICE_PAGES', 0x8000000], ['MSG_ZEROCOPY', 0x4000000], ['MSG_FASTOPEN', 0x20000000],
  ['MSG_CMSG_CLOEXEC', 0x40000000],
], { width: 32, unknown: 'MSG_???' });

export const shutdownHow: Decoder = valueDecoder(
  [['SHUT_RD', 0], ['SHUT_WR', 1], ['SHUT_RDWR', 2]], { width: 32, unknown: 'SHUT_???' });

export const SOL_SOCKET = 1;

export const socketLevel: Decoder = valueDecoder([
  ['SOL_IP', 0], ['SOL_SOCKET', 1], ['SOL_TCP', 6], ['SOL_UDP', 17], ['SOL_IPV6', 41],
  ['SOL_ICMPV6', 58], ['SOL_SCTP', 132], ['SOL_RAW', 255], ['SOL_NETLINK', 270],
  ['SOL_PACKET', 263], ['SOL_ALG', 279],
], { width: 32, unknown: 'SOL_???' });

export const socketOption: Decoder = valueDecoder([
  ['SO_DEBUG', 1], ['SO_REUSEADDR', 2], ['SO_TYPE', 3], ['SO_ERROR', 4], ['SO_DONTROUTE', 5],
  ['SO_BROADCAST', 6], ['SO_SNDBUF', 7], ['SO_RCVBUF', 8], ['SO_KEEPALIVE', 9], ['SO_OOBINLINE', 10],
  ['SO_NO_CHECK', 11], ['SO_PRIORITY', 12], ['SO_LINGER', 13], ['SO_BSDCOMPAT', 14],
  ['SO_REUSEPORT', 15], ['SO_PASSCRED', 16], ['SO_PEERCRED', 17], ['SO_RCVLOWAT', 18],
  ['SO_SNDLOWAT', 19], ['SO_RCVTIMEO_OLD', 20], ['SO_SNDTIMEO_OLD', 21], ['SO_BINDTODEVICE', 25],
  ['SO_ATTACH_FILTER', 26], ['SO_DETACH_FILTER', 27], ['SO_PEERNAME', 28], ['SO_TIMESTAMP_OLD', 29],
  ['SO_ACCEPTCONN', 30], ['SO_PEERSEC', 31], ['SO_SNDBUFFORCE', 32], ['SO_RCVBUFFORCE', 33],
  ['SO_PASSSEC', 34], ['SO_MARK', 36], ['SO_PROTOCOL', 38], ['SO_DOMAIN', 39], ['SO_RXQ_OVFL', 40],
  ['SO_PEEK_OFF', 42], ['SO_BUSY_POLL', 46], ['SO_INCOMING_CPU', 49], ['SO_ZEROCOPY', 60],
  ['SO_TXTIME', 61], ['SO_PEERGROUPS', 59], ['SO_COOKIE', 57], ['SO_RCVTIMEO_NEW', 66],
  ['SO_SNDTIMEO_NEW', 67], ['SO_PEERPIDFD', 77],
], { width: 32 });

export const tcpOption: Decoder = valueDecoder([
  ['TCP_NODELAY', 1], ['TCP_MAXSEG', 2], ['TCP_CORK', 3], ['TCP_KEEPIDLE', 4], ['TCP_KEEPINTVL', 5],
  ['TCP_KEEPCNT', 6], ['TCP_SYNCNT', 7], ['TCP_LINGER2', 8], ['TCP_DEFER_ACCEPT', 9],
  ['TCP_WINDOW_CLAMP', 10], ['TCP_INFO', 11], ['TCP_QUICKACK', 12], ['TCP_CONGESTION', 13],
  ['TCP_FASTOPEN', 23], ['TCP_USER_TIMEOUT', 18], ['TCP_NOTSENT_LOWAT', 25],
], { width: 32 });

/** A socket option name, decoded when its level is known. */
export function socketOptionName(level: bigint, name: bigint): string {
  const l = Number(BigInt.asUintN(32, level));
  if (l === SOL_SOCKET) return socketOption(name);
  if (l === 6) return tcpOption(name);
  return String(BigInt.asIntN(32, name));
}
