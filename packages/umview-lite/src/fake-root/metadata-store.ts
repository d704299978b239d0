// What fake root remembers across calls and runs, as fakeroot's -s/-i files do (PRoot forgets
// it): the owner and group a chown gave a file, the mode a chmod gave it where the host's file
// could not take it, and what mknod made a device node, keyed by the
// host file's identity (device and inode: it follows the file through renames and hard links,
// as the kernel's own ownership does). Kept in one JSON file of the user's (`--meta FILE`),
// read when the monitor starts and merged back when it ends: under a lock file, read again,
// this run's changes laid over it, written to a temporary file and put in place (replace-file.ts), so
// that two monitors on one rootfs never corrupt it and neither loses the other's changes. A
// store that is unreadable or written by a newer version is refused with the reason, never
// reset.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { replaceFile } from './replace-file.js';

const FORMAT = 'umview-lite fake-root metadata';
const VERSION = 1;
/** How long a save waits for another monitor's save to finish before it says so. */
const LOCK_TRIES = 500;

export interface FileMetadata {
  uid?: number;
  gid?: number;
  /** The permission bits a chmod gave (the host's file keeps its owner's read and write). */
  mode?: number;
  /** A device node mknod made (the host has an empty regular file): its type and number. */
  device?: { type: 'char' | 'block'; major: number; minor: number };
}

export class MetadataStoreError extends Error {
  override name = 'MetadataStoreError';
}

/** A file's identity on the host: `device:inode`. */
export type FileKey = string;

export class MetadataStore {
  private readonly entries: Map<FileKey, FileMetadata>;
  /** This run's changes (undefined: dropped), merged into the file at save(). */
  private readonly changed = new Map<FileKey, FileMetadata | undefined>();

  private constructor(readonly file: string, entries: Map<FileKey, FileMetadata>) {
    this.entries = entries;
  }

  /** The store in `file` (empty when the file does not exist yet). */
  static open(file: string): MetadataStore {
    return new MetadataStore(file, readStore(file));
  }

  get(key: FileKey): FileMetadata | undefined {
    return this.entries.get(key);
  }

  /** Merges `change` into the file's entry (an undefined field keeps what was there). */
  update(key: FileKey, change: FileMetadata): void {
    const entry = { ...this.entries.get(key) };
    for (const [field, value] of Object.entries(change)) if (value !== undefined) (entry as Record<string, unknown>)[field] = value;
    this.entries.set(key, entry);
    this.changed.set(key, entry);
  }

  /** The file is gone: its identity may be reused by another. */
  drop(key: FileKey): void {
    if (!this.entries.delete(key)) return;
    this.changed.set(key, undefined);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Writes this run's changes into the file, over what another monitor may have saved since. */
  save(): void {
    if (this.changed.size === 0) return;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const lock = `${this.file}.lock`;
    const fd = acquire(lock);
    try {
      const current = readStore(this.file);
      for (const [key, entry] of this.changed) {
        if (entry === undefined) current.delete(key);
        else current.set(key, entry);
      }
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify({ format: FORMAT, version: VERSION, entries: Object.fromEntries(current) })}\n`, { mode: 0o600 });
      replaceFile(temporary, this.file);
      this.changed.clear();
    } finally {
      closeSync(fd);
      unlinkSync(lock);
    }
  }
}

function readStore(file: string): Map<FileKey, FileMetadata> {
  if (!existsSync(file)) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MetadataStoreError(`the fake-root metadata store ${file} is unreadable (${(error as Error).message}): fix or move it away; it is never reset`);
  }
  const store = parsed as { format?: unknown; version?: unknown; entries?: unknown };
  if (store === null || typeof store !== 'object' || store.format !== FORMAT || typeof store.entries !== 'object' || store.entries === null) {
    throw new MetadataStoreError(`${file} is not a fake-root metadata store of umview-lite: fix or move it away; it is never reset`);
  }
  if (typeof store.version !== 'number' || store.version > VERSION) {
    throw new MetadataStoreError(`the fake-root metadata store ${file} was written by a newer umview-lite (format version ${String(store.version)}, this one reads ${VERSION}): use that version`);
  }
  return new Map(Object.entries(store.entries as Record<string, FileMetadata>));
}

/** The lock file, made exclusively; one left by a monitor that died is taken over. */
function acquire(lock: string): number {
  for (let i = 0; i < LOCK_TRIES; i++) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      return fd;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!holderAlive(lock)) {
      try {
        unlinkSync(lock);
      } catch {
        /* another took it over first */
      }
      continue;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // its save takes milliseconds
  }
  throw new MetadataStoreError(`the fake-root metadata store is locked by another monitor (${lock}) and stays so: remove the lock if no umview-lite runs`);
}

function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8').trim());
  } catch {
    return false; // gone meanwhile: not held
  }
  if (!(pid > 0)) return true; // just made, its pid not written yet
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
