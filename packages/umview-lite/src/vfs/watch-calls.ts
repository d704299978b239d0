// inotify_add_watch on a served path. The kernel watches inodes it has, and a module's files
// are not the kernel's: a watch cannot be put on them. FUSE can (its files are kernel inodes),
// but only changes made through the mount raise events there. The dispatcher could only fake
// a watch that never fires, and a program waiting on it would wait for ever; so the call fails
// with EOPNOTSUPP (ENOTSUP), "not supported for this object", after the checks the kernel
// makes first (the mask, the inotify fd, the path: ENOENT, ENOTDIR, EACCES stay as natively).
// Programs that watch (tail -f, file managers) then fall back to polling.
import { readlinkSync } from 'node:fs';
import { fail } from './errors.js';
import { withPaths } from './locate.js';
import { next } from './maybe.js';
import { existing, permits, type CallHandler } from './stat-calls.js';
import type { TraceeCaller } from './caller.js';
import { isDir, isLink } from './walk.js';

const IN_ALL_EVENTS = 0x00000fff;
const IN_ONLYDIR = 0x01000000;
const IN_DONT_FOLLOW = 0x02000000;
const IN_MASK_CREATE = 0x10000000;
const IN_MASK_ADD = 0x20000000;
const R_OK = 4;

export const inotifyAddWatchCall: CallHandler = (ctx, call, process) => {
  const mask = call.uint(2);
  return withPaths(ctx, call, process, [{ arg: 1, dirfd: null, follow: (mask & IN_DONT_FOLLOW) === 0 }], ([l], caller) => {
    if ((mask & IN_ALL_EVENTS) === 0 || ((mask & IN_MASK_ADD) !== 0 && (mask & IN_MASK_CREATE) !== 0)) throw fail('EINVAL');
    let target: string;
    try {
      target = readlinkSync(`/proc/${process.pid}/fd/${call.int(0)}`);
    } catch {
      throw fail('EBADF');
    }
    if (target !== 'anon_inode:inotify') throw fail('EINVAL');
    return next(() => existing(l!, caller), ({ attrs }) => {
      if ((mask & IN_ONLYDIR) !== 0 && !isDir(attrs)) throw fail('ENOTDIR');
      if (!isLink(attrs) && !permits(attrs, R_OK, caller as TraceeCaller)) throw fail('EACCES');
      throw fail('EOPNOTSUPP');
    });
  }, () => undefined);
};
