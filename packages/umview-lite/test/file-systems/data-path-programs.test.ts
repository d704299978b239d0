// Real programs reading and writing files of the built-in file systems that give backing files
// (archive, overlay, unreal,mode=fs's passthrough), in the kernel data path (fast fds) and with
// --data-path=stop, against a native run on the same bytes: dd, cat, sha256sum and a C probe
// (data-path-probe.c: sizes, 4 KiB reads, lseek, pread, a forked child's shared offset, mmap,
// readlink of /proc/self/fd/N, copy_file_range and sendfile; with `write`: O_APPEND, pwrite,
// ftruncate, fsync). --stats says the kernel data path's opens were fast ones.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@umview/test-fixtures';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { exec, fixture, snapshot, tempDir, tokenize, umview } from '../helpers.js';
import { run } from './archive-fixtures.js';

const DATA_PATHS = ['kernel', 'stop'] as const;
const ARCHIVE_MOUNT = '/data-path-archive';

/** The archive keeps its members' copies in the user's cache (kept-copies.ts): these runs keep
 * them in a directory of their own. */
const cache = tempDir('data-path-cache-');
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, LC_ALL: 'C', TZ: 'UTC', XDG_CACHE_HOME: cache, ...extra });

function bytes(n: number, seed: number): Buffer {
  const random = seededRandom(seed);
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256);
  return out;
}

/** A tree with a big file (backed), a medium one (backed: over 64 KiB) and a small one (served
 * call by call by the archive). */
function tree(): string {
  const dir = join(tempDir('data-path-'), 'tree');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'big'), bytes(4 << 20, 1));
  writeFileSync(join(dir, 'sub/medium.bin'), bytes(200_000, 2));
  writeFileSync(join(dir, 'small.txt'), 'a small file\n');
  return dir;
}

const READS = (probe: string) => [
  'dd if="$T/big" of=/dev/null bs=4k 2>&1 | sed -n 1,2p',
  'dd if="$T/big" bs=4k 2>/dev/null | sha256sum',
  'cat "$T/sub/medium.bin" | sha256sum',
  'sha256sum "$T/big" "$T/sub/medium.bin" "$T/small.txt"',
  `${probe} read "$T/big"`,
  `${probe} read "$T/sub/medium.bin"`,
  `${probe} read "$T/small.txt"`,
].join('\n');

const WRITES = (probe: string) => [
  READS(probe),
  `${probe} write "$T/sub/medium.bin"`,
  'dd if="$T/big" of="$T/made" bs=64k count=3 2>/dev/null',
  `${probe} write "$T/made"`,
  'sha256sum "$T/sub/medium.bin" "$T/made"',
].join('\n');

/** Where a run finds the files: `native`, the tree a native run uses; `monitored`, the path the
 * monitored run uses for it (under `modules`); `check`, what to verify after a monitored run. */
interface Setup {
  readonly native: string;
  readonly monitored: string;
  readonly modules: readonly string[];
  check?(nativeAfter: string): void;
}

/** The script natively, then under the monitor in both data paths (each run on a fresh setup:
 * the script may change the files): the same output and exit code, no error output. */
async function same(script: string, setup: () => Setup): Promise<void> {
  const first = setup();
  const native = await exec('/bin/sh', ['-c', script], { env: env({ T: first.native }) });
  expect(native).toMatchObject({ code: 0, stderr: '' });
  const expected = tokenize(native.stdout, { [first.native]: '$T' });
  expect(expected).toContain('read 4k: 4194304 bytes in 1024 reads');
  for (const dataPath of DATA_PATHS) {
    const s = setup();
    const monitored = await umview([`--data-path=${dataPath}`, '--stats', ...s.modules], ['/bin/sh', '-c', script], { env: env({ T: s.monitored }) });
    const fastOpens = Number(/data path: fast opens\s+(\d+)/.exec(monitored.stderr)?.[1]);
    expect(monitored.stderr.slice(0, monitored.stderr.indexOf('umview-lite stats:')), dataPath).toBe('');
    expect(tokenize(monitored.stdout, { [s.monitored]: '$T' }), dataPath).toBe(expected);
    expect(monitored.code, dataPath).toBe(0);
    if (dataPath === 'kernel') expect(fastOpens, 'fast opens').toBeGreaterThan(0);
    else expect(fastOpens, 'fast opens').toBe(0);
    s.check?.(first.native);
  }
}

/** A copy of `base` in a new directory. */
function copyOf(base: string): string {
  const copy = join(tempDir('data-path-copy-'), 'tree');
  cpSync(base, copy, { recursive: true });
  return copy;
}

describe('programs on backing files, against native runs, in both data paths', () => {
  skipEachWhen(missing.tool('sha256sum', 'coreutils') ?? missing.tool('dd', 'coreutils'));
  const probe = fixture('data-path-probe');

  const archiveFormats: { name: string; file: string; flags: string[]; skip?: () => string | undefined; zip?: boolean }[] = [
    { name: 'uncompressed tar', file: 'a.tar', flags: [] },
    { name: 'tar.gz', file: 'a.tar.gz', flags: ['-z'] },
    { name: 'zip (deflated)', file: 'a.zip', flags: [], zip: true, skip: () => missing.tool('zip', 'zip') },
  ];
  for (const format of archiveFormats) {
    it(`archive (${format.name}): dd, cat, sha256sum, the C probe`, async (ctx) => {
      const skip = missing.tool('tar', 'tar') ?? format.skip?.();
      if (skip) ctx.skip(skip);
      const source = tree();
      const archive = join(tempDir('data-path-'), format.file);
      if (format.zip) run('zip', ['-q', '-r', archive, '.'], source);
      else run('tar', [...format.flags, '-cf', archive, '-C', source, '.']);
      await same(READS(probe), () => ({ native: source, monitored: ARCHIVE_MOUNT, modules: ['-m', `archive,${archive}=${ARCHIVE_MOUNT}`] }));
    });
  }

  it('archive options through the CLI: prefetch (copies made at mount), cache=0 (none: call by call)', async (ctx) => {
    if (missing.tool('tar', 'tar')) ctx.skip(missing.tool('tar', 'tar')!);
    const source = tree();
    const archive = join(tempDir('data-path-'), 'a.tar');
    run('tar', ['-cf', archive, '-C', source, '.']);
    const script = 'sha256sum "$T/big" "$T/sub/medium.bin"';
    const native = await exec('/bin/sh', ['-c', script], { env: env({ T: source }) });
    for (const [options, fast] of [[',prefetch', true], [',cache=0', false], [',cache=1m', true]] as const) {
      const result = await umview(['--stats', '-m', `archive,${archive}=${ARCHIVE_MOUNT}${options}`], ['/bin/sh', '-c', script], { env: env({ T: ARCHIVE_MOUNT }) });
      expect(tokenize(result.stdout, { [ARCHIVE_MOUNT]: '$T' }), options).toBe(tokenize(native.stdout, { [source]: '$T' }));
      const fastOpens = Number(/data path: fast opens\s+(\d+)/.exec(result.stderr)?.[1]);
      // cache=1m: room for medium.bin's copy, not big's.
      expect(fastOpens, options).toBe(fast ? (options === ',cache=1m' ? 1 : 2) : 0);
    }
  });

  it('archive: the members\' copies are kept for the next run (read-only, their bytes), which reads the same through them', async (ctx) => {
    if (missing.tool('tar', 'tar')) ctx.skip(missing.tool('tar', 'tar')!);
    const source = tree();
    const archive = join(tempDir('data-path-'), 'a.tar');
    run('tar', ['-cf', archive, '-C', source, '.']);
    const own = tempDir('data-path-kept-');
    const kept = join(own, 'umview-lite', 'archive-copies');
    const script = 'sha256sum "$T/big" "$T/sub/medium.bin" "$T/small.txt"';
    const native = await exec('/bin/sh', ['-c', script], { env: env({ T: source }) });
    const members = [readFileSync(join(source, 'big')), readFileSync(join(source, 'sub/medium.bin'))];
    for (const run of ['first', 'second']) {
      const result = await umview(['--stats', '-m', `archive,${archive}=${ARCHIVE_MOUNT}`], ['/bin/sh', '-c', script], { env: env({ T: ARCHIVE_MOUNT, XDG_CACHE_HOME: own }) });
      expect(tokenize(result.stdout, { [ARCHIVE_MOUNT]: '$T' }), run).toBe(tokenize(native.stdout, { [source]: '$T' }));
      expect(Number(/data path: fast opens\s+(\d+)/.exec(result.stderr)?.[1]), run).toBe(2);
      // big and medium.bin (small.txt is served call by call): no more after the second run.
      const names = readdirSync(kept);
      expect(names, run).toHaveLength(2);
      const copies = names.map((name) => readFileSync(join(kept, name)));
      for (const member of members) expect(copies.some((copy) => copy.equals(member)), run).toBe(true);
      for (const name of names) expect(lstatSync(join(kept, name)).mode & 0o7777).toBe(0o400);
    }
    // transient: none kept.
    const none = tempDir('data-path-kept-');
    await umview(['-m', `archive,${archive}=${ARCHIVE_MOUNT},transient`], ['/bin/sh', '-c', script], { env: env({ T: ARCHIVE_MOUNT, XDG_CACHE_HOME: none }) });
    expect(existsSync(join(none, 'umview-lite', 'archive-copies'))).toBe(false);
  });

  it('overlay: lower files read, a lower file changed (copied up) and a new one; the lower tree untouched', async () => {
    const lower = tree();
    const before = snapshot(lower);
    let upper = '';
    await same(WRITES(probe), () => {
      upper = join(tempDir('data-path-upper-'), 'upper');
      return {
        native: copyOf(lower),
        monitored: lower,
        modules: ['-m', `overlay,${lower},upper=${upper}`],
        check: (nativeAfter) => {
          for (const rel of ['sub/medium.bin', 'made']) expect(readFileSync(join(upper, rel)).equals(readFileSync(join(nativeAfter, rel))), rel).toBe(true);
          expect(snapshot(lower)).toBe(before);
        },
      };
    });
  });

  // The overlay reads lower files with O_NOATIME (its README: "even their atimes stay"): the
  // tracee's reopen of the backing fd (fast-path.ts) carries the flag over, so a read in the
  // kernel data path leaves an old lower atime as it is, as --data-path=stop does.
  it('overlay: a lower file read in the kernel data path keeps its old atime', async () => {
    const lower = tree();
    const old = 1_000_000_000;
    utimesSync(join(lower, 'big'), old, old + 100);
    const upper = join(tempDir('data-path-upper-'), 'upper');
    const result = await umview(['--data-path=kernel', '-m', `overlay,${lower},upper=${upper}`], ['cat', join(lower, 'big')], { env: env() });
    expect(result.code).toBe(0);
    expect(lstatSync(join(lower, 'big')).atimeMs).toBe(old * 1000);
  });

  // The program's own O_NOATIME is in the reopen's flags: its read leaves the atime as natively.
  it('unreal,mode=fs: a read through the program\'s own O_NOATIME open keeps the atime', async () => {
    const dir = tree();
    const old = 1_000_000_000;
    const file = join(dir, 'sub/medium.bin');
    utimesSync(file, old, old + 100);
    const native = await exec(probe, ['noatime', file]);
    expect(native.code).toBe(0);
    expect(lstatSync(file).atimeMs).toBe(old * 1000);
    const result = await umview(['--data-path=kernel', '-m', 'unreal,mode=fs'], [probe, 'noatime', `/unreal${file}`], { env: env() });
    expect(result.code).toBe(0);
    expect(lstatSync(file).atimeMs).toBe(old * 1000);
  });

  it('unreal,mode=fs (the passthrough): reads and writes of host files through /unreal', async () => {
    const base = tree();
    await same(WRITES(probe), () => {
      const copy = copyOf(base);
      return {
        native: copy,
        monitored: `/unreal${copy}`,
        modules: ['-m', 'unreal,mode=fs'],
        check: (nativeAfter) => {
          for (const rel of ['sub/medium.bin', 'made']) expect(readFileSync(join(copy, rel)).equals(readFileSync(join(nativeAfter, rel))), rel).toBe(true);
        },
      };
    });
  });
});
