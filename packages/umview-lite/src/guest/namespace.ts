// The guest's file-system namespace under `-r DIR`: DIR is the guest's '/', and binds
// (`-b HOST:GUEST`) show host directories at guest paths, as mounts would. Pure path
// arithmetic on canonical paths (no '.', '..', '//' or symlinks: resolver.ts makes guest paths
// so, and the kernel's /proc links give host paths so), which a string prefix test decides: this
// runs for each component of each path the guest names.
import { trimSlashes } from '../paths/guest-path.js';

export interface Bind {
  /** The host directory (or file) shown. */
  readonly host: string;
  /** Where the guest sees it: an absolute guest path. */
  readonly guest: string;
}

export class GuestNamespace {
  /** Guest '/' first, then the binds: longest guest path first (the innermost mount wins). */
  private readonly byGuest: readonly Bind[];
  /** The same, longest host path first (a host path under a bind inside DIR is named through
   * the bind that shows the most of it). */
  private readonly byHost: readonly Bind[];

  constructor(readonly root: string, binds: readonly Bind[]) {
    const all = [{ host: trimSlashes(root), guest: '/' }, ...binds.map((b) => ({ host: trimSlashes(b.host), guest: trimSlashes(b.guest) }))];
    this.byGuest = [...all].sort((a, b) => b.guest.length - a.guest.length);
    this.byHost = [...all].sort((a, b) => b.host.length - a.host.length);
  }

  /** The host path of a canonical absolute guest path. */
  toHost(guest: string): string {
    for (const mount of this.byGuest) {
      const rest = rebase(guest, mount.guest);
      if (rest !== undefined) return join(mount.host, rest);
    }
    return guest; // unreachable: '/' is below the root mount
  }

  /** The guest path of a canonical host path, or undefined when the guest cannot name it
   * (outside DIR and every bind). */
  toGuest(host: string): string | undefined {
    for (const mount of this.byHost) {
      const rest = rebase(host, mount.host);
      if (rest !== undefined) return join(mount.guest, rest);
    }
    return undefined;
  }
}

/** The part of `path` below `prefix` ('' for the prefix itself, '/x' below it), or undefined
 * when it is not below it; both canonical. */
function rebase(path: string, prefix: string): string | undefined {
  if (prefix === '/') return path === '/' ? '' : path;
  if (!path.startsWith(prefix)) return undefined;
  if (path.length === prefix.length) return '';
  return path.charCodeAt(prefix.length) === 0x2f ? path.slice(prefix.length) : undefined;
}

function join(base: string, rest: string): string {
  return rest === '' ? base : base === '/' ? rest : base + rest;
}
