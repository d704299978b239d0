// The mounted file systems, by mount point: which one a guest path is in.
import type { UmviewModule } from '../modules/module.js';
import { components } from '../paths/guest-path.js';
import type { FileSystem } from './file-system.js';
import { Mount } from './mount.js';

export class Mounts {
  /** Longest mount point first. */
  readonly list: readonly Mount[];
  /** First components of the mount points: a path naming none of them (and no '..') can only
   * reach a mount through a symlink, which the kernel resolves on the host. */
  private readonly heads: ReadonlySet<string>;

  constructor(routes: readonly { prefix: string; module: UmviewModule; mode: string }[]) {
    this.list = routes
      .filter((r) => r.mode === 'fs')
      .map((r, i) => new Mount(r.module as UmviewModule & { fileSystem: FileSystem }, r.prefix, i))
      .sort((a, b) => b.prefix.length - a.prefix.length);
    this.heads = new Set(this.list.map((m) => components(m.prefix)[0] ?? ''));
  }

  /** The mount a normalized absolute guest path is in, and the path within it. */
  of(guest: string): { mount: Mount; path: string } | undefined {
    for (const mount of this.list) {
      if (mount.prefix === '/') return { mount, path: guest };
      if (guest === mount.prefix) return { mount, path: '/' };
      if (guest.startsWith(mount.prefix) && guest.charCodeAt(mount.prefix.length) === 0x2f) return { mount, path: guest.slice(mount.prefix.length) };
    }
    return undefined;
  }

  /** Whether walking `path` may enter a mount from a directory outside them all. */
  mayEnter(path: string): boolean {
    if (this.heads.has('')) return true;
    for (const c of components(path)) if (c === '..' || this.heads.has(c)) return true;
    return false;
  }
}
