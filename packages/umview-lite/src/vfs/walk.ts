// Path walking through mounts, as the kernel walks: inside a mount, each component is looked
// up with getattr and a symlink is read with readlink and followed (ELOOP after 40), '..' at
// the mount's root leaves it, an absolute target starts again from '/'. Outside the mounts the
// walk is lexical: the kernel resolves the rest on the host (its symlinks too) when the call
// goes on there.
import { components } from '../paths/guest-path.js';
import type { Attributes, Caller } from './file-system.js';
import { next } from './maybe.js';
import type { Mount } from './mount.js';
import type { Mounts } from './mounts.js';
import { fail } from './errors.js';

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFIFO = 0o010000;
const MAX_LINKS = 40;

export type Walked =
  /** The file (or its place, `attrs` undefined when it does not exist) in a mount. */
  | { readonly kind: 'inside'; readonly mount: Mount; readonly path: string; readonly attrs: Attributes | undefined; readonly trailingSlash: boolean }
  /** Outside every mount: the absolute guest path the call goes on with; `entered` when the
   * walk went through a mount on the way (the path must then be given to the kernel). */
  | { readonly kind: 'outside'; readonly guest: string; readonly entered: boolean };

export const isDir = (attrs: Attributes): boolean => (attrs.mode & S_IFMT) === S_IFDIR;
export const isLink = (attrs: Attributes): boolean => (attrs.mode & S_IFMT) === S_IFLNK;

/** Walks `path` from the absolute guest directory `start`; `follow`: a final symlink is
 * followed (stat, open without O_NOFOLLOW). Throws (or rejects with) an FsError: ENOENT for a
 * missing directory on the way, ENOTDIR, ELOOP. */
export function walk(mounts: Mounts, start: string, path: string, follow: boolean, caller: Caller): Walked | Promise<Walked> {
  const queue = components(path);
  const trailingSlash = path.endsWith('/') && queue.length > 0;
  const state = { g: start === '' ? '/' : start, i: 0, links: 0, entered: false };
  return step(mounts, queue, state, follow || trailingSlash, trailingSlash, caller);
}

interface WalkState { g: string; i: number; links: number; entered: boolean }

function step(mounts: Mounts, queue: string[], s: WalkState, follow: boolean, trailingSlash: boolean, caller: Caller): Walked | Promise<Walked> {
  for (; s.i < queue.length; s.i++) {
    const c = queue[s.i]!;
    if (c === '.') continue;
    if (c === '..') {
      s.g = parent(s.g);
      continue;
    }
    const where = mounts.of(s.g);
    if (!where) {
      s.g = join(s.g, c);
      continue;
    }
    s.entered = true;
    const { mount } = where;
    const p = join(where.path, c);
    const last = s.i === queue.length - 1;
    return next(() => mount.fs.getattr(p, caller), (attrs) => {
      if (isLink(attrs) && (!last || follow)) {
        if (++s.links > MAX_LINKS) throw fail('ELOOP');
        if (!mount.fs.readlink) throw fail('EIO');
        return next(() => mount.fs.readlink!(p, caller), (target) => {
          if (target === '') throw fail('ENOENT');
          queue.splice(s.i + 1, 0, ...components(target));
          if (target.startsWith('/')) s.g = '/';
          if (target.endsWith('/')) follow = true;
          s.i++;
          return step(mounts, queue, s, follow, trailingSlash, caller);
        });
      }
      if (!last) {
        if (!isDir(attrs)) throw fail('ENOTDIR');
        s.g = join(s.g, c);
        s.i++;
        return step(mounts, queue, s, follow, trailingSlash, caller);
      }
      return { kind: 'inside', mount, path: p, attrs, trailingSlash } as const;
    }, (error) => {
      if ((error as { code?: unknown }).code === 'ENOENT' && last) return { kind: 'inside', mount, path: p, attrs: undefined, trailingSlash } as const;
      throw error;
    });
  }
  // The walk ends on a directory it stands in (the start, '.', '..', a symlink's target).
  const where = mounts.of(s.g);
  if (!where) return { kind: 'outside', guest: s.g, entered: s.entered };
  const { mount, path } = where;
  return next(() => mount.fs.getattr(path, caller), (attrs) => ({ kind: 'inside', mount, path, attrs, trailingSlash } as const));
}

export function parent(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

