// Path resolution in the guest's view, as the kernel would do it if DIR were '/': each
// component is looked up on the host through the namespace, a symlink is read and followed in
// the guest (an absolute target starts again at the guest's '/', never the host's), '..' is
// the guest parent and stops at the guest's '/' (also from a bind's mount point). The kernel
// is then handed a host path with nothing left to resolve, save what it must fail on as it
// would natively (a missing or non-directory component, appended as it was).
import { readlinkSync } from 'node:fs';
import { ERRNO } from '@umview/ptrace-core';
import { components } from '../paths/guest-path.js';
import { DIRECTORY, LINK, MISSING, OTHER, fileKind as kindOf } from '../monitor/monitor-stat.js';
import { KnownPaths } from './known-paths.js';
import type { GuestNamespace } from './namespace.js';

/** The kernel's limit on symlinks followed in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

export interface GuestPath {
  /** Canonical absolute guest path (the last component unfollowed when asked so). */
  readonly guest: string;
  /** The host path the kernel should be given. */
  readonly host: string;
}

export type Resolved = GuestPath | { readonly errno: number };

/** The thread a path is resolved for: /proc/self is its process, not the monitor. */
export interface Resolving {
  readonly pid: number;
  readonly tid: number;
}

/** Resolves guest paths through a namespace, remembering the directories and symlinks it
 * walked (the tree's unlinks, rmdirs and renames make it forget them: see KnownPaths). */
export class GuestResolver {
  readonly known = new KnownPaths();

  constructor(readonly namespace: GuestNamespace) {}

  /**
   * Resolves `path` from the guest directory `start` (a canonical guest path; ignored for an
   * absolute path), taking the names in `known` as they were seen. `followLast`:
   * whether a symlink in the last component is followed (open, stat) or named itself (lstat,
   * unlink, O_NOFOLLOW). A trailing '/' follows it always, as the kernel does.
   */
  resolve(start: string, path: string, followLast: boolean, self?: Resolving): Resolved {
    const trailingSlash = path.length > 1 && path.endsWith('/');
    let guest = path.startsWith('/') ? '/' : start;
    /** The host path of `guest`, when the walk looked it up (else computed at the end). */
    let guestHost: string | undefined;
    let queue: string[];
    // Most paths are absolute and canonical below a known directory (`ls -lR /usr/share`'s
    // statx and getxattr of each entry): the walk starts there, at its last component. A path
    // with '.', '..' or '//' anywhere (or a name starting with '.') takes the whole walk.
    const lastSlash = path.lastIndexOf('/');
    const parent = lastSlash > 0 && !trailingSlash && guest === '/' && !path.includes('/.') && !path.includes('//') ? this.known.get(path.slice(0, lastSlash)) : undefined;
    if (parent !== undefined && 'directory' in parent) {
      guest = path.slice(0, lastSlash);
      guestHost = parent.directory;
      queue = [path.slice(lastSlash + 1)];
    } else {
      queue = components(path);
    }
    let links = 0;
    for (let i = 0; i < queue.length; i++) {
      const name = queue[i]!;
      if (name === '.') continue;
      if (name === '..') {
        guest = parentOf(guest);
        guestHost = undefined;
        continue;
      }
      const next = guest === '/' ? `/${name}` : `${guest}/${name}`;
      const last = i === queue.length - 1;
      if (last && !followLast && !trailingSlash) {
        guest = next;
        guestHost = undefined;
        break;
      }
      const known = this.known.get(next);
      if (known !== undefined && 'directory' in known) {
        guest = next;
        guestHost = known.directory;
        continue;
      }
      const host = this.namespace.toHost(next);
      const kind = known === undefined ? kindOf(host) : LINK;
      if (kind === LINK) {
        if (++links > MAX_LINKS) return { errno: ERRNO.ELOOP };
        let target: string;
        if (known !== undefined) {
          target = known.link;
        } else if (host === '/proc/self' || host === '/proc/thread-self') {
          if (self === undefined) return { guest: next, host }; // the monitor's own: not asked for
          target = host === '/proc/self' ? `${self.pid}` : `${self.pid}/task/${self.tid}`;
        } else if (MAGIC_LINK.test(host)) {
          // /proc/PID/fd/N, cwd, exe, root: the kernel follows them to the object itself (a
          // pipe, a deleted file), which no path names; the rest is its to resolve.
          const rest = queue.slice(i + 1).join('/');
          const tail = (rest === '' ? '' : `/${rest}`) + (trailingSlash ? '/' : '');
          return { guest: next + tail, host: host + tail };
        } else {
          try {
            target = readlinkSync(host);
          } catch {
            return { guest: next, host }; // gone meanwhile: the kernel says what it is now
          }
          if (!host.startsWith('/proc/')) this.known.addLink(next, target); // not /proc's: they come and go
        }
        if (target.startsWith('/')) {
          guest = '/';
          guestHost = undefined;
        }
        // The target's components replace the link's; an empty target is ENOENT natively.
        if (target === '') return { guest: next, host };
        queue.splice(i + 1, 0, ...components(target));
        continue;
      }
      if (kind === MISSING || (kind === OTHER && !last)) {
        // The kernel fails the call here (ENOENT, ENOTDIR) or creates the last component: the
        // rest goes to it as it is.
        const rest = queue.slice(i + 1).join('/');
        const tail = rest === '' ? '' : `/${rest}`;
        const slash = trailingSlash ? '/' : '';
        return { guest: next + tail + slash, host: host + tail + slash };
      }
      guest = next;
      guestHost = host;
      if (kind === DIRECTORY && !host.startsWith('/proc/')) this.known.addDirectory(next, host); // not /proc's: they come and go
    }
    const slash = trailingSlash && guest !== '/' ? '/' : '';
    return { guest: guest + slash, host: (guestHost ?? this.namespace.toHost(guest)) + slash };
  }
}

/** A symlink of procfs below a process (the host's /proc, seen through a bind). */
const MAGIC_LINK = /^\/proc\/\d+\//;

function parentOf(guest: string): string {
  const i = guest.lastIndexOf('/');
  return i <= 0 ? '/' : guest.slice(0, i);
}
