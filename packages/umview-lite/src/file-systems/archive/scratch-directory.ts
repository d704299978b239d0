// Where the archive file system keeps what it cannot read in place (a .tar.gz or .tar.xz
// decompressed once, a large deflated zip member): files whose bytes the traced programs will
// read back and run, so they follow the project's rule for such files (ptrace-core's
// private-directory.ts): a directory only the user can change, $XDG_CACHE_HOME/umview-lite/
// archives (~/.cache/...), else a fresh 0700 directory under the system's temporary directory.
// Each mount takes its own subdirectory; every file is unlinked as soon as it is open (a crash
// leaves no copy of the archive behind), and the subdirectory goes at `remove`.
import { mkdtempSync, openSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePrivateDirectory, privateDirectoryProblem } from '@umview/ptrace-core/internal';
import { ArchiveError } from './archive-index.js';
import { spareBytes } from './free-space.js';
import { userCacheDirectory } from './user-cache.js';

export class ScratchDirectory {
  private count = 0;
  private constructor(readonly path: string) {}

  static make(): ScratchDirectory {
    const problems: string[] = [];
    const base = userCacheDirectory();
    if (base) {
      const parent = join(base, 'archives');
      const problem = makePrivateDirectory(parent);
      if (!problem) return new ScratchDirectory(mkdtempSync(join(parent, 'mount-')));
      problems.push(problem);
    }
    const fallback = mkdtempSync(join(tmpdir(), 'umview-archive-')); // created 0700 by mkdtemp
    const problem = privateDirectoryProblem(fallback);
    if (!problem) return new ScratchDirectory(fallback);
    rmSync(fallback, { recursive: true, force: true });
    throw new ArchiveError(`no private directory for decompressed data: ${[...problems, problem].join('; ')}`);
  }

  /** A new file (mode 0600) open for reading and writing, already unlinked: its fd. */
  anonymousFile(): number {
    const path = join(this.path, `data-${++this.count}`);
    const fd = openSync(path, 'wx+', 0o600);
    unlinkSync(path);
    return fd;
  }

  /** What may be written here: the file system's free space, less a tenth of it left to others. */
  freeBytes(): number {
    return spareBytes(this.path);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
