// Who is at the other end of a unix socket, as the kernel recorded it when it connected
// (SO_PEERCRED): the servers of the sibling packages (umview-dap's --socket, umview-lite's warm
// monitor) serve their own user only. Node does not expose it.
import { syscallNumber } from '../arch/index.js';
import { getLibc } from './libc.js';

const SOL_SOCKET = 1;
const SO_PEERCRED = 17;
const SYS_GETSOCKOPT = syscallNumber('getsockopt')!;

/** The pid, uid and gid of the process that connected to the unix socket `fd` (its pid as this
 * process's pid namespace numbers it; 0 if it is outside); undefined when they cannot be read. */
export function unixPeerCredentials(fd: number): { pid: number; uid: number; gid: number } | undefined {
  const libc = getLibc();
  const credentials = new Int32Array(3); // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
  const length = new Uint32Array([credentials.byteLength]);
  const result = libc.syscall6(SYS_GETSOCKOPT, fd, SOL_SOCKET, SO_PEERCRED, libc.address(credentials), libc.address(length), 0);
  if (result !== 0 || length[0] !== credentials.byteLength) return undefined;
  return { pid: credentials[0]!, uid: credentials[1]! >>> 0, gid: credentials[2]! >>> 0 };
}
