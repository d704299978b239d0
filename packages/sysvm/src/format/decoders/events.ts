// Waiting and event fds: poll, epoll, eventfd, timerfd, signalfd, splice.
import { flagsDecoder, valueDecoder, type Decoder } from '../xlat.js';

export const pollEvents: Decoder = flagsDecoder([
  ['POLLIN', 0x1], ['POLLPRI', 0x2], ['POLLOUT', 0x4], ['POLLERR', 0x8], ['POLLHUP', 0x10],
  ['POLLNVAL', 0x20], ['POLLRDNORM', 0x40], ['POLLRDBAND', 0x80], ['POLLWRNORM', 0x100],
  ['POLLWRBAND', 0x200], ['POLLMSG', 0x400], ['POLLREMOVE', 0x1000], ['POLLRDHUP', 0x2000],
], { width: 32, unknown: 'POLL???' });

export const epollEvents: Decoder = flagsDecoder([
  ['EPOLLIN', 0x1], ['EPOLLPRI', 0x2], ['EPOLLOUT', 0x4], ['EPOLLERR', 0x8], ['EPOLLHUP', 0x10],
  ['EPOLLNVAL', 0x20], ['EPOLLRDNORM', 0x40], ['EPOLLRDBAND', 0x80], ['EPOLLWRNORM', 0x100],
  ['EPOLLWRBAND', 0x200], ['EPOLLMSG', 0x400], ['EPOLLRDHUP', 0x2000], ['EPOLL_URING_WAKE', 0x8000000],
  ['EPOLLEXCLUSIVE', 0x10000000], ['EPOLLWAKEUP', 0x20000000], ['EPOLLONESHOT', 0x40000000],
  ['EPOLLET', 0x80000000],
], { width: 32, unknown: 'EPOLL???' });

export const epollCreateFlags: Decoder = flagsDecoder([['EPOLL_CLOEXEC', 0o2000000]], { width: 32, unknown: 'EPOLL_???' });

export const epollCtlOp: Decoder = valueDecoder(
  [['EPOLL_CTL_ADD', 1], ['EPOLL_CTL_DEL', 2], ['EPOLL_CTL_MOD', 3]], { width: 32, unknown: 'EPOLL_CTL_???' });

export const eventfdFlags: Decoder = flagsDecoder(
  [['EFD_SEMAPHORE', 1], ['EFD_CLOEXEC', 0o2000000], ['EFD_NONBLOCK', 0o4000]], { width: 32, unknown: 'EFD_???' });

export const timerfdFlags: Decoder = flagsDecoder(
  [['TFD_CLOEXEC', 0o2000000], ['TFD_NONBLOCK', 0o4000]], { width: 32, unknown: 'TFD_???' });

export const signalfdFlags: Decoder = flagsDecoder(
  [['SFD_CLOEXEC', 0o2000000], ['SFD_NONBLOCK', 0o4000]], { width: 32, unknown: 'SFD_???' });

export const spliceFlags: Decoder = flagsDecoder(
  [['SPLICE_F_MOVE', 1], ['SPLICE_F_NONBLOCK', 2], ['SPLICE_F_MORE', 4], ['SPLICE_F_GIFT', 8]],
  { width: 32, unknown: 'SPLICE_F_???' });
