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

/** `base` joined with a relative `path`, normalized. */
export function resolveFrom(base: string, path: string): string {
  return normalize(path.startsWith('/') ? path : `${base}/${path}`);
}

/** If `path` is `prefix` or below it (by components, '.' and '..' at the root ignored in
 * front), returns the part after the prefix ('' for the prefix itself); else undefined. */
export function below(path: string, prefix: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
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

/** True if a relative path can climb out of its start directory ('..' somewhere in it). */
export function climbs(path: string): boolean {
  return components(path).includes('..');
}
