import { renameSync, writeFileSync } from 'node:fs';

/** Writes `data` to `path` whole or not at all (mode 0600): a concurrent run never reads half a
 * file. */
export function atomicWrite(path: string, data: string | Uint8Array): void {
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, data, { mode: 0o600 });
  renameSync(partial, path);
}
