// execvp's search, done before spawning so that "not found" is reported without starting
// anything, with the message a shell would give.
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { SpawnError } from '../errors.js';
import { ERRNO } from '../native/errno.js';

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** Finds `program` like execvp(3): names with a slash are taken as they are (relative to
 * `cwd`), others are searched in PATH. Returns the path to exec. */
export function resolveProgram(program: string, pathVariable: string | undefined, cwd: string): string {
  if (program === '') throw spawnError(program, ERRNO.ENOENT, 'empty program name');
  if (program.includes('/')) {
    const full = isAbsolute(program) ? program : resolve(cwd, program);
    checkExecutable(program, full);
    return full;
  }
  // As a shell searches: a file found but not executable makes "permission denied" if nothing
  // later in PATH runs; a directory this user cannot search (root's /root/.local/bin in an
  // inherited PATH) hides nothing it can know of, so it is skipped as a miss.
  let sawDenied = false;
  for (const dir of (pathVariable ?? DEFAULT_PATH).split(':')) {
    const candidate = resolve(cwd, join(dir || '.', program));
    let isFile: boolean;
    try {
      isFile = statSync(candidate).isFile();
    } catch {
      continue;
    }
    if (!isFile) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      sawDenied = true;
    }
  }
  throw sawDenied
    ? spawnError(program, ERRNO.EACCES, 'permission denied')
    : spawnError(program, ERRNO.ENOENT, 'command not found');
}

function checkExecutable(program: string, full: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(full).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw spawnError(program, ERRNO.ENOENT, 'no such file or directory');
    throw spawnError(program, ERRNO.EACCES, 'permission denied');
  }
  if (!isFile) throw spawnError(program, ERRNO.EACCES, 'is a directory or not a regular file');
  try {
    accessSync(full, constants.X_OK);
  } catch {
    throw spawnError(program, ERRNO.EACCES, 'permission denied (not executable)');
  }
}

export function spawnError(path: string, errno: number, what: string): SpawnError {
  return new SpawnError(`cannot run ${path}: ${what}`, { errno, operation: 'spawn', path });
}

/** The message for an execve errno reported by the trampoline. */
export function execFailure(path: string, errno: number): SpawnError {
  switch (errno) {
    case ERRNO.ENOENT:
      return spawnError(path, errno, 'no such file or directory (or its #! interpreter is missing)');
    case ERRNO.EACCES:
      return spawnError(path, errno, 'permission denied');
    case ERRNO.ENOEXEC:
      return spawnError(path, errno, 'exec format error: not an ELF executable or #! script for this machine');
    case ERRNO.ETXTBSY:
      return spawnError(path, errno, 'text file busy');
    case ERRNO.E2BIG:
      return spawnError(path, errno, 'argument list too long');
    case ERRNO.ELOOP:
      return spawnError(path, errno, 'too many levels of symbolic links or #! interpreters');
    default:
      return spawnError(path, errno, `execve failed with errno ${errno}`);
  }
}
