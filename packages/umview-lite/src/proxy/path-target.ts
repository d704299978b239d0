// Where a path argument lands for the proxy: served by a proxy module, relative to a virtual
// directory fd, a /proc/self/fd/N magic link of a virtual fd, or nobody's.
import { readlinkSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { SyscallCall } from '@umview/sysvm';
import { AT_FDCWD, PATH_MAX } from '../linux.js';
import type { PathRewriter } from '../monitor/path-rewriter.js';
import type { ProcessState } from '../monitor/process-table.js';
import type { PathTranslator } from '../paths/translator.js';
import type { OpenFile } from './open-file.js';

const PROC_FD_LINK = /^(?:\/proc\/(self|thread-self|\d+)|\/dev)\/fd\/(\d+)(\/.*)?$/;

export interface PathTarget {
  /** A proxy module serves it, or it is relative to a virtual dirfd. */
  served: boolean;
  /** What the monitor passes: absolute, or relative to `dirfd`, the monitor's real fd. */
  host: string;
  hostPath: string;
  guest: string;
  dirfd: number;
  pointerIsNull: boolean;
}

export class PathTargets {
  constructor(
    private readonly translator: PathTranslator,
    private readonly rewriter: PathRewriter,
    /** The traced process a pid or tid belongs to. */
    private readonly traced: (pid: number) => ProcessState | undefined,
  ) {}

  /** Where path argument `arg` lands for the monitor. Undefined when the path cannot be read,
   * or (without `anyPath`) when it is not served. */
  of(call: SyscallCall, process: ProcessState, arg: number, dirfd: number, anyPath = false, fromDirfd = false): PathTarget | undefined {
    const pointer = call.ptr(arg);
    if (pointer === 0n) {
      // utimensat(fd, NULL, ...) works on the fd itself: served when the fd is virtual.
      if (!anyPath) return undefined;
      return { served: process.vfds.get(dirfd) !== undefined, host: '', hostPath: '', guest: '', dirfd: this.dirfdFor(process, dirfd), pointerIsNull: true };
    }
    let path: string;
    try {
      path = call.io.readCString(pointer, PATH_MAX);
    } catch {
      return undefined;
    }
    const magic = this.procFdLink(path, process);
    if (magic) {
      // /proc/self/fd/N of a virtual fd names the placeholder (/dev/null) to the kernel: the
      // monitor's own magic link on the real file takes its place (tar's chmod of an O_PATH fd).
      return { served: true, host: magic.host, hostPath: magic.file.hostPath, guest: magic.file.guestPath, dirfd: AT_FDCWD, pointerIsNull: false };
    }
    const virtualDir = process.vfds.host(dirfd);
    if (virtualDir && path === '') {
      // AT_EMPTY_PATH on a virtual fd: the call is on the monitor's fd itself, not on its path
      // (an O_PATH|O_NOFOLLOW fd names the symlink, its path would name the target).
      const file = virtualDir.file;
      return { served: true, host: '', hostPath: file.hostPath, guest: file.guestPath, dirfd: file.fd, pointerIsNull: false };
    }
    const { guest, host } = this.rewriter.resolve(path, dirfd, process);
    const claim = guest !== undefined ? this.translator.claimOf(guest) : undefined;
    if (host !== undefined && guest !== undefined && claim?.mode === 'proxy' && !(fromDirfd && virtualDir && !path.startsWith('/'))) {
      return { served: true, host, hostPath: host, guest, dirfd: AT_FDCWD, pointerIsNull: false };
    }
    if (virtualDir && !path.startsWith('/')) {
      // Relative to a virtual directory: the monitor's own fd on it resolves the rest.
      const joined = `${virtualDir.file.guestPath}/${path}`;
      return { served: true, host: path, hostPath: resolvePath(virtualDir.file.hostPath, path), guest: joined, dirfd: virtualDir.file.fd, pointerIsNull: false };
    }
    if (!anyPath) return undefined;
    // Not served: as the tracee would see it, made absolute against its own cwd.
    const absolute = host ?? (path.startsWith('/') ? path : absoluteFor(process, dirfd, path));
    return { served: false, host: absolute, hostPath: absolute, guest: guest ?? absolute, dirfd: AT_FDCWD, pointerIsNull: false };
  }

  /** For `/proc/{self,thread-self,<pid>}/fd/<virtual fd>[/rest]` (or `/dev/fd/...`) of the
   * tracee itself: the monitor's path to the same real file, and that file. */
  procFdLink(path: string, process: ProcessState): { host: string; file: OpenFile } | undefined {
    const link = procFdLinkOf(path, process, this.traced);
    if (!link) return undefined;
    const { rest } = link;
    const file = link.owner.vfds.host(link.fd)?.file;
    return file ? { host: `/proc/self/fd/${file.fd}${rest ?? ''}`, file } : undefined;
  }

  private dirfdFor(process: ProcessState, dirfd: number): number {
    return process.vfds.host(dirfd)?.file.fd ?? dirfd;
  }
}

/** `/proc/{self,thread-self,<pid>}/fd/<fd>[/rest]` or `/dev/fd/<fd>[/rest]` of a traced
 * process: whose fd table, which fd, and the rest of the path. */
export function procFdLinkOf(path: string, process: ProcessState, traced: (pid: number) => ProcessState | undefined): { owner: ProcessState; fd: number; rest: string | undefined } | undefined {
  const m = PROC_FD_LINK.exec(path);
  if (!m) return undefined;
  const [, who, fd, rest] = m;
  const owner = who === undefined || who === 'self' || who === 'thread-self' ? process : traced(Number(who));
  return owner ? { owner, fd: Number(fd), rest } : undefined;
}

function absoluteFor(process: ProcessState, dirfd: number, path: string): string {
  if (path === '') return path;
  try {
    const base = dirfd === AT_FDCWD ? process.hostCwd() : readlinkSync(`/proc/${process.pid}/fd/${dirfd}`);
    return resolvePath(base, path);
  } catch {
    return path;
  }
}
