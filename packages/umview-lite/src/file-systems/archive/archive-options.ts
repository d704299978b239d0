// The archive module's options. Accepted spellings (one archive per -m):
//   -m archive,FILE=/mnt            the issue's: the key is the archive, the value the mount point
//   -m archive,FILE,/mnt            positional
//   -m archive,file=FILE,at=/mnt    named
// and, with any of them, cache=SIZE: the bytes the members' backing files (the copies programs
// read without a stop per read: extracted-members.ts) may take together in the system's
// temporary directory, with a k, m or g suffix; 0 serves every read call by call. Default 1g.
// And `prefetch`: make those copies at mount, before the traced program starts (as far as the
// budget goes), rather than at each member's first open: the mount takes longer (~0.4 s a GiB
// here), every first read is then as fast as a later one. The copies are kept for the next runs
// in the user's cache (kept-copies.ts), within the same budget; `transient` keeps none: each
// mount makes its own, in the temporary directory, gone with it.
// A relative FILE is relative to umview-lite's working directory; the mount point is a guest
// path (absolute). The module spec is split at ',' and at the first '=': a FILE whose name has
// a ',' (or, in the first spelling, a '=') needs the named spelling... which cannot hold a ','
// either: rename or link such an archive.
import { posix, resolve } from 'node:path';
import type { ModuleOptions } from '../../modules/module.js';

export interface ArchiveOptions {
  /** The archive on the host (absolute). */
  readonly file: string;
  /** The guest path it is mounted at (absolute, normalized). */
  readonly mountPoint: string;
  /** The byte budget of the members' backing files. */
  readonly cacheBytes: number;
  /** Copy the members out at mount. */
  readonly prefetch: boolean;
  /** Keep no copy for the next runs. */
  readonly transient: boolean;
}

export const DEFAULT_CACHE_BYTES = 1 << 30;
const SIZE_SUFFIX: Readonly<Record<string, number>> = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30, t: 2 ** 40 };

export class ArchiveOptionsError extends Error {
  override name = 'ArchiveOptionsError';
}

/** Options every file-system module takes (modules/registry.ts), not archive names. */
const MOUNT_OPTIONS = new Set(['positional', 'timeout', 'cache', 'prefetch', 'transient']);
/** Flags (options without a value): in `positional` too, where they are not FILE or /mnt. */
const FLAGS = new Set(['prefetch', 'transient']);

const USAGE = 'use -m archive,FILE=/mnt (or archive,FILE,/mnt or archive,file=FILE,at=/mnt)';

export function parseArchiveOptions(options: ModuleOptions): ArchiveOptions {
  let file: string | undefined;
  let at: string | undefined;
  const positional = (options.positional ?? []).filter((word) => !(FLAGS.has(word) && options[word] === true));
  if (typeof options.file === 'string' || typeof options.at === 'string') {
    file = typeof options.file === 'string' ? options.file : undefined;
    at = typeof options.at === 'string' ? options.at : undefined;
  } else if (positional.length > 0) {
    [file, at] = positional;
    if (positional.length > 2) throw new ArchiveOptionsError(`archive: too many options (${positional.join(', ')}): ${USAGE}`);
  } else {
    const pairs = Object.entries(options).filter(([key, value]) => !MOUNT_OPTIONS.has(key) && typeof value === 'string');
    if (pairs.length > 1) throw new ArchiveOptionsError(`archive: one archive per module: ${USAGE}`);
    [file, at] = (pairs[0] as [string, string] | undefined) ?? [];
  }
  if (!file || !at) throw new ArchiveOptionsError(`archive: which archive, mounted where? ${USAGE}`);
  if (!at.startsWith('/')) throw new ArchiveOptionsError(`archive: the mount point '${at}' is not an absolute path: ${USAGE}`);
  const mountPoint = posix.normalize(at).replace(/(.)\/+$/, '$1');
  for (const flag of FLAGS) if (options[flag] !== undefined && options[flag] !== true) throw new ArchiveOptionsError(`archive: ${flag} takes no value: ${USAGE}`);
  return { file: resolve(file), mountPoint, cacheBytes: parseCache(options.cache), prefetch: options.prefetch === true, transient: options.transient === true };
}

function parseCache(value: ModuleOptions[string]): number {
  if (value === undefined) return DEFAULT_CACHE_BYTES;
  const match = typeof value === 'string' ? /^(\d+)([kmgt]?)$/i.exec(value) : null;
  if (!match) throw new ArchiveOptionsError(`archive: bad cache=${typeof value === 'string' ? value : ''} (bytes with an optional k, m, g suffix; 0: no backing files)`);
  return Number(match[1]) * SIZE_SUFFIX[match[2]!.toLowerCase()]!;
}
