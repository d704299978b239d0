// Starts the trampoline with posix_spawn, on the calling (tracer) thread, so that the child is
// this thread's child and invisible to libuv. Stdio is wired with file actions; signal
// dispositions and the signal mask are reset, because Node ignores SIGPIPE and its threads
// block signals, and a traced program must start with the defaults a shell would give it.
import { fstatSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { checked, systemError } from '../errors.js';
import { O_CLOEXEC, O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from '../native/constants.js';
import { ERRNO } from '../native/errno.js';
import { getLibc } from '../native/libc.js';
import { trampolinePath } from './trampoline.js';

/** What a standard stream of the tracee is connected to. */
export type StdioOption =
  | 'inherit'
  | 'ignore'
  | 'pipe'
  | number
  | { path: string; flags?: 'r' | 'w' | 'a' | 'r+'; mode?: number };

export interface LaunchRequest {
  path: string;
  argv: string[];
  env: string[];
  cwd?: string;
  stdio: [StdioOption, StdioOption, StdioOption];
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
      if (option === 'inherit') {
        // Node marks its own stdio close-on-exec; dup2 onto the same fd clears the flag
        // (glibc >= 2.29). A stream closed here stays closed in the tracee.
        if (isOpen(fd)) check(libc.fileActionsAddDup2(fileActions, fd, fd), 'posix_spawn_file_actions_adddup2');
        return;
      }
      if (option === 'ignore') {
        check(libc.fileActionsAddOpen(fileActions, fd, '/dev/null', O_RDWR, 0), 'posix_spawn_file_actions_addopen');
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
