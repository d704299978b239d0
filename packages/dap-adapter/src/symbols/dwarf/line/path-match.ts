import { posix } from 'node:path';

/**
 * Whether a path from the debug info designates the file a user asked for. An absolute query
 * must be the same path (after normalisation); a relative one ("main.c", "src/main.c") must be a
 * suffix that starts at a path component.
 */
export function pathMatches(candidate: string, query: string): boolean {
  const normalizedCandidate = posix.normalize(candidate);
  const normalizedQuery = posix.normalize(query);
  if (posix.isAbsolute(normalizedQuery)) return normalizedCandidate === normalizedQuery;
  const relative = normalizedQuery.startsWith('./') ? normalizedQuery.slice(2) : normalizedQuery;
  return normalizedCandidate === relative || normalizedCandidate.endsWith(`/${relative}`);
}
