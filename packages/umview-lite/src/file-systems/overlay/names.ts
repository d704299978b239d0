// The on-disk convention of the upper layer, as unprivileged overlay implementations
// (fuse-overlayfs without privileges) and OCI image layers write it: a deleted NAME is an empty
// file `.wh.NAME` beside where it was; a directory whose lower contents must not show through
// (it replaced a deleted one) holds the empty file `.wh..wh..opq`. Names starting with `.wh.`
// are the layer's own: the overlay never shows them, and a program cannot create one.

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** Files being copied up are written under this name in the same upper directory, then renamed
 * into place, so that a copy-up cut short never leaves a partial file at the real name. */
export const COPY_UP_TEMPORARY = '.wh..wh..copyup.';

export function isLayerName(name: string): boolean {
  return name.startsWith(WHITEOUT_PREFIX);
}

export function whiteoutName(name: string): string {
  return WHITEOUT_PREFIX + name;
}

/** The parent of a mount path ('/a/b' → '/a', '/a' → '/') and its last component. */
export function splitPath(path: string): { parent: string; name: string } {
  const slash = path.lastIndexOf('/');
  return { parent: slash <= 0 ? '/' : path.slice(0, slash), name: path.slice(slash + 1) };
}

/** `path`'s components ('/' has none). */
export function pathComponents(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}
