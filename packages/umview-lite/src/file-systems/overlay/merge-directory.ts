// Directory merging: what readdir shows of a directory is its upper entries, then the lower
// entries that no upper entry, whiteout or opaque marker hides; the layer's own `.wh.` files
// never show. Each entry carries its type and inode number, as getattr will give them.
import { readdirSync, type BigIntStats } from 'node:fs';
import { FsError, type DirectoryEntry } from '../../vfs/file-system.js';
import type { InodeNumbers } from './inode-numbers.js';
import { existing, hostPath, lstatOrUndefined, type Layers } from './layers.js';
import { WHITEOUT_PREFIX, isLayerName } from './names.js';

export function mergedEntries(layers: Layers, inodes: InodeNumbers, path: string): DirectoryEntry[] {
  const found = existing(layers, path);
  if (!found.shown.isDirectory()) throw new FsError('ENOTDIR');
  const entries = new Map<string, DirectoryEntry>();
  const hidden = new Set<string>();
  const add = (directory: string, name: string): void => {
    const stats: BigIntStats | undefined = lstatOrUndefined(`${directory}/${name}`);
    if (stats) entries.set(name, { name, mode: Number(stats.mode) & 0o170000, ino: inodes.numberFor(stats) });
  };
  if (found.upper) {
    const directory = hostPath(layers.upper, path);
    for (const name of readdirSync(directory)) {
      if (isLayerName(name)) hidden.add(name.slice(WHITEOUT_PREFIX.length));
      else add(directory, name);
    }
  }
  if (found.lower) {
    const directory = hostPath(layers.lower, path);
    for (const name of readdirSync(directory)) {
      if (!entries.has(name) && !hidden.has(name) && !isLayerName(name)) add(directory, name);
    }
  }
  return [...entries.values()];
}

/** Whether the overlay shows the directory `path` empty (rmdir's and rename's test). */
export function isEmptyDirectory(layers: Layers, inodes: InodeNumbers, path: string): boolean {
  return mergedEntries(layers, inodes, path).length === 0;
}
