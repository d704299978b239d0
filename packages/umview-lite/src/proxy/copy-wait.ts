// splice and sendfile between a virtual fd and a pipe, socket or terminal of the tracee's own:
// the monitor copies in the kernel, on its real file and a duplicate of the tracee's fd. Such a
// copy blocks while the pipe is empty (or full), and a monitor blocked in it serves no tracee:
// if the process that would fill (or drain) the pipe needs a stop first, all wait forever. So
// when the tracee's side is not ready, the tracee waits for it itself, in a ppoll its call is
// rewritten into, then makes its call again (SyscallReturn.restartCall): blocked in the tracee,
// where a signal interrupts it as natively, and the monitor free meanwhile.
import { fstatSync } from 'node:fs';
import { pinnedBuffer } from '@umview/ptrace-core/internal';
import type { SyscallCall } from '@umview/sysvm';
import { sys } from './host-syscalls.js';

const POLLIN = 0x1;
const POLLOUT = 0x4;
const SPLICE_F_NONBLOCK = 2;
const F_GETFL = 3;
const O_NONBLOCK = 0o4000;
const S_IFMT = 0o170000;
const MAY_BLOCK = new Set([0o010000 /* FIFO */, 0o140000 /* socket */, 0o020000 /* char device */]);

/** The tracee's fd that a copy waits on, and for what (poll events). */
export interface CopyWait {
  fd: number;
  events: number;
}

/** Where each call reads from and writes to: the argument that is the fd of each side. */
const SIDES: Record<string, readonly { arg: number; events: number }[]> = {
  sendfile: [{ arg: 1, events: POLLIN }, { arg: 0, events: POLLOUT }],
  splice: [{ arg: 0, events: POLLIN }, { arg: 2, events: POLLOUT }],
};

/** What `call` must wait for before the monitor may copy, if anything. `own(fd)` is the
 * monitor's duplicate of a tracee fd that is not virtual (undefined for a virtual one). */
export function copyWait(call: SyscallCall, own: (fd: number) => number | undefined): CopyWait | undefined {
  const sides = SIDES[call.name];
  if (!sides) return undefined;
  if (call.name === 'splice' && (call.int(5) & SPLICE_F_NONBLOCK) !== 0) return undefined;
  for (const { arg, events } of sides) {
    const fd = call.int(arg);
    const dup = own(fd);
    if (dup === undefined || dup < 0 || !mayBlock(dup) || isReady(dup, events)) continue;
    return { fd, events };
  }
  return undefined;
}

/** Rewrites the call into a ppoll on the tracee's fd, and makes the original call again when
 * the ppoll returns (ready, or interrupted by a signal: then as the kernel restarts calls). */
export function waitInTracee(call: SyscallCall, wait: CopyWait, expectReturn: (call: SyscallCall, hook: (ret: { restartCall(): void }) => void) => void, ppollNr: number): void {
  // struct pollfd { int fd; short events; short revents; }
  const pollfd = Buffer.alloc(8);
  pollfd.writeInt32LE(wait.fd, 0);
  pollfd.writeInt16LE(wait.events, 4);
  const address = call.placeBytes(pollfd);
  call.setNumber(ppollNr);
  call.setArg(0, address);
  call.setArg(1, 1);
  call.setArg(2, 0); // no timeout
  call.setArg(3, 0); // no signal mask change
  expectReturn(call, (ret) => ret.restartCall());
}

/** A pipe, socket or device in blocking mode (a regular file's copy never waits). */
export function mayBlock(fd: number): boolean {
  let mode: number;
  try {
    mode = fstatSync(fd).mode;
  } catch {
    return false;
  }
  if (!MAY_BLOCK.has(mode & S_IFMT)) return false;
  const flags = sys('fcntl', fd, F_GETFL);
  return flags >= 0 && (flags & O_NONBLOCK) === 0;
}

function isReady(fd: number, events: number): boolean {
  const pollfd = pinnedBuffer(8);
  pollfd.writeInt32LE(fd, 0);
  pollfd.writeInt16LE(events, 4);
  return sys('poll', pollfd, 1, 0) > 0;
}
