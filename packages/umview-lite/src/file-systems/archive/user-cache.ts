// umview-lite's directory in the user's cache, as the XDG base directory specification places
// it: $XDG_CACHE_HOME/umview-lite, else ~/.cache/umview-lite. Whether it may be trusted is the
// caller's check (ptrace-core's private-directory.ts).
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The directory, or undefined without XDG_CACHE_HOME and a home directory. */
export function userCacheDirectory(): string | undefined {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg?.startsWith('/')) return join(xdg, 'umview-lite'); // XDG: a relative XDG_CACHE_HOME is ignored
  try {
    return join(homedir(), '.cache', 'umview-lite');
  } catch {
    return undefined;
  }
}
