// Unix sockets named by guest paths, under a guest root: bind and connect get the host path of
// the address (resolved in the guest, the last component followed by connect only, as the
// kernel does), and getsockname and getpeername answer with the guest path again. Abstract
// and unnamed addresses are no paths and stay as they are. sun_path holds 108 bytes: a guest
// path whose host path is longer fails with ENAMETOOLONG and says why.
import { ERRNO } from '@umview/ptrace-core';
import type { SyscallCall, SyscallReturn } from '@umview/sysvm';
import type { Resolved } from './resolver.js';

export const SOCKET_ADDRESS_CALLS = ['bind', 'connect', 'getsockname', 'getpeername'];

const AF_UNIX = 1;
const SUN_PATH = 2;
const SUN_PATH_SIZE = 108;

export interface SocketHost {
  resolve(path: string, followLast: boolean): Resolved | undefined;
  toGuest(host: string): string | undefined;
  expectReturn(call: SyscallCall, hook: (ret: SyscallReturn) => void): void;
  log(message: string): void;
}

/** Handles one of SOCKET_ADDRESS_CALLS. */
export function handleSocketAddress(call: SyscallCall, host: SocketHost): void {
  if (call.name === 'bind' || call.name === 'connect') placeHostAddress(call, host);
  else showGuestAddress(call, host);
}

function placeHostAddress(call: SyscallCall, host: SocketHost): void {
  const length = call.int(2);
  if (call.ptr(1) === 0n || length <= SUN_PATH || length > SUN_PATH + SUN_PATH_SIZE) return; // the kernel's EFAULT, EINVAL
  let address: Buffer;
  try {
    address = call.io.read(call.ptr(1), length);
  } catch {
    return;
  }
  if (address.readUInt16LE(0) !== AF_UNIX || address[SUN_PATH] === 0) return; // not unix, or abstract
  const end = address.indexOf(0, SUN_PATH);
  const path = address.subarray(SUN_PATH, end < 0 ? length : end).toString('utf8');
  const resolved = host.resolve(path, call.name === 'connect');
  if (resolved === undefined) return;
  if ('errno' in resolved) {
    call.skip(-resolved.errno);
    return;
  }
  const hostPath = Buffer.from(resolved.host, 'utf8');
  if (hostPath.length >= SUN_PATH_SIZE) {
    host.log(`umview-lite: the unix socket ${path} is ${resolved.host} on the host, longer than a socket address holds (${SUN_PATH_SIZE - 1} bytes): ENAMETOOLONG`);
    call.skip(-ERRNO.ENAMETOOLONG);
    return;
  }
  const placed = Buffer.alloc(SUN_PATH + hostPath.length + 1);
  placed.writeUInt16LE(AF_UNIX, 0);
  hostPath.copy(placed, SUN_PATH);
  call.setArg(1, call.placeBytes(placed));
  call.setArg(2, placed.length);
}

/** getsockname/getpeername(fd, addr, &addrlen): a unix address shown with its guest path. */
function showGuestAddress(call: SyscallCall, host: SocketHost): void {
  const addressPointer = call.ptr(1);
  const lengthPointer = call.ptr(2);
  if (addressPointer === 0n || lengthPointer === 0n) return;
  let room: number;
  try {
    room = call.io.read(lengthPointer, 4).readUInt32LE(0);
  } catch {
    return;
  }
  host.expectReturn(call, (ret) => {
    if (ret.isError) return;
    const length = Math.min(ret.io.read(lengthPointer, 4).readUInt32LE(0), room);
    if (length <= SUN_PATH) return;
    const address = ret.io.read(addressPointer, length);
    if (address.readUInt16LE(0) !== AF_UNIX || address[SUN_PATH] === 0) return;
    const end = address.indexOf(0, SUN_PATH);
    const guest = host.toGuest(address.subarray(SUN_PATH, end < 0 ? length : end).toString('utf8'));
    if (guest === undefined) return;
    const shown = Buffer.alloc(SUN_PATH + Buffer.byteLength(guest) + 1);
    shown.writeUInt16LE(AF_UNIX, 0);
    shown.write(guest, SUN_PATH, 'utf8');
    // As the kernel: the address truncated to the room given, the full length reported.
    ret.io.write(addressPointer, shown.subarray(0, Math.min(shown.length, room)));
    const full = Buffer.alloc(4);
    full.writeUInt32LE(shown.length);
    ret.io.write(lengthPointer, full);
  });
}
