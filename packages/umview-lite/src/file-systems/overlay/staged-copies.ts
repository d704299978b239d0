// Large copy-ups without stopping the tree: before an operation that will copy up a big lower
// file, its data is copied into a temporary file of the upper layer asynchronously (the
// operation's call is held; the monitor serves the other processes meanwhile), and the
// operation then runs as ever, its copy-up finding the data ready and only renaming it into
// place with the file's metadata. Everything that changes the overlay's namespace stays
// synchronous: while the data is copied the overlay still shows the lower file (the temporary
// name is a hidden `.wh.` one), and a change made meanwhile (an unlink, a rename) simply comes
// first: the waiting operation then runs against it, and an unused copy is removed.
import { close as closeAsync, constants, fstatSync, openSync, read as readAsync, rmSync, write as writeAsync, type BigIntStats } from 'node:fs';
import { promisify } from 'node:util';
import { ensureUpperDirectory, keepingTimes, openLowerForReading } from './copy-up.js';
import type { InodeNumbers } from './inode-numbers.js';
import { lookup, type Layers } from './layers.js';
import { COPY_UP_TEMPORARY, splitPath } from './names.js';

/** Files at least this big are copied up asynchronously (smaller ones take less than a stop). */
export const ASYNC_COPY_UP_BYTES = 1 << 20;
const CHUNK = 1 << 20;
const readP = promisify(readAsync);
const writeP = promisify(writeAsync);
const closeP = promisify(closeAsync);

interface Ready {
  readonly temporary: string;
  /** The lower file the data is from: used only while it is still the one shown. */
  readonly dev: bigint;
  readonly ino: bigint;
  readonly mtimeNs: bigint;
  readonly size: bigint;
}

let temporaries = 0;

export class StagedCopies {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly ready = new Map<string, Ready>();

  constructor(private readonly layers: Layers, private readonly inodes: InodeNumbers) {}

  /** Starts (or joins) the data copy of `path` when it is a big lower-only regular file;
   * undefined when there is nothing to wait for. */
  prepare(path: string): Promise<void> | undefined {
    const pending = this.inFlight.get(path);
    if (pending) return pending;
    if (this.ready.has(path)) return undefined;
    const found = lookup(this.layers, path);
    const lower = found.lower;
    if (found.upper || !lower?.isFile() || lower.size < BigInt(ASYNC_COPY_UP_BYTES)) return undefined;
    const copy = this.copy(path).finally(() => this.inFlight.delete(path));
    this.inFlight.set(path, copy);
    return copy;
  }

  /** The staged data of `path`, taken (the caller renames it into place), when it is a copy of
   * the lower file `lower`. */
  take(path: string, lower: BigIntStats): string | undefined {
    const staged = this.ready.get(path);
    if (!staged) return undefined;
    this.ready.delete(path);
    if (staged.dev === lower.dev && staged.ino === lower.ino && staged.mtimeNs === lower.mtimeNs && staged.size === lower.size) return staged.temporary;
    rmSync(staged.temporary, { force: true });
    return undefined;
  }

  /** An operation that waited for `path` is done: a copy it did not use goes. */
  discard(path: string): void {
    const staged = this.ready.get(path);
    if (!staged || this.inFlight.has(path)) return;
    this.ready.delete(path);
    rmSync(staged.temporary, { force: true });
  }

  private async copy(path: string): Promise<void> {
    const upperParent = ensureUpperDirectory(this.layers, this.inodes, splitPath(path).parent);
    const temporary = `${upperParent}/${COPY_UP_TEMPORARY}${process.pid}.staged.${temporaries++}`;
    const input = openLowerForReading(this.layers.lower + path);
    let output: number | undefined;
    try {
      output = keepingTimes(upperParent, () => openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600));
      const buffer = Buffer.allocUnsafe(CHUNK);
      for (let position = 0; ;) {
        const { bytesRead } = await readP(input, buffer, 0, CHUNK, position);
        if (bytesRead === 0) break;
        for (let done = 0; done < bytesRead;) done += (await writeP(output, buffer, done, bytesRead - done, position + done)).bytesWritten;
        position += bytesRead;
      }
      // The data is of the lower file as it is now (a lower tree must not change under an
      // overlay, but if it did, take() refuses a copy of another version).
      const now = fstatSync(input, { bigint: true });
      this.ready.set(path, { temporary, dev: now.dev, ino: now.ino, mtimeNs: now.mtimeNs, size: now.size });
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    } finally {
      if (output !== undefined) await closeP(output);
      await closeP(input);
    }
  }
}
