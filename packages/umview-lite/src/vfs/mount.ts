// One mounted file system: the module, its mount point, the bound on its operations, and what
// the monitor gives the files it serves when the module does not say (inode numbers, the
// device, times).
import { makeDev } from '@umview/sysvm';
import { DEFAULT_HOLD_TIMEOUT_MS } from '../monitor/held-calls.js';
import type { UmviewModule } from '../modules/module.js';
import { components } from '../paths/guest-path.js';
import type { FileSystem } from './file-system.js';
import { LockTable } from './locks.js';

/** How long one operation may take by default before its call fails with EIO (the held
 * calls' default). */
export const DEFAULT_TIMEOUT_MS = DEFAULT_HOLD_TIMEOUT_MS;

export class Mount {
  readonly fs: FileSystem;
  /** The mount point, normalized ('/mnt'). */
  readonly prefix: string;
  readonly timeoutMs: number;
  /** st_dev of its files: an anonymous device (major 0) of its own. */
  readonly dev: bigint;
  /** When the mount was made: the default times. */
  readonly bornNs = BigInt(Date.now()) * 1_000_000n;
  private readonly inodes = new Map<string, number>();
  private nextIno = 2;
  private readonly versions = new Map<string, number>();
  /** flock and fcntl locks on its files, by path. */
  readonly locks = new LockTable();

  constructor(readonly module: UmviewModule & { fileSystem: FileSystem }, prefix: string, index: number) {
    this.fs = module.fileSystem;
    this.prefix = `/${components(prefix).join('/')}`;
    this.timeoutMs = module.timeout ?? DEFAULT_TIMEOUT_MS;
    this.dev = makeDev(0, 0xf00 + index);
  }

  get name(): string {
    return this.module.name;
  }

  /** The guest path of a path within the mount. */
  guestPath(path: string): string {
    if (path === '/') return this.prefix;
    return this.prefix === '/' ? path : this.prefix + path;
  }

  /** The inode number the monitor gives a path (stable while the mount lives; '/' is 1). */
  inoOf(path: string): number {
    if (path === '/') return 1;
    let ino = this.inodes.get(path);
    if (ino === undefined) {
      ino = this.nextIno++;
      this.inodes.set(path, ino);
    }
    return ino;
  }

  /** A rename moves the numbers along (a file keeps its inode). */
  renamed(from: string, to: string): void {
    const moves: [string, number][] = [];
    for (const [path, ino] of this.inodes) {
      if (path === from || path.startsWith(`${from}/`)) moves.push([to + path.slice(from.length), ino]);
    }
    for (const [path] of moves) this.inodes.delete(from + path.slice(to.length));
    for (const [path, ino] of moves) this.inodes.set(path, ino);
  }

  /** The file changed through the monitor (a write, a truncate): copies made of it before
   * (materialize.ts) are stale. */
  changed(path: string): void {
    this.versions.set(path, (this.versions.get(path) ?? 0) + 1);
  }

  versionOf(path: string): number {
    return this.versions.get(path) ?? 0;
  }

  /** A removed path's number is not reused for another file. */
  forget(path: string): void {
    this.inodes.delete(path);
  }
}
