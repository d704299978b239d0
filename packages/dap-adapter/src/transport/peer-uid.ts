// Who is at the other end of a connection to the adapter: the uid that owns the connecting
// socket. Listening on loopback keeps other hosts out, not the other users of this host; the
// adapter runs whatever program a client launches, as its own user, so it serves only the
// users it was told to (connection-policy.ts) and asks the kernel who connected.
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { unixPeerCredentials } from '@umview/ptrace-core/internal';

/** The uid owning the client end of a TCP connection on loopback, from the kernel's socket
 * tables: the client's socket is the one whose local end is the connection's remote end and
 * whose remote end is our local end. undefined when no such socket is listed (the client has
 * gone already, or it is not on this host's loopback): the caller refuses it. */
export async function tcpPeerUid(socket: Socket): Promise<number | undefined> {
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (remoteAddress === undefined || remotePort === undefined || localAddress === undefined || localPort === undefined) return undefined;
  const clientEnd = socketEnd(remoteAddress, remotePort);
  const serverEnd = socketEnd(localAddress, localPort);
  if (clientEnd === undefined || serverEnd === undefined) return undefined;
  // A client that connected through an IPv6 socket (to ::ffff:127.0.0.1) is listed in tcp6.
  for (const [table, family] of [['/proc/net/tcp', 'v4'], ['/proc/net/tcp6', 'v6']] as const) {
    let text: string;
    try {
      text = await readFile(table, 'latin1');
    } catch {
      continue; // no IPv6 in this kernel
    }
    const uid = findOwner(text, clientEnd[family], serverEnd[family]);
    if (uid !== undefined) return uid;
  }
  return undefined;
}

/** An address and port as /proc/net/tcp and tcp6 print them: the address in the kernel's
 * byte order (32-bit words, little-endian on x86-64), the port in hex, upper case. */
function socketEnd(address: string, port: number): { v4: string; v6: string } | undefined {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/i.exec(address);
  if (v4 === null) return undefined; // the server listens on 127.0.0.1 only
  const word = hex32(Number(v4[4]) * 2 ** 24 + Number(v4[3]) * 2 ** 16 + Number(v4[2]) * 2 ** 8 + Number(v4[1]));
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  // ::ffff:a.b.c.d: words 0, 0, 0xffff0000 (bytes 00 00 ff ff read little-endian), a.b.c.d.
  return { v4: `${word}:${portHex}`, v6: `0000000000000000FFFF0000${word}:${portHex}` };
}

function hex32(value: number): string {
  return value.toString(16).toUpperCase().padStart(8, '0');
}

/** The uid column of the line whose local and remote addresses are the ones given. */
function findOwner(table: string, local: string, remote: string): number | undefined {
  for (const line of table.split('\n')) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    const fields = line.trim().split(/\s+/);
    if (fields[1] === local && fields[2] === remote) return Number(fields[7]);
  }
  return undefined;
}

/** The uid of the process that connected to a unix socket, as the kernel recorded it at
 * connect (SO_PEERCRED): undefined when it cannot be read, and the caller refuses. */
export function unixPeerUid(socket: Socket): number | undefined {
  // Node does not expose SO_PEERCRED; the connection's descriptor is its handle's `fd`.
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return undefined;
  return unixPeerCredentials(fd)?.uid;
}
