// A file replaced by a new one whole, as a concurrent reader sees it: the metadata store's save
// (metadata-store.ts) at the end of every run that changed something.
//
// rename(2) over the old file is the usual way, but on ext4 (auto_da_alloc, on by default) a
// rename over an existing file first forces the new file's blocks to be allocated and its data
// written out: ~200 µs of every save, a `useradd` job's whole store written to disk. renameat2
// with RENAME_EXCHANGE swaps the two names just as atomically, with none of that, and the old
// file, now under the temporary name, is removed (40-65 µs, the same 20 KB file, pinned). Where
// the file does not exist yet, or the file system cannot exchange, it is a rename.
import { renameSync, unlinkSync } from 'node:fs';
import { AT_FDCWD } from '../linux.js';
import { cString, sys } from '../proxy/host-syscalls.js';
import { RENAME_EXCHANGE } from '../vfs/file-system.js';

/** Puts the file `temporary` in place of `file` and removes `file`'s old contents. */
export function replaceFile(temporary: string, file: string): void {
  if (sys('renameat2', AT_FDCWD, cString(temporary), AT_FDCWD, cString(file), RENAME_EXCHANGE) === 0) {
    unlinkSync(temporary);
    return;
  }
  // No file yet (ENOENT), no exchange here (EINVAL, ENOSYS): a rename; any other error, rename
  // meets it too and says it with Node's message.
  renameSync(temporary, file);
}
