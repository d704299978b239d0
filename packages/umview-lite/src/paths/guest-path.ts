// Pure path arithmetic on guest paths (no filesystem access).

/** Splits a path into components, dropping empty ones (`//a//b/` → ['a', 'b']). */
export function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '');
}

/** Lexical normalization of an absolute path: '.' dropped, '..' pops (never above '/').
 * Only for paths the kernel will not see as they are (see translator.ts for when). */
export function normalize(path: string): string {
  const out: string[] = [];
  for (const c of components(path)) {
    if (c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return `/${out.join('/')}`;
}

/** A path without its trailing slashes ('/' stays '/'). */
export function trimSlashes(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** `base` joined with a relative `path`, normalized. */
export function resolveFrom(base: string, path: string): string {
  return normalize(path.startsWith('/') ? path : `${base}/${path}`);
}

/** If `path` is `prefix` or below it (by components, '.' and '..' at the root ignored in
 * front), returns the part after the prefix ('' for the prefix itself); else undefined. */
export function below(path: string, prefix: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  // Most paths are plain: a string comparison decides, with nothing split (this runs for each
  // path call, several times).
  if (isPlain(path) && isPlain(prefix)) return belowPlain(path, prefix);
  const parts = components(path);
  let i = 0;
  // At the root, '.' and '..' are the root itself.
  while (i < parts.length && (parts[i] === '.' || parts[i] === '..')) i++;
  for (const want of components(prefix)) {
    if (parts[i] !== want) return undefined;
    i++;
  }
  const rest = parts.slice(i);
  return rest.length === 0 ? '' : `/${rest.join('/')}${path.endsWith('/') && rest.length > 0 ? '/' : ''}`;
}

/** True when no component of `path` is empty, '.' or '..' (a trailing '/' is allowed). */
function isPlain(path: string): boolean {
  if (path.includes('//')) return false;
  for (let i = path.indexOf('/.'); i !== -1; i = path.indexOf('/.', i + 2)) {
    const next = path.charCodeAt(i + 2); // NaN at the end
    if (Number.isNaN(next) || next === SLASH) return false; // '/.'
    if (next === DOT && (i + 3 === path.length || path.charCodeAt(i + 3) === SLASH)) return false; // '/..'
  }
  return true;
}

const SLASH = 0x2f;
const DOT = 0x2e;

/** below() for plain absolute paths: the same answers, by string comparison. */
function belowPlain(path: string, prefix: string): string | undefined {
  const head = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (head === '/') return path === '/' ? '' : path;
  if (!path.startsWith(head)) return undefined;
  if (path.length === head.length || (path.length === head.length + 1 && path.endsWith('/'))) return '';
  return path.charCodeAt(head.length) === SLASH ? path.slice(head.length) : undefined;
}

/** True if a relative path can climb out of its start directory ('..' somewhere in it). */
export function climbs(path: string): boolean {
  return components(path).includes('..');
}
