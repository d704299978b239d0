// Layer lookup: which layer a path of the overlay comes from. The upper layer wins; a lower
// entry shows only where no upper entry and no whiteout hides it and every directory above it
// still lets the lower layer through (a merged directory, not an opaque one and not one that
// replaced a lower non-directory). Read afresh from disk on every lookup, so that an upper
// layer left by a previous run (or changed by another process) is what counts.
import { lstatSync, type BigIntStats } from 'node:fs';
import { FsError } from '../../vfs/file-system.js';
import { OPAQUE_MARKER, isLayerName, pathComponents, splitPath, whiteoutName } from './names.js';

export interface Layers {
  /** The host directory shown (read-only for the overlay). */
  readonly lower: string;
  /** The host directory that takes every change. */
  readonly upper: string;
  /** Copy-up data already copied, by path (staged-copies.ts). */
  readonly staged?: { take(path: string, lower: BigIntStats): string | undefined };
}

/** What a path of the overlay is, layer by layer. */
export interface Lookup {
  readonly path: string;
  /** The upper entry, when there is one (it is what the overlay shows). */
  readonly upper?: BigIntStats;
  /** The lower entry when it shows: alone (no upper entry), or as the lower half of a merged
   * directory (the upper one is a directory neither opaque nor replacing a non-directory). */
  readonly lower?: BigIntStats;
}

/** The entry the overlay shows at a lookup, or undefined when there is none. */
export function shown(lookup: Lookup): BigIntStats | undefined {
  return lookup.upper ?? lookup.lower;
}

export function lstatOrUndefined(hostPath: string): BigIntStats | undefined {
  // Without a throw for ENOENT: the commonest answer of a lookup, and a throw costs ~10 µs.
  return lstatSync(hostPath, { bigint: true, throwIfNoEntry: false });
}

export function isOpaque(upperDirectory: string): boolean {
  return lstatOrUndefined(`${upperDirectory}/${OPAQUE_MARKER}`) !== undefined;
}

export function hostPath(root: string, path: string): string {
  return path === '/' ? root : root + path;
}

/** Looks `path` up through both layers. A `.wh.` name is never found (ENOENT); a component
 * above the last that is no directory fails with ENOTDIR. */
export function lookup(layers: Layers, path: string): Lookup {
  const parts = pathComponents(path);
  if (parts.some(isLayerName)) return { path };
  let prefix = '';
  let upper: BigIntStats | undefined;
  // Whether the lower layer still shows below the current prefix.
  let lowerShows = !isOpaque(layers.upper);
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i]!;
    if (lowerShows && lstatOrUndefined(`${layers.upper}${prefix}/${whiteoutName(name)}`)) lowerShows = false;
    prefix += `/${name}`;
    upper = lstatOrUndefined(layers.upper + prefix);
    if (!upper) {
      // Nothing of this path is in the upper layer: the rest is the lower layer's, if it shows.
      if (!lowerShows) return { path };
      const lower = lstatOrUndefined(layers.lower + path);
      return lower ? { path, lower } : { path };
    }
    const last = i === parts.length - 1;
    if (!last && !upper.isDirectory()) throw new FsError('ENOTDIR');
    if (lowerShows) {
      const lower = lstatOrUndefined(layers.lower + prefix);
      // A lower entry shows under an upper one only as the lower half of a merged directory.
      lowerShows = lower !== undefined && lower.isDirectory() && upper.isDirectory() && !isOpaque(layers.upper + prefix);
      if (last) return lowerShows ? { path, upper, lower } : { path, upper };
    } else if (last) {
      return { path, upper };
    }
  }
  // The root: always in the upper layer, merged with the lower unless made opaque.
  upper = lstatOrUndefined(layers.upper);
  if (!upper?.isDirectory()) throw new FsError('EIO', `overlay: the upper directory ${layers.upper} is gone`);
  const lower = lowerShows ? lstatOrUndefined(layers.lower) : undefined;
  return lower ? { path, upper, lower } : { path, upper };
}

/** Looks up `path` and fails with ENOENT when the overlay shows nothing there. */
export function existing(layers: Layers, path: string): Lookup & { shown: BigIntStats } {
  const found = lookup(layers, path);
  const entry = shown(found);
  if (!entry) throw new FsError('ENOENT');
  return { ...found, shown: entry };
}

/** The lower layer's entry at `path` when the overlay would show it were nothing at `path`
 * itself in the upper layer (no entry, no whiteout): its parent lets the lower layer through.
 * What decides whether a deletion must leave a whiteout, and whether a directory made there
 * must be opaque. */
export function lowerBeneath(layers: Layers, path: string): BigIntStats | undefined {
  if (path === '/') return lstatOrUndefined(layers.lower);
  const parent = lookup(layers, splitPath(path).parent);
  if (!parent.lower?.isDirectory()) return undefined;
  return lstatOrUndefined(layers.lower + path);
}
