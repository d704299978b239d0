// Deletions in the upper layer: whiteout files (`.wh.NAME`, empty) that hide a lower entry, and
// the opaque marker (`.wh..wh..opq`) that hides all of a lower directory's contents under an
// upper directory made in its place. See names.ts for the convention.
import { closeSync, constants, openSync, rmSync } from 'node:fs';
import { lstatOrUndefined } from './layers.js';
import { OPAQUE_MARKER, whiteoutName } from './names.js';

function emptyFile(path: string): void {
  closeSync(openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600));
}

/** Hides the lower entry `name` of the upper directory `upperParent`. */
export function writeWhiteout(upperParent: string, name: string): void {
  emptyFile(`${upperParent}/${whiteoutName(name)}`);
}

/** Removes `name`'s whiteout from `upperParent`, if it has one. */
export function dropWhiteout(upperParent: string, name: string): void {
  rmSync(`${upperParent}/${whiteoutName(name)}`, { force: true });
}

export function hasWhiteout(upperParent: string, name: string): boolean {
  return lstatOrUndefined(`${upperParent}/${whiteoutName(name)}`) !== undefined;
}

/** Marks the upper directory opaque: nothing of the lower directory at its path shows. */
export function markOpaque(upperDirectory: string): void {
  emptyFile(`${upperDirectory}/${OPAQUE_MARKER}`);
}

/** Removes the upper directory `upperDirectory`, which holds only layer files (whiteouts, the
 * opaque marker) when the overlay shows it empty. */
export function removeEmptiedDirectory(upperDirectory: string): void {
  rmSync(upperDirectory, { recursive: true, force: false });
}
