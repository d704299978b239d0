// Trees and archives for the archive file system's tests: a source tree with every kind of
// member (long and UTF-8 names, modes, owners, ns times, symlinks, a hard link, a FIFO and,
// as root, a device), archives of it made by the real tar and zip, and a walk of a directory
// on the host into the same shape as a walk of the mount, to compare them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, linkSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '@umview/test-fixtures';

export interface Seen {
  type: string;
  mode: number;
  size: number;
  uid?: number;
  gid?: number;
  mtimeNs?: bigint;
  target?: string;
  sha?: string;
  rdev?: number;
}

export const TYPE_NAMES: Record<number, string> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'symlink',
  0o020000: 'char',
  0o060000: 'block',
  0o010000: 'fifo',
};

export function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function run(file: string, args: readonly string[], cwd?: string): string {
  return execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export const LONG_DIR = `long-${'d'.repeat(120)}`;
export const LONG_FILE = `${'f'.repeat(150)}.txt`;
const isRoot = process.getuid?.() === 0;

/** Fills `dir` with the test tree. `long`: names that need GNU or pax headers; `special`: a
 * FIFO and (as root) a character device. */
export function makeSourceTree(dir: string, { long = true, special = true } = {}): void {
  const random = seededRandom(23);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  mkdirSync(join(dir, 'a/b/c'), { recursive: true });
  writeFileSync(join(dir, 'hello.txt'), 'hello, archive\n');
  writeFileSync(join(dir, 'empty'), '');
  writeFileSync(join(dir, 'a/b/c/binary.bin'), bytes(300_000));
  writeFileSync(join(dir, 'a/script.sh'), '#!/bin/sh\necho script ran\n');
  chmodSync(join(dir, 'a/script.sh'), 0o755);
  writeFileSync(join(dir, 'a/private'), 'secret\n');
  chmodSync(join(dir, 'a/private'), 0o600);
  writeFileSync(join(dir, 'héllo wörld ✓.txt'), 'utf-8 name\n');
  mkdirSync(join(dir, 'closed'));
  writeFileSync(join(dir, 'closed/inside'), 'inside\n');
  chmodSync(join(dir, 'closed'), 0o700);
  symlinkSync('a/b/c/binary.bin', join(dir, 'link-relative'));
  symlinkSync('/etc/hostname', join(dir, 'link-absolute'));
  symlinkSync('does-not-exist', join(dir, 'link-dangling'));
  linkSync(join(dir, 'hello.txt'), join(dir, 'a/hard-link'));
  if (long) {
    mkdirSync(join(dir, LONG_DIR, LONG_DIR), { recursive: true });
    writeFileSync(join(dir, LONG_DIR, LONG_DIR, LONG_FILE), 'a long way down\n');
    symlinkSync(join(LONG_DIR, LONG_DIR, LONG_FILE), join(dir, 'link-long'));
  }
  if (special) {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    if (isRoot) execFileSync('mknod', [join(dir, 'null-device'), 'c', '1', '3']);
  }
  if (isRoot) chownSync(join(dir, 'a/private'), 1234, 5678);
  // Times with a fraction of a second (pax keeps it; GNU and ustar headers keep seconds).
  utimesSync(join(dir, 'hello.txt'), 1_600_000_000.25, 1_600_000_000.123456);
  lutimesSync(join(dir, 'link-relative'), 1_500_000_000, 1_500_000_000);
  utimesSync(join(dir, 'a/b'), 1_400_000_000, 1_400_000_000);
}

/** What a walk of the host directory `root` sees, by path relative to it ('' for the root). */
export function walkHost(root: string): Map<string, Seen> {
  const seen = new Map<string, Seen>();
  const visit = (rel: string): void => {
    const path = rel ? join(root, rel) : root;
    const stats = lstatSync(path, { bigint: true });
    const mode = Number(stats.mode);
    const type = TYPE_NAMES[mode & 0o170000]!;
    const entry: Seen = { type, mode: mode & 0o7777, size: type === 'directory' ? 0 : Number(stats.size), uid: Number(stats.uid), gid: Number(stats.gid), mtimeNs: stats.mtimeNs };
    if (type === 'file') entry.sha = sha(readFileSync(path));
    if (type === 'symlink') entry.target = readlinkSync(path);
    if (type === 'char' || type === 'block') entry.rdev = Number(stats.rdev);
    seen.set(rel, entry);
    if (type === 'directory') for (const name of readdirSync(path)) visit(rel ? `${rel}/${name}` : name);
  };
  visit('');
  return seen;
}
