// Rewrites the path arguments of a call for the kernel: a path a module serves becomes its
// host path, placed below the tracee's stack for the time of the call.
//
// The kernel does the work wherever it can, as in PRoot's remap: an absolute path is
// translated as it is (the kernel resolves its '..' and symlinks on the host, which for a
// prefix that maps a whole tree is what the guest expects). A relative path is left to the
// kernel too (the tracee's real cwd and dirfds are host directories already), unless it names
// a served prefix or climbs, with '..', out of a directory where the host's parent is not the
// guest's (a bind mount's root): only then is it walked here, component by component,
// following symlinks on the host as the kernel would, and given to the kernel as an absolute
// host path. So `sd/../g` stays physical (a symlink's '..' is its target's parent) and
// openat2's RESOLVE_BENEATH still sees a relative path.
import { readlinkSync } from 'node:fs';
import { DIRECTORY, LINK, fileKind } from './monitor-stat.js';
import type { SyscallCall } from '@umview/sysvm';
import { components, trimSlashes } from '../paths/guest-path.js';
import type { PathArg } from '../paths/path-syscalls.js';
import type { PathTranslator } from '../paths/translator.js';
import { scriptNeedsMonitor } from './exec.js';
import type { ProcessState } from './process-table.js';
import { AT_FDCWD, PATH_MAX } from '../linux.js';

const MAX_LINKS = 40; // the kernel's limit on symlinks in one lookup

export interface RewrittenPath {
  arg: number;
  /** The path as the program gave it. */
  original: string;
  /** Absolute guest path, when it was computed. */
  guest: string | undefined;
  /** The host path the call reaches, when the path is served, starts in a served directory,
   * or (execve) is a script whose interpreter is served. */
  host: string | undefined;
  /** True when the argument was replaced by `host` (else the kernel resolves the original to
   * the same place by itself). */
  rewritten: boolean;
}

export interface Resolution {
  guest: string | undefined;
  host: string | undefined;
  /** The kernel must be given `host` instead of the original path. */
  rewrite: boolean;
}

const NONE: Resolution = { guest: undefined, host: undefined, rewrite: false };

export class PathRewriter {
  constructor(private readonly translator: PathTranslator) {}

  /** Rewrites served paths in place; returns what it found for each path argument. */
  rewrite(call: SyscallCall, process: ProcessState, args: readonly PathArg[]): RewrittenPath[] {
    const out: RewrittenPath[] = [];
    const forExec = call.name === 'execve' || call.name === 'execveat';
    for (const { arg, dirfd } of args) {
      const pointer = call.ptr(arg);
      if (pointer === 0n) continue;
      let original: string;
      try {
        original = call.io.readCString(pointer, PATH_MAX);
      } catch {
        continue; // unreadable or too long: the kernel fails the call as it would natively
      }
      const { guest, host, rewrite } = this.resolve(original, dirfd === null ? AT_FDCWD : call.int(dirfd), process, forExec);
      if (rewrite && host !== undefined) call.setArg(arg, call.placeString(host));
      out.push({ arg, original, guest, host, rewritten: rewrite && host !== undefined });
    }
    return out;
  }

  /** Where `path` (relative to `dirfd`) lands: its guest path, its host path if served, and
   * whether the kernel needs the host path instead of the original. With `forExec`, a path
   * nobody serves is still reported (host = its host path) when it is a `#!` script whose
   * interpreter is served: the monitor must run that interpreter itself. */
  resolve(path: string, dirfd: number, process: ProcessState, forExec = false): Resolution {
    if (path.startsWith('/')) {
      const resolution = this.resolveAbsolute(path);
      if (forExec && resolution.host === undefined && scriptNeedsMonitor(path, this.translator)) return { guest: path, host: path, rewrite: false };
      return resolution;
    }
    const parts = components(path);
    const heads = this.translator.namesPrefix(parts);
    const start = this.servedStart(dirfd, process);
    if (!start) {
      if (!heads) return forExec ? this.execFromHost(path, dirfd, process) : NONE;
      const base = this.hostStart(dirfd, process);
      if (base === undefined) return NONE;
      const walked = this.walk(base, base, parts, path.endsWith('/'));
      return walked.rewrite ? walked : forExec ? this.execFromHost(path, dirfd, process) : NONE;
    }
    if (!heads && !parts.includes('..')) {
      const rest = parts.filter((c) => c !== '.').join('/');
      // A trailing '/' or '/.' names the directory a symlink points to, not the link: kept.
      const slash = (path.endsWith('/') || parts.at(-1) === '.') && rest ? '/' : '';
      return { guest: join(start.guest, rest) + slash, host: join(start.host, rest) + slash, rewrite: false };
    }
    // The host path of the start, exactly (not as it was named when the cwd was set).
    const host = dirfd === AT_FDCWD ? safe(() => process.hostCwd()) ?? start.host : start.host;
    return this.walk(start.guest, host, parts, path.endsWith('/'));
  }

  /** Where an absolute path lands (resolve() for one; the let-through's rewrites at the stop
   * use it too, so that both ways give one answer). Without `needGuest`, the guest path may be
   * left unknown where the host path needs no walk to find (PathTranslator.rootMappedTail:
   * `ls -la` stats and reads the xattrs of every `dir/..` through /unreal). */
  resolveAbsolute(path: string, needGuest = true): Resolution {
    if (path.includes('/..') && this.translator.namesPrefix(components(path))) {
      const tail = needGuest ? undefined : this.translator.rootMappedTail(path);
      if (tail !== undefined) return { guest: undefined, host: tail, rewrite: true };
      // '..' may cross a served prefix (`/unreal/../unreal/x`, `/tmp/../unreal/x`, a bind
      // root): walk it from the root.
      const root = this.translator.translate('/');
      const walked = this.walk('/', root ?? '/', components(path), path.endsWith('/'));
      return walked.rewrite ? walked : { guest: path, host: undefined, rewrite: false };
    }
    const host = this.translator.translate(path);
    return { guest: path, host, rewrite: host !== undefined };
  }

  /** The guest and host paths of a served start directory (the cwd or a dirfd), if it is one. */
  private servedStart(dirfd: number, process: ProcessState): { guest: string; host: string } | undefined {
    if (dirfd === AT_FDCWD) {
      const guest = process.guestCwd;
      if (guest === undefined) return undefined;
      return { guest, host: this.translator.translate(guest) ?? guest };
    }
    const dir = process.dirFd(dirfd);
    if (!dir) return undefined;
    const guest = this.translator.guestName(dir.hostPath, dir.guestPath) ?? trimSlashes(dir.guestPath);
    return { guest, host: dir.hostPath };
  }

  /** The host path of a start directory nobody serves. */
  private hostStart(dirfd: number, process: ProcessState): string | undefined {
    return safe(() => (dirfd === AT_FDCWD ? process.hostCwd() : readlinkSync(`/proc/${process.pid}/fd/${dirfd}`)));
  }

  /** An execve of a relative path from a directory nobody serves: reported only when it is a
   * script whose interpreter is served. */
  private execFromHost(path: string, dirfd: number, process: ProcessState): Resolution {
    const base = this.hostStart(dirfd, process);
    if (base === undefined) return NONE;
    const host = join(base, path);
    return scriptNeedsMonitor(host, this.translator) ? { guest: host, host, rewrite: false } : NONE;
  }

  /**
   * Resolves `parts` from a start directory known by its guest path `g0` and host path `h0`,
   * as the kernel would on the guest's tree: `..` goes to the guest parent (rewriting the path
   * when that is not the host parent), a component that enters a served prefix is translated,
   * and a symlink followed by `..` or `.` is read and followed (an absolute target is a host
   * path, as the kernel sees it). The last component is never followed: the call decides
   * (O_NOFOLLOW, lstat). A component that is not a directory, or is missing, ends the walk:
   * the rest goes to the kernel as it is, which fails the call as it would natively.
   */
  private walk(g0: string, h0: string, parts: readonly string[], trailingSlash: boolean): Resolution {
    let g = g0;
    let h = h0;
    let rewrite = false;
    let knownDir = true;
    /** Set after following an absolute symlink: from there on the path is the host's. */
    let hostOnly = false;
    let hintBeforeJump: string | undefined;
    let links = 0;
    const queue = [...parts];
    for (let i = 0; i < queue.length; i++) {
      const c = queue[i]!;
      if (c === '.' || c === '..') {
        if (!knownDir) {
          const kind = kindOf(h);
          if (kind === 'link' && ++links <= MAX_LINKS) {
            const target = safe(() => readlinkSync(h)) ?? '';
            queue.splice(i, 0, ...components(target));
            i--;
            if (target.startsWith('/')) {
              if (!hostOnly && this.translator.translate(g) !== undefined) hintBeforeJump = g;
              g = '/';
              h = '/';
              hostOnly = true;
            } else {
              g = parent(g);
              h = parent(h);
            }
            knownDir = true;
            continue;
          }
          if (kind !== 'dir') {
            const rest = queue.slice(i).join('/');
            return this.result(join(g, rest), join(h, rest), rewrite, hostOnly, hintBeforeJump);
          }
          knownDir = true;
        }
        if (c === '..') {
          const gp = parent(g);
          const hp = hostOnly ? parent(h) : this.translator.translate(gp) ?? gp;
          if (hp !== parent(h)) rewrite = true;
          g = gp;
          h = hp;
        }
        continue;
      }
      g = join(g, c);
      const natural = join(h, c);
      const th = hostOnly ? natural : this.translator.translate(g) ?? g;
      if (th !== natural) rewrite = true;
      h = th;
      knownDir = false;
    }
    if (trailingSlash && !knownDir) {
      g += '/';
      h += '/';
    }
    return this.result(g, h, rewrite, hostOnly, hintBeforeJump);
  }

  private result(g: string, h: string, rewrite: boolean, hostOnly: boolean, hint: string | undefined): Resolution {
    // After a jump through an absolute symlink, the guest name keeps the prefixes that led to
    // the link (as getcwd does after a chdir through it).
    const guest = hostOnly ? (hint !== undefined ? this.translator.guestName(h, hint) : undefined) ?? h : g;
    return { guest, host: h, rewrite };
  }
}

function kindOf(path: string): 'dir' | 'link' | 'other' {
  const kind = fileKind(path);
  return kind === LINK ? 'link' : kind === DIRECTORY ? 'dir' : 'other';
}

function parent(path: string): string {
  if (path === '/') return '/';
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function join(dir: string, rest: string): string {
  if (!rest) return dir;
  return dir.endsWith('/') ? dir + rest : `${dir}/${rest}`;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
