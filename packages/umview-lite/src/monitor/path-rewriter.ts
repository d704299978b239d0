// Rewrites the path arguments of a call for the kernel: a path a module serves becomes its
// host path, placed below the tracee's stack for the time of the call.
//
// Absolute paths are translated as they are. A relative path is left to the kernel (the
// tracee's real cwd and dirfds are host directories already) unless it could reach a served
// prefix or climb out of a served directory: then it is resolved lexically against the guest
// view of its start directory and translated.
import { readlinkSync } from 'node:fs';
import type { SyscallCall } from '@umview/sysvm';
import { climbs, components, resolveFrom } from '../paths/guest-path.js';
import type { PathArg } from '../paths/path-syscalls.js';
import type { PathTranslator } from '../paths/translator.js';
import type { ProcessState } from './process-table.js';

const AT_FDCWD = -100;
const PATH_MAX = 4096;

export interface RewrittenPath {
  arg: number;
  /** The path as the program gave it. */
  original: string;
  /** Absolute guest path (lexical), when it was computed. */
  guest: string | undefined;
  /** The host path given to the kernel, when the path is served. */
  host: string | undefined;
}

export class PathRewriter {
  constructor(private readonly translator: PathTranslator) {}

  /** Rewrites served paths in place; returns what it found for each path argument. */
  rewrite(call: SyscallCall, process: ProcessState, args: readonly PathArg[]): RewrittenPath[] {
    const out: RewrittenPath[] = [];
    for (const { arg, dirfd } of args) {
      const pointer = call.ptr(arg);
      if (pointer === 0n) continue;
      let original: string;
      try {
        original = call.io.readCString(pointer, PATH_MAX);
      } catch {
        continue; // unreadable or too long: the kernel fails the call as it would natively
      }
      const { guest, host } = this.resolve(original, dirfd === null ? AT_FDCWD : call.int(dirfd), process);
      if (host !== undefined) call.setArg(arg, call.placeString(host));
      out.push({ arg, original, guest, host });
    }
    return out;
  }

  /** Where `path` (relative to `dirfd`) lands: its guest path, and its host path if served. */
  resolve(path: string, dirfd: number, process: ProcessState): { guest: string | undefined; host: string | undefined } {
    if (path.startsWith('/')) return { guest: path, host: this.translator.translate(path) };
    const startIsServed = dirfd === AT_FDCWD ? process.guestCwd !== undefined : process.dirFd(dirfd) !== undefined;
    const mayReachPrefix = components(path).some((c) => this.translator.prefixHeads.has(c));
    if (!mayReachPrefix && !(startIsServed && climbs(path))) return { guest: undefined, host: undefined };
    const base = this.startDirectory(dirfd, process);
    if (base === undefined) return { guest: undefined, host: undefined };
    const guest = resolveFrom(base, path);
    const host = this.translator.translate(guest);
    // Climbing out of a served directory to a path nobody serves: the guest path is the host
    // path, and the kernel must not resolve '..' from the host directory.
    return { guest, host: host ?? (startIsServed ? guest : undefined) };
  }

  private startDirectory(dirfd: number, process: ProcessState): string | undefined {
    try {
      if (dirfd === AT_FDCWD) return process.cwd();
      return process.dirFd(dirfd)?.guestPath ?? readlinkSync(`/proc/${process.pid}/fd/${dirfd}`);
    } catch {
      return undefined;
    }
  }
}
