// Directory merging: what readdir shows of a directory is its upper entries, then the lower
// entries that no upper entry, whiteout or opaque marker hides; the layer's own `.wh.` files
// never show. Each entry carries its type and inode number, as getattr will give them. A lower
// directory is read without touching its atime where the user may ask that (O_NOATIME).
import { constants, openSync } from 'node:fs';
import { FsError, type DirectoryEntry } from '../../vfs/file-system.js';
import { openLowerForReading } from './copy-up.js';
import { readDirectory, type HostDirectoryEntry } from './host-calls.js';
import type { InodeNumbers } from './inode-numbers.js';
import { existing, hostPath, type Layers } from './layers.js';
import { WHITEOUT_PREFIX, isLayerName } from './names.js';

const DIRECTORY_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY;

export function mergedEntries(layers: Layers, inodes: InodeNumbers, path: string): DirectoryEntry[] {
  const found = existing(layers, path);
  if (!found.shown.isDirectory()) throw new FsError('ENOTDIR');
  const entries = new Map<string, DirectoryEntry>();
  const hidden = new Set<string>();
  // The entries' host inodes are on their directory's device (a mount point inside a layer
  // aside, which the overlay does not cross).
  const add = (entry: HostDirectoryEntry, dev: bigint): void => {
    entries.set(entry.name, { name: entry.name, ...(entry.type ? { mode: entry.type } : {}), ino: inodes.numberOf(dev, entry.ino) });
  };
  if (found.upper) {
    const directory = hostPath(layers.upper, path);
    for (const entry of readDirectory(openSync(directory, DIRECTORY_FLAGS), directory)) {
      if (isLayerName(entry.name)) hidden.add(entry.name.slice(WHITEOUT_PREFIX.length));
      else add(entry, found.upper.dev);
    }
  }
  if (found.lower) {
    const directory = hostPath(layers.lower, path);
    for (const entry of readDirectory(openLowerForReading(directory, DIRECTORY_FLAGS), directory)) {
      if (!entries.has(entry.name) && !hidden.has(entry.name) && !isLayerName(entry.name)) add(entry, found.lower.dev);
    }
  }
  return [...entries.values()];
}

/** Whether the overlay shows the directory `path` empty (rmdir's and rename's test). */
export function isEmptyDirectory(layers: Layers, inodes: InodeNumbers, path: string): boolean {
  return mergedEntries(layers, inodes, path).length === 0;
}
