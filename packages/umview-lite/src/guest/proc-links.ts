// readlink of /proc/PID/{exe,cwd,root,fd/N} under a guest root: the kernel answers with host
// paths (DIR/usr/bin/x, or the guest's loader for a program it started); the guest must see its
// own paths, as it does natively.
import type { GuestNamespace } from './namespace.js';

const PROC_LINK = /^\/proc\/(\d+)(?:\/task\/\d+)?\/(exe|cwd|root|fd\/\d+)$/;

export interface ProcLink {
  readonly pid: number;
  readonly kind: 'exe' | 'cwd' | 'root' | 'fd';
}

/** The /proc link a host path names, if it is one whose target the guest sees differently. */
export function procLinkOf(host: string): ProcLink | undefined {
  const m = PROC_LINK.exec(host);
  if (m === null) return undefined;
  const name = m[2]!;
  return { pid: Number(m[1]), kind: name.startsWith('fd/') ? 'fd' : (name as ProcLink['kind']) };
}

/** The guest's answer for a link whose host target is `target`: a host path the guest can name
 * becomes its guest path; anything else ('pipe:[…]', a path outside DIR) is left as it is.
 * `exe` is the guest program the monitor started through the guest's loader, if it did. */
export function guestTarget(namespace: GuestNamespace, link: ProcLink, target: string, exe: string | undefined): string {
  if (link.kind === 'root') return '/';
  if (link.kind === 'exe' && exe !== undefined) return exe;
  if (!target.startsWith('/')) return target;
  const deleted = target.endsWith(' (deleted)') ? ' (deleted)' : '';
  const guest = namespace.toGuest(deleted ? target.slice(0, -deleted.length) : target);
  return guest === undefined ? target : guest + deleted;
}
