// The size limit of a tmpfs mount, kept as the kernel keeps it: in 4 KiB pages that files'
// data occupy (a hole takes none), and in inodes. What does not fit fails with ENOSPC.
import { FsError } from '../../vfs/file-system.js';

export const PAGE_SIZE = 4096;

export class SpaceAccount {
  private pagesUsed = 0;
  private inodesUsed = 0;

  /** maxPages/maxInodes: Infinity for no limit (the kernel's size=0, nr_inodes=0). */
  constructor(
    readonly maxPages: number,
    readonly maxInodes: number,
  ) {}

  get usedPages(): number {
    return this.pagesUsed;
  }

  get usedInodes(): number {
    return this.inodesUsed;
  }

  /** Pages still free (Infinity without a limit; never below 0, even when writes through
   * backing files went past the limit). */
  get freePages(): number {
    return Math.max(0, this.maxPages - this.pagesUsed);
  }

  /** Takes up to `wanted` pages and returns how many it got; `force` takes them all, past the
   * limit if need be (pages a traced program already wrote through a backing file: they are
   * there, the count must say so; see backing-pool.ts). */
  takePages(wanted: number, force = false): number {
    const got = force ? wanted : Math.max(0, Math.min(wanted, this.freePages));
    this.pagesUsed += got;
    return got;
  }

  givePages(count: number): void {
    this.pagesUsed -= count;
  }

  /** One inode for a new file (its dentry too): ENOSPC past nr_inodes, as the kernel says. */
  takeInode(): void {
    if (this.inodesUsed >= this.maxInodes) throw new FsError('ENOSPC', 'tmpfs: no inodes left (nr_inodes)');
    this.inodesUsed++;
  }

  giveInode(): void {
    this.inodesUsed--;
  }
}
