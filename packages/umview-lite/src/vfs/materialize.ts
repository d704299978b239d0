// Served files the kernel itself must read: an mmap of a served file, an execve of a program
// stored in a module. The monitor writes the file's bytes (read through the module) into a
// directory only the user running it can change (ptrace-core's private-directory rule: what
// is read back from there runs) and maps or runs that copy. A copy is made again when the file
// changed since (its size, mtime, or a write through the monitor); the directory goes with the
// monitor (the user's runtime directory, the temporary one, or ~/.cache/umview-lite). A
// monitor killed (SIGKILL) cannot remove it: its name carries the monitor's pid, and the next
// monitor that makes one removes those of the user's whose monitor is gone. Writes to a
// MAP_SHARED mapping reach the copy, not the module (nor other mappings made after the file
// changed): a module's file is not page-cache backed. A served FIFO is opened as a real FIFO
// made there, one per node.
import { chmodSync, closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePrivateDirectory, privateDirectoryProblem } from '@umview/ptrace-core/internal';
import { fail } from './errors.js';
import type { Caller, FileHandle, MaybePromise } from './file-system.js';
import { next } from './maybe.js';
import type { Mount } from './mount.js';
import { isDir, S_IFIFO, S_IFMT, S_IFREG } from './walk.js';
import { AT_FDCWD } from '../linux.js';
import { cString, sys } from '../proxy/host-syscalls.js';

const CHUNK = 1 << 20;

export class Materializer {
  private dir: string | undefined;
  /** The empty directory the tracees' real cwd goes to (emptyDirectory). */
  private empty: string | undefined;
  /** Why no private directory could be made (said once; every later copy fails at once). */
  private problem: string | undefined;

  /** @param log where the one message goes when no private directory can be made. */
  constructor(private readonly log: (message: string) => void = (message) => process.stderr.write(`${message}\n`)) {}

  private count = 0;
  private readonly copies = new Map<string, { key: string; file: string }>();

  /** The host path of a copy of the served file `path` (a regular file). */
  copyOf(mount: Mount, path: string, caller: Caller): MaybePromise<string> {
    return next(() => mount.fs.getattr(path, caller), (attrs) => {
      if (isDir(attrs)) throw fail('EISDIR');
      if ((attrs.mode & S_IFMT) !== S_IFREG) throw fail('EACCES');
      const id = `${mount.prefix}\0${path}`;
      const key = `${attrs.size}\0${attrs.mtimeNs ?? ''}\0${mount.versionOf(path)}\0${attrs.mode}`;
      const known = this.copies.get(id);
      if (known?.key === key) return known.file;
      if (!mount.fs.read) throw fail('EACCES');
      return next(() => (mount.fs.open ? mount.fs.open(path, 0, caller) : undefined), (handle) => {
        const file = join(this.directory(), String(++this.count));
        const fd = openSync(file, 'wx', attrs.mode & 0o755);
        const copy = (position: number): MaybePromise<string> => next(
          () => mount.fs.read!(path, handle, CHUNK, position, caller),
          (data) => {
            if (data.length > 0) writeSync(fd, data);
            if (data.length === CHUNK) return copy(position + data.length);
            closeSync(fd);
            this.release(mount, path, handle);
            this.copies.set(id, { key, file });
            return file;
          },
          (error) => {
            closeSync(fd);
            this.release(mount, path, handle);
            throw error;
          },
        );
        return copy(0);
      });
    });
  }

  private release(mount: Mount, path: string, handle: FileHandle): void {
    if (!mount.fs.open || !mount.fs.release) return;
    try {
      const done = mount.fs.release(path, handle);
      if (done instanceof Promise) done.catch(() => undefined);
    } catch {
      /* the copy is made; a failing release changes nothing for it */
    }
  }

  /** The private directory, or EACCES (the copy cannot be made where the kernel may run it),
   * logged once with the reasons and what to do. */
  private directory(): string {
    if (this.dir !== undefined) return this.dir;
    if (this.problem === undefined) {
      try {
        return (this.dir = makeDirectory());
      } catch (error) {
        this.problem = (error as Error).message;
        this.log(`umview-lite: ${this.problem}: mmap, execve and FIFOs of files on a mount fail with EACCES (and a chdir into a mount leaves the real cwd where it was). `
          + 'Set XDG_RUNTIME_DIR or TMPDIR to a directory of your own that only you can write (or fix ~/.cache\'s ownership and mode).');
      }
    }
    throw fail('EACCES');
  }

  /** The real FIFO that stands for the served FIFO `path` (one per node, made at its first
   * open): the tracee opens it itself, and blocks in it as natively. */
  fifoOf(mount: Mount, path: string): string {
    const id = `fifo\0${mount.prefix}\0${path}`;
    const known = this.copies.get(id);
    if (known) return known.file;
    const file = join(this.directory(), `fifo-${++this.count}`);
    const made = sys('mknodat', AT_FDCWD, cString(file), S_IFIFO | 0o600, 0);
    if (made < 0) throw fail('EIO');
    this.copies.set(id, { key: '', file });
    return file;
  }

  /** An empty directory nobody but root may change (0555), where the tracees' real cwd goes
   * while their guest cwd is in a mount; undefined without a private directory. */
  emptyDirectory(): string | undefined {
    if (this.empty !== undefined) return this.empty;
    let dir: string;
    try {
      dir = this.directory();
    } catch {
      return undefined; // directory() said why, once
    }
    const empty = join(dir, 'cwd');
    mkdirSync(empty, { mode: 0o555 });
    chmodSync(empty, 0o555); // the umask does not narrow it
    return (this.empty = empty);
  }

  /** The monitor stops: the copies go. */
  dispose(): void {
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.empty = undefined;
    this.copies.clear();
  }
}


const PREFIX = 'umview-vfs-';
/** umview-vfs-PID-XXXXXX: the monitor that made it. */
const NAME = /^umview-vfs-(\d+)-[A-Za-z0-9]{6}$/;

/** The first of: the user's runtime directory, the temporary directory, ~/.cache/umview-lite
 * (made 0700) where a directory of the monitor's own can be made and passes the rule. */
function makeDirectory(): string {
  const problems: string[] = [];
  for (const base of candidateBases()) {
    try {
      removeOrphans(base);
      const dir = mkdtempSync(join(base, `${PREFIX}${process.pid}-`)); // mode 0700, ours
      const problem = privateDirectoryProblem(dir);
      if (problem === undefined) return dir;
      rmSync(dir, { recursive: true, force: true });
      problems.push(problem);
    } catch (error) {
      problems.push(`${base}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no private directory for copies of served files (${problems.join('; ')})`);
}

/** Removes the directories in `base` that killed monitors of this user left: named as ours
 * are, a directory (not a link) of this user's with mode 0700, whose monitor's pid is no
 * longer alive. A pid reused since keeps its directory until a later sweep; nothing of another
 * user's is touched. Never throws: what stays is left for the next monitor. */
function removeOrphans(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  const uid = process.geteuid?.();
  for (const name of names) {
    const pid = Number(NAME.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    const dir = join(base, name);
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o777) !== 0o700) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* gone meanwhile, or not ours to remove */
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: alive, another user's
  }
}

function candidateBases(): string[] {
  const bases: string[] = [];
  if (process.env.XDG_RUNTIME_DIR) bases.push(process.env.XDG_RUNTIME_DIR);
  bases.push(tmpdir());
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'umview-lite');
  if (makePrivateDirectory(cache) === undefined) bases.push(cache);
  return bases;
}
