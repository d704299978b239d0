import { renameSync, writeFileSync } from 'node:fs';

/** Writes `data` to `path` whole or not at all (mode 0600 unless told): a concurrent run never
 * reads half a file. */
export function atomicWrite(path: string, data: string | Uint8Array, mode = 0o600): void {
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, data, { mode });
  renameSync(partial, path);
}
