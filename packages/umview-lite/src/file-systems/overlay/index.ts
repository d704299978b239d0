// The built-in `overlay` module: `-m overlay,DIR,upper=UPPER` shows the host directory DIR at
// its own path, copy-on-write: reads come from DIR until a file is changed, changes go to
// UPPER (see overlay-file-system.ts), and DIR stays as it was, byte for byte and time for time.
// UPPER persists: the next run with the same UPPER sees the changes again.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ModuleFactory, ModuleOptions, UmviewModule } from '../../modules/module.js';
import { setTimes } from './host-calls.js';
import { OverlayFileSystem } from './overlay-file-system.js';

export class OverlayOptionsError extends Error {
  override name = 'OverlayOptionsError';
}

const USAGE = 'use -m overlay,DIR,upper=UPPER (DIR: the host directory to overlay, UPPER: where the changes go)';

/** The realpath of `path`, or of its nearest existing ancestor with the rest appended. */
function realpathOfMaybeMissing(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : `${realpathOfMaybeMissing(parent)}/${path.slice(parent.length + 1)}`;
}

function inside(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory === '/' ? '/' : `${directory}/`);
}

/** What the factory returns (until UmviewModule has its `fileSystem` field, from the vfs). */
export type OverlayModule = UmviewModule & { fileSystem: OverlayFileSystem };

export const overlay: ModuleFactory = (options: ModuleOptions): OverlayModule => {
  const [directory, ...extra] = options.positional ?? [];
  if (!directory) throw new OverlayOptionsError(`overlay: no directory given; ${USAGE}`);
  if (extra.length > 0) throw new OverlayOptionsError(`overlay: one directory only (got ${[directory, ...extra].join(', ')}); ${USAGE}`);
  const upperOption = options.upper;
  if (typeof upperOption !== 'string' || upperOption === '') throw new OverlayOptionsError(`overlay: upper= is required; ${USAGE}`);
  const mountPoint = resolve(directory);
  if (!existsSync(mountPoint) || !lstatSync(mountPoint).isDirectory()) {
    throw new OverlayOptionsError(`overlay: ${directory} is not a directory`);
  }
  const lower = realpathSync(mountPoint);
  const upper = realpathOfMaybeMissing(resolve(upperOption));
  if (inside(upper, lower)) throw new OverlayOptionsError(`overlay: the upper directory ${upperOption} must not be inside ${directory} (it is the lower layer, never written)`);
  if (inside(lower, upper)) throw new OverlayOptionsError(`overlay: ${directory} must not be inside the upper directory ${upperOption}`);
  if (existsSync(upper) && !lstatSync(upper).isDirectory()) throw new OverlayOptionsError(`overlay: upper=${upperOption} is not a directory`);
  mkdirSync(upper, { recursive: true, mode: 0o700 });
  adoptRootMetadata(lower, upper);
  return {
    name: 'overlay',
    paths: [mountPoint],
    fileSystem: new OverlayFileSystem({ lower, upper }),
  };
};

/** An empty upper directory (new) becomes the root's copy-up: the root is always the upper
 * layer's, so it shows DIR's mode and times rather than those of a fresh temporary directory. */
function adoptRootMetadata(lower: string, upper: string): void {
  if (readdirSync(upper).length > 0) return;
  const stats = lstatSync(lower, { bigint: true });
  try {
    chownSync(upper, Number(stats.uid), Number(stats.gid));
  } catch {
    // The owner stays the user's where the user may not give it away.
  }
  chmodSync(upper, Number(stats.mode) & 0o7777);
  setTimes(upper, stats.atimeNs, stats.mtimeNs);
}
