// What a file system's free space leaves to the archive's scratch files and copies: nine
// tenths of it (a tenth is left to others). One rule for all of them.
import { statfsSync } from 'node:fs';

/** Bytes the archive may write in `directory`'s file system; throws when it cannot be told. */
export function spareBytes(directory: string): number {
  const { bavail, bsize } = statfsSync(directory);
  return Math.floor(bavail * bsize * 0.9);
}
