// Where fake root's metadata store lives by default: for a guest root DIR, a file of the user's
// beside DIR (`.DIR-name.umview-meta`, never inside the guest's view, where the guest could
// edit it); without one, in the user's data directory.
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';

export function defaultMetaFile(rootfs: string | undefined): string {
  if (rootfs !== undefined) return join(dirname(rootfs), `.${basename(rootfs)}.umview-meta`);
  const data = process.env.XDG_DATA_HOME?.startsWith('/') ? process.env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(data, 'umview-lite', 'fake-root.meta');
}
