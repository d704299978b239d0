// The one rule for every file the umview tools read back and trust (a code cache, a socket, a
// compiled program, a hand-over file): it lives in a directory that only the user running the
// tool can change. Anyone who can write to that directory can replace what is read from it, and
// what is read runs (a V8 code cache is executed as it says, not verified) or decides who is let
// in (a socket). A directory passes when:
// - it is a directory itself, not a symbolic link to one (lstat: a link is followed by whoever
//   opens a path through it, and its target can change);
// - it is owned by the effective user;
// - neither its group nor others may write to it;
// - its parent does not let others rename it away (not writable by others, or sticky as /tmp).
// A directory that fails is not used: the tool runs without it (a cache) or stops with the
// reason (a socket). Nothing here ever widens a mode or takes over a directory it did not create.
import { lstatSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const GROUP_OR_OTHER_WRITE = 0o022;
const OTHER_WRITE = 0o002;
const STICKY = 0o1000;

/** Why `path` cannot hold files the tools trust, or undefined when it can. */
export function privateDirectoryProblem(path: string): string | undefined {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    return `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (stats.isSymbolicLink()) return `${path} is a symbolic link`;
  if (!stats.isDirectory()) return `${path} is not a directory`;
  const uid = process.geteuid!();
  if (stats.uid !== uid) return `${path} belongs to uid ${stats.uid}, not to uid ${uid}`;
  if ((stats.mode & GROUP_OR_OTHER_WRITE) !== 0) {
    return `${path} is writable by ${(stats.mode & OTHER_WRITE) !== 0 ? 'others' : 'its group'} (mode ${(stats.mode & 0o7777).toString(8)})`;
  }
  const parent = dirname(path);
  if (parent !== path) {
    try {
      const up = lstatSync(parent);
      if ((up.mode & OTHER_WRITE) !== 0 && (up.mode & STICKY) === 0) {
        return `${parent} is writable by others without the sticky bit: ${path} could be replaced`;
      }
    } catch {
      /* the parent of a directory that exists is searchable: lstat fails only on a race */
    }
  }
  return undefined;
}

/** Creates `path` (mode 0700, parents as `mkdir -p` with mode 0700) when it is missing, then
 * checks it: the reason it cannot be trusted, or undefined when it can. (Looked up first: at
 * most starts it exists, and a mkdir that fails with EEXIST costs Node an error object, ~0.13
 * ms of a tool's start-up.) */
export function makePrivateDirectory(path: string): string | undefined {
  if (!exists(path)) {
    try {
      makeDirectories(path);
    } catch (error) {
      return `${path} cannot be created (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
  }
  return privateDirectoryProblem(path);
}

/** Whether `path` names something (false too when it cannot be looked up: creating it says why). */
function exists(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** `mkdir -p` with mode 0700, one component at a time: Node 20's `mkdirSync(path, { recursive:
 * true })` never returns where a parent refuses new entries with ENOENT (under /proc). */
function makeDirectories(path: string): void {
  const parent = dirname(path);
  if (parent !== path) {
    try {
      lstatSync(parent);
    } catch {
      makeDirectories(parent);
    }
  }
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
