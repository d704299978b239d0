// The named struct printers an ArgSpec of kind 'struct' refers to. Each receives the pointer,
// the argument context and, when the spec has `count`, that value (an argument or the result).
import type { ArgContext } from '../types.js';
import { printDirents, printFlock, printOpenHow, printStat, printStatx } from './fs.js';
import { printCloneArgs, printCpuSet, printRlimit, printSockFprog, printSysinfo, printUtsname, opaqueStruct } from './misc.js';
import { printMsghdr, printSockaddr, printSockaddrOut } from './net.js';
import { printEpollEvent, printEpollEvents, printFdSet, printPollfds } from './poll.js';
import { printSigaction, printSigset, printWaitStatus } from './signal.js';
import {
  printRusage, printTimespec, printTimespecRemaining, printTimeval, printTimevalPair, printTimezone, printTms,
  printUtimensTimes,
} from './time.js';

export type StructPrinter = (addr: bigint, ctx: ArgContext, count?: bigint) => string;

export interface PrinterEntry {
  readonly print: StructPrinter;
  /** Printed even when the call failed (by default an output struct of a failed call is shown
   * as its address: the kernel did not fill it). */
  readonly onError?: boolean;
}

export const STRUCT_PRINTERS = {
  stat: { print: printStat },
  statx: { print: printStatx },
  dirents: { print: printDirents },
  open_how: { print: printOpenHow },
  flock: { print: printFlock },
  timespec: { print: printTimespec },
  timespec_rem: { print: printTimespecRemaining, onError: true },
  timeval: { print: printTimeval },
  timezone: { print: printTimezone },
  utimens_times: { print: printUtimensTimes },
  timeval_pair: { print: printTimevalPair },
  rusage: { print: printRusage },
  tms: { print: printTms },
  sigset: { print: printSigset },
  sigaction: { print: printSigaction },
  wait_status: { print: printWaitStatus },
  sockaddr: { print: printSockaddr },
  sockaddr_out: { print: printSockaddrOut },
  msghdr: { print: printMsghdr, onError: true },
  pollfds: { print: printPollfds },
  fd_set: { print: printFdSet },
  epoll_event: { print: printEpollEvent },
  epoll_events: { print: printEpollEvents },
  rlimit: { print: printRlimit },
  clone_args: { print: printCloneArgs },
  sock_fprog: { print: printSockFprog },
  utsname: { print: printUtsname },
  sysinfo: { print: printSysinfo },
  cpu_set: { print: printCpuSet },
  statfs: { print: opaqueStruct(120) },
  termios: { print: opaqueStruct(36) },
} as const satisfies Record<string, PrinterEntry>;

export type StructName = keyof typeof STRUCT_PRINTERS;

export function structPrinter(name: StructName): PrinterEntry {
  return STRUCT_PRINTERS[name];
}
