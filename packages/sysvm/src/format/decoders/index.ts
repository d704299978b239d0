// The named decoders an ArgSpec of kind 'flags' refers to. A name, not a function, keeps the
// signature table plain data that can be listed, compared and serialised.
import type { Decoder } from '../xlat.js';
import * as events from './events.js';
import * as files from './files.js';
import { ioctlRequest } from './ioctl.js';
import * as memory from './memory.js';
import * as net from './net.js';
import * as process from './process.js';

export const FLAG_DECODERS = {
  open_flags: (v: bigint) => files.openFlags(v),
  open_flag_bits: files.openFlagBits,
  access_mode: files.accessMode,
  at_flags: files.atFlags,
  faccessat_flags: files.faccessatFlags,
  statx_flags: files.statxFlags,
  statx_mask: files.statxMask,
  rename_flags: files.renameFlags,
  seek_whence: files.seekWhence,
  flock_op: files.flockOp,
  fcntl_cmd: files.fcntlCmd,
  fd_flags: files.fdFlags,
  lock_type: files.lockType,
  notify_flags: files.notifyFlags,
  seal_flags: files.sealFlags,
  xattr_flags: files.xattrFlags,
  memfd_flags: files.memfdFlags,
  close_range_flags: files.closeRangeFlags,
  umount_flags: files.umountFlags,
  mount_flags: files.mountFlags,
  inotify_init_flags: files.inotifyInitFlags,
  inotify_mask: files.inotifyMask,
  resolve_flags: files.resolveFlags,
  file_mode: files.fileMode,
  mmap_prot: memory.mmapProt,
  mmap_flags: memory.mmapFlags,
  mremap_flags: memory.mremapFlags,
  madvise_advice: memory.madviseAdvice,
  signal: process.signalName,
  clone_flags: process.cloneFlags,
  clone3_flags: process.clone3Flags,
  wait_options: process.waitOptions,
  sigprocmask_how: process.sigprocmaskHow,
  sigaction_flags: process.sigactionFlags,
  rusage_who: process.rusageWho,
  rlimit_resource: process.rlimitResource,
  prctl_option: process.prctlOption,
  arch_prctl_code: process.archPrctlCode,
  seccomp_op: process.seccompOp,
  seccomp_flags: process.seccompFlags,
  futex_op: process.futexOp,
  futex_bitset: process.futexBitset,
  clock_id: process.clockId,
  timer_flags: process.timerFlags,
  getrandom_flags: process.getrandomFlags,
  pidfd_flags: process.pidfdFlags,
  address_family: net.addressFamily,
  socket_type: net.socketType,
  socket_flags: net.socketFlags,
  ip_protocol: net.ipProtocol,
  msg_flags: net.msgFlags,
  shutdown_how: net.shutdownHow,
  socket_level: net.socketLevel,
  poll_events: events.pollEvents,
  epoll_events: events.epollEvents,
  epoll_create_flags: events.epollCreateFlags,
  epoll_ctl_op: events.epollCtlOp,
  eventfd_flags: events.eventfdFlags,
  timerfd_flags: events.timerfdFlags,
  signalfd_flags: events.signalfdFlags,
  splice_flags: events.spliceFlags,
  ioctl_request: ioctlRequest,
} as const satisfies Record<string, Decoder>;

export type FlagDecoderName = keyof typeof FLAG_DECODERS;

/** Decodes `value` with the named decoder. */
export function decodeFlags(name: FlagDecoderName, value: bigint): string {
  return FLAG_DECODERS[name](value);
}
