// The inode numbers the overlay shows: one per host file (device and inode), given in the order
// files are first seen, so that hard links share theirs (tar and find rely on it) and numbers
// from the two layers never collide even when the layers are on different devices. A file
// copied up keeps its lower file's number, as overlayfs keeps it (xino), so that a program that
// noted it (find's cycle check, tar's "file changed") sees the same file; only a lower file with
// one link passes its number on: the copy is no longer a link of the lower file's other names.
import type { BigIntStats } from 'node:fs';

function key(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}`;
}

export class InodeNumbers {
  private readonly numbers = new Map<string, number>();
  /** 1 is the root's (see numberFor). */
  private next = 2;

  /** The number of the host file `stats` describes; `root` for the mount's root. */
  numberFor(stats: BigIntStats, root = false): number {
    const k = key(stats);
    let n = this.numbers.get(k);
    if (n === undefined) {
      n = root ? 1 : this.next++;
      this.numbers.set(k, n);
    }
    return n;
  }

  /** The number of the host file `ino` on device `dev` (a directory entry's). */
  numberOf(dev: bigint, ino: bigint): number {
    const k = `${dev}:${ino}`;
    let n = this.numbers.get(k);
    if (n === undefined) {
      n = this.next++;
      this.numbers.set(k, n);
    }
    return n;
  }

  /** `copy` (the upper file) is `original` (the lower one) copied up. */
  copiedUp(original: BigIntStats, copy: BigIntStats): void {
    if (!original.isDirectory() && original.nlink !== 1n) return;
    this.numbers.set(key(copy), this.numberFor(original));
  }

  /** The host file is gone (its last link removed): its inode may be reused for another file. */
  forget(stats: BigIntStats): void {
    if (stats.isDirectory() || stats.nlink <= 1n) this.numbers.delete(key(stats));
  }
}
