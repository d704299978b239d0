// The archive file system in the bench's file-system section: a tree packed as an uncompressed
// tar (GNU format, by the real tar) and mounted read-only with -m archive,TAR=MOUNT, so that the
// bench's reads go through the archive in place (its 256 MiB read is one tar member).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Packs `tree` into `workDir`/archive-bench.tar; returns the -m spec mounting it at `mountPoint`. */
export function archiveMount(tree, workDir, mountPoint) {
  const tar = join(workDir, 'archive-bench.tar');
  const made = spawnSync('tar', ['--format=gnu', '-cf', tar, '-C', tree, '.'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`tar -cf ${tar} -C ${tree} . failed: ${made.stderr}`);
  return { spec: `archive,${tar}=${mountPoint}`, mountPoint };
}
