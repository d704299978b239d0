// The guest's file-system namespace under `-r DIR`: DIR is the guest's '/', and binds
// (`-b HOST:GUEST`) show host directories at guest paths, as mounts would. Pure path
// arithmetic on canonical paths (no '.', '..' or symlinks: resolver.ts makes them so).
import { below, trimSlashes } from '../paths/guest-path.js';

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
    const all = [{ host: root, guest: '/' }, ...binds.map((b) => ({ host: trimSlashes(b.host), guest: trimSlashes(b.guest) }))];
    this.byGuest = [...all].sort((a, b) => b.guest.length - a.guest.length);
    this.byHost = [...all].sort((a, b) => b.host.length - a.host.length);
  }

  /** The host path of a canonical absolute guest path. */
  toHost(guest: string): string {
    for (const mount of this.byGuest) {
      const rest = below(guest, mount.guest);
      if (rest !== undefined) return rest === '' ? mount.host : mount.host === '/' ? rest : mount.host + rest;
    }
    return guest; // unreachable: '/' is below the root mount
  }

  /** The guest path of a host path, or undefined when the guest cannot name it (outside DIR
   * and every bind). */
  toGuest(host: string): string | undefined {
    for (const mount of this.byHost) {
      const rest = below(host, mount.host);
      if (rest !== undefined) return rest === '' ? mount.guest : mount.guest === '/' ? rest : mount.guest + rest;
    }
    return undefined;
  }
}
