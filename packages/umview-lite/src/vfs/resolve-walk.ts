// openat2's RESOLVE_* restrictions on a walk through mounts, as the kernel applies them
// (man openat2, fs/namei.c): RESOLVE_BENEATH (never above the start directory: '..' there, an
// absolute path or symlink, a magic link are EXDEV), RESOLVE_IN_ROOT (the start directory is
// the root: '..' there stays, absolute paths and symlinks start from it), RESOLVE_NO_SYMLINKS
// (any symlink followed is ELOOP), RESOLVE_NO_MAGICLINKS (a /proc/PID/fd/N link followed is
// ELOOP: locate.ts), RESOLVE_NO_XDEV (crossing into or out of a mount is EXDEV). The plain walk
// (walk.ts) has none of these; this one is taken only by an openat2 that asks for them.
import { components } from '../paths/guest-path.js';
import { fail } from './errors.js';
import type { Caller } from './file-system.js';
import { next } from './maybe.js';
import type { Mount } from './mount.js';
import type { Mounts } from './mounts.js';
import { isDir, isLink, join, parent, type Walked } from './walk.js';

export const RESOLVE_NO_XDEV = 0x01;
export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08;
export const RESOLVE_IN_ROOT = 0x10;
export const RESOLVE_CACHED = 0x20;
export const VALID_RESOLVE = 0x3f;
const MAX_LINKS = 40;

interface State { g: string; i: number; links: number; entered: boolean; follow: boolean }

/** Walks `path` from the absolute guest directory `start` under openat2's `resolve` flags;
 * the same answer as walk() when none applies. */
export function resolveWalk(mounts: Mounts, start: string, path: string, follow: boolean, resolve: number, caller: Caller): Walked | Promise<Walked> {
  const beneath = (resolve & RESOLVE_BENEATH) !== 0;
  const inRoot = (resolve & RESOLVE_IN_ROOT) !== 0;
  const root = beneath || inRoot ? start : '/';
  const queue = components(path);
  const trailingSlash = path.endsWith('/') && queue.length > 0;
  const s: State = { g: start === '' ? '/' : start, i: 0, links: 0, entered: false, follow: follow || trailingSlash };
  if (path.startsWith('/')) {
    if (beneath) throw fail('EXDEV');
    // NO_XDEV: an absolute path argument is allowed (it starts on the root's mount).
    s.g = root;
  }
  /** The mount a guest path is in (undefined: the host), for RESOLVE_NO_XDEV. */
  const mountAt = (g: string): Mount | undefined => mounts.of(g)?.mount;
  const move = (to: string): void => {
    if ((resolve & RESOLVE_NO_XDEV) !== 0 && mountAt(to) !== mountAt(s.g)) throw fail('EXDEV');
    s.g = to;
  };
  const jumpToRoot = (): void => {
    if (beneath) throw fail('EXDEV');
    move(root);
  };

  const step = (): Walked | Promise<Walked> => {
    for (; s.i < queue.length; s.i++) {
      const c = queue[s.i]!;
      if (c === '.') continue;
      if (c === '..') {
        if (s.g === root && root !== '/') {
          if (beneath) throw fail('EXDEV');
          continue; // IN_ROOT: '..' at the root stays there, as at '/'
        }
        move(parent(s.g));
        continue;
      }
      const where = mounts.of(s.g);
      if (!where) {
        move(join(s.g, c));
        continue;
      }
      s.entered = true;
      const { mount } = where;
      const p = join(where.path, c);
      const last = s.i === queue.length - 1;
      return next(() => mount.fs.getattr(p, caller), (attrs) => {
        if (isLink(attrs) && (!last || s.follow)) {
          if ((resolve & RESOLVE_NO_SYMLINKS) !== 0) throw fail('ELOOP');
          if (++s.links > MAX_LINKS) throw fail('ELOOP');
          if (!mount.fs.readlink) throw fail('EIO');
          return next(() => mount.fs.readlink!(p, caller), (target) => {
            if (target === '') throw fail('ENOENT');
            queue.splice(s.i + 1, 0, ...components(target));
            if (target.startsWith('/')) jumpToRoot();
            if (target.endsWith('/')) s.follow = true;
            s.i++;
            return step();
          });
        }
        if (!last) {
          if (!isDir(attrs)) throw fail('ENOTDIR');
          move(join(s.g, c));
          s.i++;
          return step();
        }
        return { kind: 'inside', mount, path: p, attrs, trailingSlash } as const;
      }, (error) => {
        if ((error as { code?: unknown }).code === 'ENOENT' && last) return { kind: 'inside', mount, path: p, attrs: undefined, trailingSlash } as const;
        throw error;
      });
    }
    const where = mounts.of(s.g);
    if (!where) {
      // Left the mounts after entering one: the kernel would go on with an absolute path it
      // cannot scope (BENEATH refuses it, IN_ROOT would start from the dirfd again). A scoped
      // lookup that cannot be checked fails with EXDEV, as the kernel's does after a race.
      if (s.entered && (beneath || inRoot)) throw fail('EXDEV');
      return { kind: 'outside', guest: s.g, entered: s.entered };
    }
    const { mount, path: inside } = where;
    return next(() => mount.fs.getattr(inside, caller), (attrs) => ({ kind: 'inside', mount, path: inside, attrs, trailingSlash } as const));
  };
  return step();
}
