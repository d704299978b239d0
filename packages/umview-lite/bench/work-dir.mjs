// Where a bench puts its files (the races' `--work-dir`, the seed table's test file): by default a
// RAM-backed file system, so that a bench times the tools and not the disk.
//
// Measured on a VM with the files on its disk: the jobs that fsync (`dpkg -i`, `useradd`) and dd's
// writeback moved each tool's own median by up to 40 % from one run of the bench to the next
// (the seccomp PRoot's `dpkg -i`: 425 ms, then 303 ms), more than the distance between the tools;
// with the files in /dev/shm the ratios of three runs agreed within ±0.03. The disk adds the
// same time to every tool (both run the same calls on the same files), so it moves no ratio in
// expectation, only its noise: `--work-dir "$(node -p 'os.tmpdir()')"` times the disk too.
import { accessSync, constants, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';

const TMPFS_MAGIC = 0x01021994;
const SHM = '/dev/shm';

/**
 * The directory for the bench's files: `requested` when given, else /dev/shm when it is a
 * tmpfs this user may write with `bytes` free, else the system's temporary directory. `why`
 * says which, for the bench's log.
 */
export function benchWorkDir(requested, bytes) {
  if (requested) return { dir: requested, why: 'given with --work-dir' };
  const shm = tmpfsWithRoom(SHM, bytes);
  if (shm === true) return { dir: SHM, why: 'a tmpfs: the disk out of the timings' };
  return { dir: tmpdir(), why: `the system's temporary directory (${SHM}: ${shm}); the disk's latency is in the timings` };
}

/** true, or why not. */
function tmpfsWithRoom(dir, bytes) {
  let fs;
  try {
    fs = statfsSync(dir);
    accessSync(dir, constants.W_OK);
  } catch (error) {
    return `not usable (${error.code ?? error.message})`;
  }
  if (fs.type !== TMPFS_MAGIC) return 'not a tmpfs';
  const free = fs.bavail * fs.bsize;
  if (free < bytes) return `${Math.floor(free / 2 ** 20)} MiB free, ${Math.ceil(bytes / 2 ** 20)} MiB needed`;
  return true;
}
