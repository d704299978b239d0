// Sequences of file operations run twice: on a TmpfsFileSystem in this process, and on a real
// directory of a real tmpfs by fs-oracle-child.mjs (node:fs, each step as its user). The
// results (ok, an errno, a value) must be the same: the kernel is the oracle.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Caller } from '../../src/vfs/file-system.js';
import { TmpfsFileSystem, type OpenFile } from '../../src/file-systems/tmpfs/tmpfs-file-system.js';

export interface User {
  uid: number;
  gid: number;
}

export interface Step {
  op: string;
  args: unknown[];
  as?: User;
}

/** `op(args)` as root, `as(user).op(args)` as that user: a small builder of step lists. */
export const step = (op: string, ...args: unknown[]): Step => ({ op, args });
export const as = (user: User, s: Step): Step => ({ ...s, as: user });

const { O_CREAT, O_EXCL, O_WRONLY, O_TRUNC, O_RDWR, O_APPEND } = constants;
const O_ACCMODE = 3;
const TMPFS_MAGIC = 0x01021994;

export interface RootSpec {
  mode: number;
  uid: number;
  gid: number;
}

/** How the steps' reads and writes reach the data: through the module's read and write
 * ('buffers', the stop per call), or ('kernel') as the monitor's fast data path does: after
 * every open the module is asked for a backing file, and when it gives one the steps read and
 * write a reopening of it (/proc/self/fd/N, with the open's access mode and O_APPEND) in the
 * kernel, the module not told; every other call still goes to the module. */
export type DataPath = 'buffers' | 'kernel';

interface Opened {
  path: string;
  handle: OpenFile;
  /** The reopened backing file ('kernel' and the module gave one). */
  fd?: number;
}

/** Runs the steps on a tmpfs made with `size` bytes (0: no limit) and the root's mode/owner. */
export function runOnTmpfs(steps: readonly Step[], root: RootSpec, size = 0, dataPath: DataPath = 'buffers'): unknown[] {
  const fs = new TmpfsFileSystem({
    maxPages: size === 0 ? Infinity : Math.ceil(size / 4096),
    maxInodes: Infinity,
    rootMode: root.mode,
    rootUid: root.uid,
    rootGid: root.gid,
    // Every open that can have a backing file gets one: the small files of the steps too.
    backing: { minReadOnlySize: 0 },
  });
  const handles = new Map<unknown, Opened>();
  const callerOf = (who?: User): Caller => ({ pid: 1, uid: who?.uid ?? 0, gid: who?.gid ?? 0, umask: 0 });
  const exists = (path: string, caller: Caller): boolean => {
    try {
      fs.getattr(path, caller);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return false;
      throw error;
    }
  };
  /** open(2) as the monitor turns it into operations: getattr, then open or create, then
   * (the kernel data path) backing and the reopening of its fd. */
  const open = (path: string, flags: number, mode: number, caller: Caller): Opened => {
    let handle: OpenFile;
    if (flags & O_CREAT && !exists(path, caller)) handle = fs.create(path, flags, mode, caller) as OpenFile;
    else if (flags & O_CREAT && flags & O_EXCL) throw Object.assign(new Error('EEXIST'), { code: 'EEXIST' });
    else handle = fs.open(path, flags, caller) as OpenFile;
    const backing = dataPath === 'kernel' ? fs.backing(path, handle) : undefined;
    if (backing === undefined) return { path, handle };
    return { path, handle, fd: openSync(`/proc/self/fd/${backing}`, flags & (O_ACCMODE | O_APPEND)) };
  };
  const close = (opened: Opened): void => {
    if (opened.fd !== undefined) closeSync(opened.fd);
    fs.release(opened.path, opened.handle);
  };
  const pwrite = (opened: Opened, data: Buffer, position: number, c: Caller): number =>
    opened.fd === undefined ? fs.write(opened.path, opened.handle, data, position, c) : writeSync(opened.fd, data, 0, data.length, position);
  const pread = (opened: Opened, length: number, position: number, c: Caller): string => {
    if (opened.fd === undefined) return Buffer.from(fs.read(opened.path, opened.handle, length, position, c)).toString();
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(opened.fd, buffer, 0, length, position)).toString();
  };
  const ops: Record<string, (caller: Caller, ...args: never[]) => unknown> = {
    mkdir: (c, p: string, mode: number) => fs.mkdir(p, mode, c),
    rmdir: (c, p: string) => fs.rmdir(p, c),
    unlink: (c, p: string) => fs.unlink(p, c),
    rename: (c, a: string, b: string) => fs.rename(a, b, 0, c),
    write: (c, p: string, text: string, mode = 0o644) => {
      const opened = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode, c);
      try {
        pwrite(opened, Buffer.from(text), 0, c);
      } finally {
        close(opened);
      }
    },
    read: (c, p: string) => {
      const opened = open(p, 0, 0, c);
      try {
        return pread(opened, 1 << 20, 0, c);
      } finally {
        close(opened);
      }
    },
    open: (c, id: unknown, p: string, flags: number, mode = 0o644) => void handles.set(id, open(p, flags, mode, c)),
    pwrite: (c, id: unknown, text: string, pos: number) => pwrite(handles.get(id)!, Buffer.from(text), pos, c),
    pwriteZeros: (c, id: unknown, length: number, pos: number) => pwrite(handles.get(id)!, Buffer.alloc(length, 0x61), pos, c),
    pread: (c, id: unknown, len: number, pos: number) => pread(handles.get(id)!, len, pos, c),
    ftruncate: (c, id: unknown, size: number) => fs.truncate(handles.get(id)!.path, size, handles.get(id)!.handle, c),
    close: (_c, id: unknown) => {
      close(handles.get(id)!);
      handles.delete(id);
    },
    truncate: (c, p: string, size: number) => fs.truncate(p, size, undefined, c),
    link: (c, a: string, b: string) => fs.link(a, b, c),
    symlink: (c, target: string, p: string) => fs.symlink(target, p, c),
    readlink: (c, p: string) => fs.readlink(p, c),
    chmod: (c, p: string, mode: number) => fs.chmod(p, mode, c),
    chown: (c, p: string, uid: number, gid: number) => fs.chown(p, uid, gid, c),
    access: (c, p: string, mode: number) => fs.access(p, mode, c),
    utimes: (c, p: string, a: number, m: number) => fs.utimens(p, BigInt(a) * 1_000_000_000n, BigInt(m) * 1_000_000_000n, c),
    stat: (c, p: string) => {
      const s = fs.getattr(p, c);
      return { mode: s.mode.toString(8), nlink: s.nlink, size: s.size, uid: s.uid, gid: s.gid, blocks: s.blocks };
    },
    fstat: (_c, id: unknown) => {
      const s = handles.get(id)!.handle.inode.attributes();
      return { mode: s.mode.toString(8), nlink: s.nlink, size: s.size, blocks: s.blocks };
    },
    mtime: (c, p: string) => String(fs.getattr(p, c).mtimeNs! / 1_000_000_000n),
    ls: (c, p: string) => fs.readdir(p, c).map((e) => e.name),
    statfs: () => {
      const s = fs.statfs();
      return { bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail };
    },
  };
  const results: unknown[] = [];
  // A file the steps leave open (an error case) must not leave its fd behind.
  try {
    for (const s of steps) {
      const op = ops[s.op];
      if (!op) throw new Error(`no step ${s.op}`);
      try {
        const value = op(callerOf(s.as), ...(s.args as never[]));
        results.push(value === undefined ? 'ok' : value);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (!code) throw error;
        results.push(code);
      }
    }
  } finally {
    for (const opened of handles.values()) if (opened.fd !== undefined) closeSync(opened.fd);
    fs.destroy();
  }
  return results;
}

const child = fileURLToPath(new URL('./fs-oracle-child.mjs', import.meta.url));

/** Where the oracle runs: a real tmpfs. A private one mounted with the size limit when `size`
 * is given (needs root and mount(2)); /dev/shm otherwise. */
export interface Oracle {
  run(steps: readonly Step[], root: RootSpec): unknown[];
  close(): void;
}

function isTmpfs(path: string): boolean {
  try {
    return statfsSync(path).type === TMPFS_MAGIC;
  } catch {
    return false;
  }
}

/** Why an oracle of that kind cannot be had here, or undefined. */
export function oracleMissing(size = 0): string | undefined {
  if (process.getuid?.() !== 0) return 'the oracle switches users with seteuid: needs root';
  if (size === 0) return isTmpfs('/dev/shm') ? undefined : '/dev/shm is not a tmpfs';
  const probe = mkdtempSync('/tmp/umview-tmpfs-probe-');
  try {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
    if (r.status !== 0) return `cannot mount a tmpfs with size= (mount: ${String(r.stderr).trim()})`;
    spawnSync('umount', [probe]);
    return undefined;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

export function makeOracle(size = 0): Oracle {
  let base: string;
  let mounted = false;
  if (size === 0) {
    base = mkdtempSync('/dev/shm/umview-tmpfs-oracle-');
    chmodSync(base, 0o755); // the users of the steps pass through it
  } else {
    base = mkdtempSync('/tmp/umview-tmpfs-oracle-');
    chmodSync(base, 0o755);
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', base]);
    if (r.status !== 0) throw new Error(`mount: ${String(r.stderr)}`);
    mounted = true;
  }
  let count = 0;
  return {
    run(steps, root) {
      // With a size limit the mount's own root is the tree (statfs and the space are its own).
      const dir = mounted ? base : `${base}/${count++}`;
      if (!mounted) mkdirSync(dir);
      chmodSync(dir, root.mode);
      chownSync(dir, root.uid, root.gid);
      const r = spawnSync(process.execPath, [child, dir, JSON.stringify(steps)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
      if (mounted) for (const name of spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) rmSync(`${dir}/${name}`, { recursive: true, force: true });
      return JSON.parse(r.stdout) as unknown[];
    },
    close() {
      if (mounted) spawnSync('umount', [base]);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export { O_CREAT, O_EXCL, O_WRONLY, O_TRUNC, O_RDWR };
