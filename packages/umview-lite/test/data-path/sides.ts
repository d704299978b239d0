// Where a data-path fixture runs: natively (the oracle) or under the monitor, on a directory
// the program names its own way (a host directory, /unreal<host dir>, a tmpfs module's mount),
// with the monitor's data path as it is by default or the old one (--data-path=stop). A run
// gives a transcript with the names that legitimately differ replaced by tokens.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { compileC } from '@umview/test-fixtures';
import { cli, exec, tempDir, tokenize, umview, type Result } from '../helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/data-path/', import.meta.url));

/** A fixture of test/fixtures/data-path, compiled (cached by content). */
export const program = (name: string): string => compileC(join(fixtures, `${name}.c`), { flags: ['-O1', '-Wall', '-pthread'], name: `dp-${name}` });

/** The monitor's data paths: its default (the fast path once it is there), and the old design
 * (a stop per call), which must give the same transcripts. */
export type Design = 'default' | 'stop';
export const DESIGNS: readonly Design[] = ['default', 'stop'];

/** Why --data-path=stop cannot be asked of this build, or undefined when it can. */
export const noStopFlag: string | undefined = (() => {
  const r = spawnSync(process.execPath, [cli, '--data-path=stop', '--', 'true'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `this umview-lite has no --data-path=stop (${r.stderr.trim().split('\n')[0]}): its default is the old design`;
})();

const designArgs = (design: Design): string[] => (design === 'stop' ? ['--data-path=stop'] : []);

export interface Side {
  /** The directory as the program names it. */
  dir: string;
  /** The same directory by a path the monitor does not serve, '-' when there is none. */
  alias: string;
  /** A host directory no module serves, for files on the other end of a copy. */
  host: string;
  /** Whether dir and host are one file system (copy_file_range between them copies) or not
   * (EXDEV, natively: such copies are left out of the comparison). */
  hostFs: 'same-fs' | 'other-fs';
  /** The directory on the host, to read back natively after the run; undefined when the files
   * end with the run (a tmpfs module's). */
  hostDir: string | undefined;
  /** Runs a program natively or under the monitor. */
  run(argv: readonly string[]): Promise<Result>;
  /** The transcript with this side's names as tokens. */
  normalize(text: string): string;
}

/** How the fixtures make their files. */
export interface Files {
  /** Bytes added after each file's content (dp.h's put, DP_PAD): files big enough that a
   * module's read-only opens of them take the fast path too (below FAST_MIN_BYTES, 16 KiB, they
   * are read call by call). */
  pad?: number;
}

/** The monitor's FAST_MIN_BYTES (src/proxy/fast-path.ts): a module's read-only open of a file
 * of this size or more gets a fast fd. */
export const FAST_MIN_BYTES = 16 * 1024;
/** The tmpfs module's own threshold for read-only opens (its backing pool). */
export const TMPFS_FAST_FROM = (1 << 20) + 1;
/** A pad that makes every file the fixtures put bigger than FAST_MIN_BYTES. */
export const BIG_FILES: Files = { pad: 20000 };
/** A pad that makes them bigger than 1 MiB: the tmpfs module gives a read-only open a backing
 * file only then (its backing pool's minReadOnlySize). */
export const HUGE_FILES: Files = { pad: TMPFS_FAST_FROM };

const env = (files: Files): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  LC_ALL: 'C',
  TZ: 'UTC',
  // The monitor keeps its private files there.
  ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
  ...(files.pad ? { DP_PAD: String(files.pad) } : {}),
});

const native = (files: Files) => (argv: readonly string[]): Promise<Result> => exec(argv[0]!, argv.slice(1), { env: env(files), cwd: '/' });
const monitored = (cliArgs: string[], files: Files) => (argv: readonly string[]): Promise<Result> => umview(cliArgs, argv, { env: env(files), cwd: '/' });

function side(dir: string, alias: string, hostDir: string | undefined, run: Side['run'], hostFs: Side['hostFs'] = 'same-fs', aliasIsAName = false): Side {
  const host = join(tempDir('umview-dp-host-'), 'h');
  mkdirSync(host);
  const tokens: Record<string, string> = { [dir]: '$D', [host]: '$H' };
  // A program never prints the unserved name of a served directory: where it does, the
  // monitor let the host path leak (natively the two are one path, $D). Save for unreal in
  // proxy mode, where /unreal/X is X: the kernel names the file X (readlink of /proc/self/fd/N),
  // as in remap mode, and X is the same file in the guest's view.
  if (alias !== '-' && alias !== dir) tokens[alias] = aliasIsAName ? '$D' : '$HOST_PATH_LEAKED';
  return { dir, alias, host, hostFs, hostDir, run, normalize: (text) => tokenize(text, tokens) };
}

/** A host directory, natively. */
export function nativeHost(files: Files = {}): Side {
  const dir = join(tempDir('umview-dp-'), 'd');
  mkdirSync(dir);
  return side(dir, dir, dir, native(files));
}

/** A host directory seen through /unreal, the monitor serving it (proxy mode). */
export function unrealProxy(design: Design, files: Files = {}, more: readonly string[] = []): Side {
  const dir = join(tempDir('umview-dp-'), 'd');
  mkdirSync(dir);
  return side(`/unreal${dir}`, dir, dir, monitored(['-m', 'unreal,mode=proxy', ...designArgs(design), ...more], files), 'same-fs', true);
}

/** A host directory seen through /unreal, the passthrough file-system module serving it. */
export function unrealFs(design: Design, files: Files = {}): Side {
  const dir = join(tempDir('umview-dp-'), 'd');
  mkdirSync(dir);
  return side(`/unreal${dir}`, dir, dir, monitored(['-m', 'unreal,mode=fs', ...designArgs(design)], files));
}

const backedFs = fileURLToPath(new URL('./backed-fs.mjs', import.meta.url));
/** Where backed-fs.mjs is mounted. */
export const BACKED_MOUNT = '/umview-dp-backed';

/** A host directory served by a file-system module that gives backing files (backed-fs.mjs),
 * at a mount point of its own. */
export function backedModule(design: Design, files: Files = {}): Side {
  const dir = join(tempDir('umview-dp-'), 'd');
  mkdirSync(dir);
  return side(BACKED_MOUNT, dir, dir, monitored(['-m', `${backedFs},${BACKED_MOUNT},root=${dir}`, ...designArgs(design)], files));
}

/** The tmpfs module's mount point (nothing of the host's is there). */
export const TMPFS_MOUNT = '/umview-dp-mnt';
const TMPFS_MAGIC = 0x01021994;

/** Why a native run cannot be on a real tmpfs (with `size`: one mounted for it, root only). */
export function noNativeTmpfs(size?: string): string | undefined {
  if (size === undefined) {
    try {
      return statfsSync('/dev/shm').type === TMPFS_MAGIC ? undefined : '/dev/shm is not a tmpfs';
    } catch {
      return 'no /dev/shm';
    }
  }
  if (process.getuid?.() !== 0) return 'mounting a tmpfs with size= for the native run needs root';
  const probe = mkdtempSync('/tmp/umview-dp-probe-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
  spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return r.status === 0 ? undefined : `cannot mount a tmpfs (${String(r.stderr).trim()})`;
}

const mounted: string[] = [];
const shm: string[] = [];
afterAll(() => {
  for (const dir of mounted.splice(0)) spawnSync('umount', [dir]);
  for (const dir of shm.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory of a real tmpfs, natively: /dev/shm's, or (with `size`) a tmpfs mounted for it. */
export function nativeTmpfs(size?: string, files: Files = {}): Side {
  let dir: string;
  if (size === undefined) {
    dir = mkdtempSync('/dev/shm/umview-dp-');
    shm.push(dir);
  } else {
    dir = tempDir('umview-dp-tmpfs-');
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
    if (r.status !== 0) throw new Error(`mount: ${String(r.stderr)}`);
    mounted.push(dir);
  }
  return side(dir, '-', undefined, native(files), 'other-fs');
}

/** The tmpfs module's mount, under the monitor. */
export function tmpfsModule(design: Design, size?: string, files: Files = {}): Side {
  return side(TMPFS_MOUNT, '-', undefined, monitored(['-m', `tmpfs,${TMPFS_MOUNT}${size ? `,size=${size}` : ''}`, ...designArgs(design)], files), 'other-fs');
}

/** A run as one text: stdout, stderr when there is some, the exit code. */
export function transcript(side: Side, results: readonly Result[]): string {
  return results
    .map((r) => `${r.stdout}${r.stderr ? `--- stderr\n${r.stderr}` : ''}--- exit ${r.signal ?? r.code}\n`)
    .map((text) => side.normalize(text))
    .join('');
}
