// Starts the trampoline with posix_spawn, on the calling (tracer) thread, so that the child is
// this thread's child and invisible to libuv. Stdio is wired with file actions; signal
// dispositions and the signal mask are reset, because Node ignores SIGPIPE and its threads
// block signals, and a traced program must start with the defaults a shell would give it.
import { fstatSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Stream } from 'node:stream';
import { InvalidArgumentError, checked, systemError } from '../errors.js';
import { O_CLOEXEC, O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from '../native/constants.js';
import { ERRNO } from '../native/errno.js';
import { getLibc } from '../native/libc.js';
import { trampolinePath } from './trampoline.js';

/**
 * What one file descriptor of the tracee is connected to, as in child_process.spawn's `stdio`:
 * - `'inherit'`: this process's own fd of the same number;
 * - `'ignore'`: /dev/null;
 * - `'close'`: closed, whatever this process has there (a closed stdin passed on as closed, where
 *   Node holds /dev/null; an fd held without close-on-exec that the tracee must not get);
 * - `'pipe'`: a pipe to the tracer (fds 0-2 only), whose end is `tracee.stdin`/`stdout`/
 *   `stderr` as a stream (and `tracee.stdio` as an fd);
 * - a number: that fd of this process, duplicated;
 * - a Stream that has an fd (`process.stderr`, a socket, a file stream after its 'open'):
 *   its fd, duplicated;
 * - `{ path, flags, mode }`: that file, opened for the tracee (flags default 'r' for fd 0, 'w'
 *   otherwise).
 */
export type StdioOption =
  | 'inherit'
  | 'ignore'
  | 'close'
  | 'pipe'
  | number
  | Stream
  | { path: string; flags?: 'r' | 'w' | 'a' | 'r+'; mode?: number };

/** `stdio` as child_process.spawn takes it: one value for fds 0, 1 and 2, or one per fd from
 * 0. Null or undefined: for fds 0-2 the default, 'inherit'; beyond them nothing is done, so the
 * tracee has the fd only if this process holds it without close-on-exec (Node's own fds are
 * close-on-exec). */
export type StdioOptions = 'inherit' | 'ignore' | 'pipe' | 'close' | readonly (StdioOption | null | undefined)[];

/** A StdioOption with its stream replaced by the fd: what can cross to a worker thread. */
export type ResolvedStdio = Exclude<StdioOption, Stream>;

export interface LaunchRequest {
  path: string;
  argv: string[];
  env: string[];
  cwd?: string;
  /** One per fd, from 0; undefined: nothing done. */
  stdio: readonly (ResolvedStdio | undefined)[];
}

export interface Launched {
  pid: number;
  /** The tracer's ends of 'pipe' streams, by target fd. */
  pipes: { stdin?: number; stdout?: number; stderr?: number };
}

const FILE_ACTIONS_SIZE = 80; // sizeof(posix_spawn_file_actions_t), glibc x86-64/aarch64
const SPAWNATTR_SIZE = 336; // sizeof(posix_spawnattr_t)
const SIGSET_SIZE = 128;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;

const FLAGS = { r: O_RDONLY, w: O_WRONLY | O_CREAT | O_TRUNC, a: O_WRONLY | O_CREAT | 0o2000, 'r+': O_RDWR };
const PIPE_NAMES = ['stdin', 'stdout', 'stderr'] as const;

/** Where each fd of the tracee goes, from spawn's options: `stdio` (as child_process.spawn
 * takes it) wins over `stdin`/`stdout`/`stderr`; the default is 'inherit'. Streams are
 * replaced by their fds. Throws InvalidArgumentError for a value spawn cannot use. */
export function resolveStdio(options: {
  stdio?: StdioOptions; stdin?: StdioOption; stdout?: StdioOption; stderr?: StdioOption;
}): (ResolvedStdio | undefined)[] {
  const { stdio } = options;
  const entries: (StdioOption | null | undefined)[] = typeof stdio === 'string' ? [stdio, stdio, stdio] : [...(stdio ?? [])];
  const named = [options.stdin, options.stdout, options.stderr];
  for (let fd = 0; fd < 3; fd++) entries[fd] ??= named[fd];
  return Array.from(entries, (entry, fd) => (entry != null ? resolveOne(entry, fd) : fd < 3 ? 'inherit' : undefined));
}

function resolveOne(option: StdioOption, fd: number): ResolvedStdio {
  const invalid = (why: string) => new InvalidArgumentError(`spawn: stdio[${fd}] ${why}`, { errno: ERRNO.EINVAL, operation: 'spawn' });
  if (option === 'inherit' || option === 'ignore' || option === 'close') return option;
  if (option === 'pipe') {
    if (fd > 2) throw invalid("is 'pipe': pipes are for fds 0, 1 and 2 (pass a pipe's fd as a number for the others)");
    return option;
  }
  if (typeof option === 'number') {
    if (!Number.isInteger(option) || option < 0) throw invalid(`is ${option}, not a file descriptor`);
    return option;
  }
  // A stream before { path }: an fs stream has a `path` too, but what counts is its fd.
  if (typeof option === 'object' && option !== null && typeof (option as Stream).pipe === 'function') {
    const fdOf = streamFd(option as Stream);
    if (fdOf === undefined) throw invalid('is a stream without a file descriptor (a file stream has one after its \'open\' event)');
    return fdOf;
  }
  if (typeof option === 'object' && option !== null && 'path' in option && typeof option.path === 'string') return option;
  throw invalid(`is ${JSON.stringify(option)}: expected 'inherit', 'ignore', 'close', 'pipe', an fd, a stream with an fd, or { path }`);
}

/** The fd under a stream: `fd` of fs and tty streams (process.stdout), the handle's of sockets
 * and pipes. */
function streamFd(stream: Stream): number | undefined {
  const s = stream as unknown as { fd?: unknown; _handle?: { fd?: unknown } | null };
  if (typeof s.fd === 'number' && s.fd >= 0) return s.fd;
  const fd = s._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

export function launchTrampoline(request: LaunchRequest): Launched {
  const libc = getLibc();
  const fileActions = Buffer.alloc(FILE_ACTIONS_SIZE);
  const attr = Buffer.alloc(SPAWNATTR_SIZE);
  const pipes: Launched['pipes'] = {};
  const childEnds: number[] = [];
  libc.fileActionsInit(fileActions);
  libc.spawnAttrInit(attr);
  try {
    const all = Buffer.alloc(SIGSET_SIZE);
    all.fill(0xff, 0, 8); // signals 1..64
    libc.spawnAttrSetSigDefault(attr, all);
    libc.spawnAttrSetSigMask(attr, Buffer.alloc(SIGSET_SIZE));
    libc.spawnAttrSetFlags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    if (request.cwd !== undefined) check(libc.fileActionsAddChdir(fileActions, request.cwd), 'posix_spawn_file_actions_addchdir_np');

    request.stdio.forEach((option, fd) => {
      if (option === undefined) return;
      if (option === 'inherit') {
        // Node marks its own stdio close-on-exec; dup2 onto the same fd clears the flag
        // (glibc >= 2.29). A stream closed here stays closed in the tracee.
        if (isOpen(fd)) check(libc.fileActionsAddDup2(fileActions, fd, fd), 'posix_spawn_file_actions_adddup2');
        return;
      }
      if (option === 'ignore') {
        check(libc.fileActionsAddOpen(fileActions, fd, '/dev/null', O_RDWR, 0), 'posix_spawn_file_actions_addopen');
      } else if (option === 'close') {
        // glibc fails the spawn only for an fd out of range, not for one that is not open.
        check(libc.fileActionsAddClose(fileActions, fd), 'posix_spawn_file_actions_addclose');
      } else if (option === 'pipe') {
        const ends = new Int32Array(2);
        checked(libc.pipe2(ends, O_CLOEXEC), 'pipe2');
        const [readEnd, writeEnd] = [ends[0]!, ends[1]!];
        const [child, parent] = fd === 0 ? [readEnd, writeEnd] : [writeEnd, readEnd];
        childEnds.push(child);
        pipes[PIPE_NAMES[fd]!] = parent;
        check(libc.fileActionsAddDup2(fileActions, child, fd), 'posix_spawn_file_actions_adddup2');
      } else if (typeof option === 'number') {
        check(libc.fileActionsAddDup2(fileActions, option, fd), 'posix_spawn_file_actions_adddup2');
      } else {
        // Resolve here: the chdir file action runs first, and the path is meant relative to us.
        const path = isAbsolute(option.path) ? option.path : resolve(option.path);
        const flags = FLAGS[option.flags ?? (fd === 0 ? 'r' : 'w')];
        check(libc.fileActionsAddOpen(fileActions, fd, path, flags, option.mode ?? 0o644), 'posix_spawn_file_actions_addopen');
      }
    });

    const argv = [...request.argv, null];
    const env = [...request.env, null];
    const pidOut = new Int32Array(1);
    let rc = libc.posixSpawn(pidOut, trampolinePath(), fileActions, attr, argv, env);
    if (rc === ERRNO.EACCES || rc === ERRNO.EPERM || rc === ERRNO.ENOEXEC) {
      // Executing a memfd is forbidden here (vm.memfd_noexec): use a file instead.
      rc = libc.posixSpawn(pidOut, trampolinePath(true), fileActions, attr, argv, env);
    }
    if (rc !== 0) throw systemError('posix_spawn', rc);
    return { pid: pidOut[0]!, pipes };
  } catch (error) {
    for (const fd of Object.values(pipes)) libc.close(fd);
    throw error;
  } finally {
    for (const fd of childEnds) libc.close(fd);
    libc.fileActionsDestroy(fileActions);
    libc.spawnAttrDestroy(attr);
  }
}

function isOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

function check(rc: number, operation: string): void {
  if (rc !== 0) throw systemError(operation, rc);
}
