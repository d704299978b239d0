// chown and chmod run by the monitor itself, on a path it resolved for a tracee's call (the
// guest root's, or an fd's /proc link): fake root answers those calls at their stop with the
// kernel's own verdict, as the user, instead of letting the tracee make them and reading the
// result at an exit stop (guest/at-stop.ts). The same credentials make the same call: the
// monitor runs with the tree's real ids, which fake root never changes.
import { getLibc } from '@umview/ptrace-core/internal';
import { ERRNO, syscallNumber } from '@umview/ptrace-core';
import { AT_FDCWD } from '../linux.js';
import { PinnedPath } from './pinned-path.js';

const AT_SYMLINK_NOFOLLOW = 0x100;
const FCHOWNAT = syscallNumber('fchownat')!;
const FCHMODAT = syscallNumber('fchmodat')!;
/** chown's "leave it": the kernel checks the path and changes no owner. */
const UNCHANGED = -1;

export class MonitorFileCalls {
  private readonly libc = getLibc();
  private readonly path = new PinnedPath();

  /** chown(`path`, -1, -1) (`follow`: its last symlink followed): 0 or -errno. */
  chownUnchanged(path: string, follow: boolean): number {
    if (!this.path.set(path)) return -ERRNO.ENAMETOOLONG;
    return this.result(this.libc.syscall6(FCHOWNAT, AT_FDCWD, this.path.address, UNCHANGED, UNCHANGED, follow ? 0 : AT_SYMLINK_NOFOLLOW, 0));
  }

  /** chmod(`path`, `mode`), its symlinks followed (the syscall has no flag): 0 or -errno. */
  chmod(path: string, mode: number): number {
    if (!this.path.set(path)) return -ERRNO.ENAMETOOLONG;
    return this.result(this.libc.syscall6(FCHMODAT, AT_FDCWD, this.path.address, mode, 0, 0, 0));
  }

  private result(value: number): number {
    return value < 0 ? -this.libc.errno() : value;
  }
}
