// The archive's backing files (FileSystem.backing, extracted-members.ts), called in process: a
// member's copy in an unnamed file, read natively through a reopen as the monitor makes it and
// compared with the member's bytes, for every format (tar in place, tar.gz and tar.xz
// decompressed at mount, zip stored and deflated); one copy shared by the opens of a member;
// small members served call by call; the byte budget (least recently used copies dropped, none
// while an open file uses it); cache=0; an archive cut short after the mount (no copy: the
// reads fail with EIO as before); the copies closed at destroy. And the copies kept for the next
// runs (kept-copies.ts) in a cache directory of the test's own: found by a later mount, renamed
// by a change to the archive, made again when tampered with, within the budget, never for a
// transient mount or a damaged member, never in a directory others can write to.
import { chmodSync, constants, existsSync, fstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { seededRandom, tempDir } from '@umview/test-fixtures';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { mountArchive } from '../../src/file-systems/archive/index.js';
import type { ArchiveFileSystem } from '../../src/file-systems/archive/archive-file-system.js';
import { COPY_CHUNK } from '../../src/file-systems/archive/copy-range.js';
import { MIN_BACKED_SIZE } from '../../src/file-systems/archive/extracted-members.js';
import type { Caller, FsError } from '../../src/vfs/file-system.js';
import { run } from './archive-fixtures.js';
import { inodeOf, readNatively, reopen } from './backing-reopen.js';

const caller: Caller = { pid: process.pid, uid: process.getuid!(), gid: process.getgid!(), umask: 0o022 };
const mounted: ArchiveFileSystem[] = [];
afterEach(() => {
  for (const fs of mounted.splice(0)) fs.destroy();
});

async function mount(file: string, cacheBytes?: number, prefetch?: boolean, transient = true): Promise<ArchiveFileSystem> {
  const module = await mountArchive(file, '/mnt', { warn: () => undefined, cacheBytes, prefetch, transient });
  mounted.push(module.fileSystem);
  return module.fileSystem;
}

function bytes(n: number, seed: number): Buffer {
  const random = seededRandom(seed);
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256);
  return out;
}

/** The source tree: members below, at and above the size that gets a copy, and one bigger than
 * a copy chunk (copied over several turns of the event loop: a promise), made of a repeated
 * block so that xz (a WebAssembly decoder here) decompresses it quickly. */
const FILES: Record<string, Buffer> = {
  'small.txt': Buffer.from('small, served call by call\n'),
  'dir/at-threshold.bin': bytes(MIN_BACKED_SIZE, 1),
  'dir/medium.bin': bytes(300_000, 2),
  'odd.bin': bytes(MIN_BACKED_SIZE + 123, 3),
  'big.bin': Buffer.concat([...Array.from({ length: (COPY_CHUNK * 2) / 65536 }, () => bytes(65536, 4)), bytes(4097, 5)]),
};

async function backingOf(fs: ArchiveFileSystem, path: string): Promise<{ handle: unknown; fd: number | undefined }> {
  const handle = await fs.open(path, constants.O_RDONLY, caller);
  return { handle, fd: await fs.backing(path, handle) };
}

let source: string;
beforeAll(() => {
  source = join(tempDir('archive-backing-src-'), 'tree');
  for (const [rel, data] of Object.entries(FILES)) {
    mkdirSync(join(source, rel, '..'), { recursive: true });
    writeFileSync(join(source, rel), data);
  }
});

function tarOf(flags: string[], name: string): string {
  const archive = join(tempDir('archive-backing-'), name);
  run('tar', [...flags, '-cf', archive, '-C', source, '.']);
  return archive;
}

async function zipOf(compress: boolean): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [rel, data] of Object.entries(FILES)) zip.addBuffer(data, rel, { compress, mode: 0o100644 });
  const archive = join(tempDir('archive-backing-'), compress ? 'deflated.zip' : 'stored.zip');
  await new Promise<void>((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      writeFileSync(archive, Buffer.concat(chunks));
      resolve();
    });
    zip.end();
  });
  return archive;
}

/** Every member: a copy with its bytes (or none for a small one), its size what getattr says,
 * read-only for its owner. */
async function checkEveryMember(fs: ArchiveFileSystem): Promise<void> {
  for (const [rel, data] of Object.entries(FILES)) {
    const path = `/${rel}`;
    const { handle, fd } = await backingOf(fs, path);
    if (data.length < MIN_BACKED_SIZE) {
      expect(fd, path).toBeUndefined();
      expect(Buffer.from(await fs.read(path, handle, 1 << 16, 0)).equals(data)).toBe(true);
    } else {
      expect(fd, path).toBeTypeOf('number');
      const stats = fstatSync(fd!);
      expect(stats.size).toBe(fs.getattr(path).size);
      expect(stats.mode & 0o777).toBe(0o400);
      expect(readNatively(fd!).equals(data), path).toBe(true);
    }
    fs.release(path, handle);
  }
}

describe('backing files of every format', () => {
  skipEachWhen(missing.tool('tar', 'tar'));
  it('an uncompressed tar: members copied out of the archive (copy_file_range)', async () => {
    await checkEveryMember(await mount(tarOf([], 'a.tar')));
  });

  it('tar.gz (decompressed at mount, copied out of the decompressed data)', async () => {
    await checkEveryMember(await mount(tarOf(['-z'], 'a.tar.gz')));
  });

  it('tar.xz', async (ctx) => {
    if (missing.tool('xz', 'xz-utils')) ctx.skip(missing.tool('xz', 'xz-utils')!);
    await checkEveryMember(await mount(tarOf(['-J'], 'a.tar.xz')));
  });

  it('zip, stored members (copied) and deflated ones (inflated into the copy)', async () => {
    await checkEveryMember(await mount(await zipOf(false)));
    await checkEveryMember(await mount(await zipOf(true)));
  });
});

describe('the copies', () => {
  skipEachWhen(missing.tool('tar', 'tar'));

  it('are made once and shared by every open of the member (a hard link\'s too)', async () => {
    const fs = await mount(tarOf([], 'a.tar'));
    const first = await backingOf(fs, '/dir/medium.bin');
    const second = await backingOf(fs, '/dir/medium.bin');
    expect(second.fd).toBe(first.fd);
    fs.release('/dir/medium.bin', first.handle);
    fs.release('/dir/medium.bin', second.handle);
    const third = await backingOf(fs, '/dir/medium.bin');
    expect(third.fd).toBe(first.fd);
    expect(readNatively(third.fd!).equals(FILES['dir/medium.bin']!)).toBe(true);
    fs.release('/dir/medium.bin', third.handle);
  });

  it('a big member is copied over several turns of the event loop (a promise), once for opens made meanwhile', async () => {
    const fs = await mount(tarOf([], 'a.tar'));
    const a = await fs.open('/big.bin', constants.O_RDONLY, caller);
    const b = await fs.open('/big.bin', constants.O_RDONLY, caller);
    const pendingA = fs.backing('/big.bin', a);
    const pendingB = fs.backing('/big.bin', b);
    expect(pendingA).toBeInstanceOf(Promise);
    const [fdA, fdB] = await Promise.all([pendingA, pendingB]);
    expect(fdB).toBe(fdA);
    expect(readNatively(fdA!).equals(FILES['big.bin']!)).toBe(true);
    fs.release('/big.bin', a);
    fs.release('/big.bin', b);
  });

  it('an open released while its copy is made gives it back (the copy can go to make room)', async () => {
    const big = FILES['big.bin']!.length;
    const fs = await mount(tarOf([], 'a.tar'), big + 1000);
    const a = await fs.open('/big.bin', constants.O_RDONLY, caller);
    const pending = fs.backing('/big.bin', a);
    expect(pending).toBeInstanceOf(Promise);
    fs.release('/big.bin', a);
    expect(await pending).toBeUndefined();
    // Nothing uses big.bin's copy: it goes for medium.bin's.
    const m = await backingOf(fs, '/dir/medium.bin');
    expect(m.fd).toBeTypeOf('number');
    expect(readNatively(m.fd!).equals(FILES['dir/medium.bin']!)).toBe(true);
    fs.release('/dir/medium.bin', m.handle);
  });

  it('stay within the budget: the least recently used copy no open uses goes, none while used', async () => {
    const medium = FILES['dir/medium.bin']!.length;
    const fs = await mount(tarOf([], 'a.tar'), medium + MIN_BACKED_SIZE + 200);
    const m = await backingOf(fs, '/dir/medium.bin');
    const t = await backingOf(fs, '/dir/at-threshold.bin');
    expect(t.fd).toBeTypeOf('number');
    // No room for odd.bin while both are used: served call by call.
    const o = await backingOf(fs, '/odd.bin');
    expect(o.fd).toBeUndefined();
    expect(Buffer.from(await fs.read('/odd.bin', o.handle, 100, 0)).equals(FILES['odd.bin']!.subarray(0, 100))).toBe(true);
    fs.release('/odd.bin', o.handle);
    // medium.bin released: it is the least recently used, so it goes to make room.
    fs.release('/dir/medium.bin', m.handle);
    const again = await backingOf(fs, '/odd.bin');
    expect(again.fd).toBeTypeOf('number');
    expect(readNatively(again.fd!).equals(FILES['odd.bin']!)).toBe(true);
    expect(readNatively(t.fd!).equals(FILES['dir/at-threshold.bin']!)).toBe(true);
    // medium.bin's copy is closed: its fd number is free (or already odd.bin's copy's).
    if (again.fd !== m.fd) expect(() => readlinkSync(`/proc/self/fd/${m.fd}`)).toThrow();
    // A member bigger than the whole budget never gets a copy.
    const big = await backingOf(fs, '/big.bin');
    expect(big.fd).toBeUndefined();
    fs.release('/big.bin', big.handle);
    fs.release('/odd.bin', again.handle);
    fs.release('/dir/at-threshold.bin', t.handle);
  });

  it('prefetch: the copies are made at mount, as far as the budget goes, none dropped for another', async () => {
    const fs = await mount(tarOf([], 'a.tar'), undefined, true);
    const a = await fs.open('/big.bin', constants.O_RDONLY, caller);
    const fd = fs.backing('/big.bin', a);
    expect(fd).toBeTypeOf('number'); // ready: no promise
    expect(readNatively(fd as number).equals(FILES['big.bin']!)).toBe(true);
    fs.release('/big.bin', a);
    // A budget for medium.bin and less: what comes first in the tree and fits is copied.
    const medium = FILES['dir/medium.bin']!.length;
    const small = await mount(tarOf([], 'a.tar'), medium + 100, true);
    const copied: string[] = [];
    for (const rel of Object.keys(FILES)) {
      const handle = await small.open(`/${rel}`, constants.O_RDONLY, caller);
      const backing = small.backing(`/${rel}`, handle);
      if (typeof backing === 'number') copied.push(rel);
      // (a member not copied at mount may be copied now, at its first open)
      await backing;
      small.release(`/${rel}`, handle);
    }
    expect(copied.length).toBeGreaterThan(0);
    expect(copied).not.toContain('big.bin');
    expect(copied).not.toContain('small.txt');
  });

  it('cache=0: no copies, every open served call by call', async () => {
    const fs = await mount(tarOf([], 'a.tar'), 0);
    const { handle, fd } = await backingOf(fs, '/dir/medium.bin');
    expect(fd).toBeUndefined();
    expect(Buffer.from(await fs.read('/dir/medium.bin', handle, 10, 5)).equals(FILES['dir/medium.bin']!.subarray(5, 15))).toBe(true);
    fs.release('/dir/medium.bin', handle);
  });

  it('an archive cut short after the mount: no copy, and the reads fail with EIO as before', async () => {
    const archive = tarOf([], 'a.tar');
    const fs = await mount(archive);
    truncateSync(archive, 10 * 1024);
    for (const path of ['/big.bin', '/dir/medium.bin']) {
      const { handle, fd } = await backingOf(fs, path);
      expect(fd, path).toBeUndefined();
      await expect(Promise.resolve().then(() => fs.read(path, handle, 4096, 0))).rejects.toMatchObject({ code: 'EIO' } satisfies Partial<FsError>);
      fs.release(path, handle);
    }
  });

  it('are closed when the mount goes', async () => {
    const fs = await mount(tarOf([], 'a.tar'));
    const { handle, fd } = await backingOf(fs, '/dir/medium.bin');
    const copy = readlinkSync(`/proc/self/fd/${fd}`);
    expect(copy).toMatch(/\(deleted\)$/);
    fs.release('/dir/medium.bin', handle);
    fs.destroy();
    let now: string | undefined;
    try {
      now = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      now = undefined;
    }
    expect(now).not.toBe(copy);
  });

  it('the copy refuses a reopen for writing by its owner (unless root)', async (ctx) => {
    if (process.getuid!() === 0) ctx.skip('root: every access mode passes the kernel\'s permission check');
    const fs = await mount(tarOf([], 'a.tar'));
    const { handle, fd } = await backingOf(fs, '/dir/medium.bin');
    expect(() => reopen(fd!, constants.O_RDWR)).toThrow(expect.objectContaining({ code: 'EACCES' }));
    fs.release('/dir/medium.bin', handle);
  });
});

describe('copies kept for the next runs (kept-copies.ts)', () => {
  skipEachWhen(missing.tool('tar', 'tar'));
  let cache: string;
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.XDG_CACHE_HOME;
    cache = tempDir('archive-kept-');
    process.env.XDG_CACHE_HOME = cache;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  });
  const keptDirectory = () => join(cache, 'umview-lite', 'archive-copies');
  const kept = () => (existsSync(keptDirectory()) ? readdirSync(keptDirectory()) : []);
  const keep = (file: string, cacheBytes?: number) => mount(file, cacheBytes, undefined, false);

  it('a copy is linked in once complete (read-only, the member\'s bytes), and a later mount opens it without copying', async () => {
    const archive = tarOf([], 'a.tar');
    const first = await keep(archive);
    const a = await first.open('/big.bin', constants.O_RDONLY, caller);
    const made = first.backing('/big.bin', a);
    expect(made).toBeInstanceOf(Promise); // copied over several turns of the event loop
    const fd = (await made)!;
    expect(kept()).toHaveLength(1);
    const [name] = kept();
    expect(name).toMatch(/^[0-9a-f]{64}$/);
    const onDisk = statSync(join(keptDirectory(), name!));
    expect(onDisk.ino).toBe(inodeOf(fd));
    expect(onDisk.mode & 0o7777).toBe(0o400);
    expect(readFileSync(join(keptDirectory(), name!)).equals(FILES['big.bin']!)).toBe(true);
    first.release('/big.bin', a);
    first.destroy();

    const second = await keep(archive);
    const b = await second.open('/big.bin', constants.O_RDONLY, caller);
    const found = second.backing('/big.bin', b);
    expect(found).toBeTypeOf('number'); // no copy: no promise
    expect(inodeOf(found as number)).toBe(onDisk.ino);
    expect(readNatively(found as number).equals(FILES['big.bin']!)).toBe(true);
    second.release('/big.bin', b);
    expect(kept()).toEqual([name]);
  });

  it('two mounts making the same copy at once (two runs) both get it right, one is kept', async () => {
    const archive = tarOf([], 'a.tar');
    const [one, two] = [await keep(archive), await keep(archive)];
    const a = await one.open('/big.bin', constants.O_RDONLY, caller);
    const b = await two.open('/big.bin', constants.O_RDONLY, caller);
    const pending = [one.backing('/big.bin', a), two.backing('/big.bin', b)];
    for (const p of pending) expect(p).toBeInstanceOf(Promise); // both copying
    const [fdA, fdB] = await Promise.all(pending);
    expect(readNatively(fdA!).equals(FILES['big.bin']!)).toBe(true);
    expect(readNatively(fdB!).equals(FILES['big.bin']!)).toBe(true);
    expect(kept()).toHaveLength(1);
    expect(readFileSync(join(keptDirectory(), kept()[0]!)).equals(FILES['big.bin']!)).toBe(true);
    one.release('/big.bin', a);
    two.release('/big.bin', b);
  });

  it('a changed archive (even a chmod: its ctime) names new copies; the old ones are not used', async () => {
    const archive = tarOf([], 'a.tar');
    const first = await keep(archive);
    const a = await backingOf(first, '/dir/medium.bin');
    const before = inodeOf(a.fd!);
    first.release('/dir/medium.bin', a.handle);
    first.destroy();
    chmodSync(archive, 0o640);
    const second = await keep(archive);
    const b = await backingOf(second, '/dir/medium.bin');
    expect(inodeOf(b.fd!)).not.toBe(before);
    expect(kept()).toHaveLength(2);
    second.release('/dir/medium.bin', b.handle);
  });

  it('a kept copy that is not as it was made (made writable and changed) is removed and made again', async () => {
    const archive = tarOf([], 'a.tar');
    const first = await keep(archive);
    const a = await backingOf(first, '/dir/medium.bin');
    first.release('/dir/medium.bin', a.handle);
    first.destroy();
    const path = join(keptDirectory(), kept()[0]!);
    chmodSync(path, 0o600);
    writeFileSync(path, Buffer.alloc(FILES['dir/medium.bin']!.length, 0x41));
    const second = await keep(archive);
    const b = await backingOf(second, '/dir/medium.bin');
    // (the tampered file's bytes are all 'A': these are the member's)
    expect(readNatively(b.fd!).equals(FILES['dir/medium.bin']!)).toBe(true);
    expect(statSync(path).mode & 0o7777).toBe(0o400);
    second.release('/dir/medium.bin', b.handle);
  });

  it('the kept copies stay within cache=: the least recently used go first, an open copy reading on', async () => {
    const medium = FILES['dir/medium.bin']!.length;
    const budget = medium + MIN_BACKED_SIZE + 200;
    const archive = tarOf([], 'a.tar');
    const fs = await keep(archive, budget);
    const m = await backingOf(fs, '/dir/medium.bin');
    fs.release('/dir/medium.bin', m.handle);
    const t = await backingOf(fs, '/dir/at-threshold.bin');
    fs.release('/dir/at-threshold.bin', t.handle);
    expect(kept()).toHaveLength(2);
    const named = (fd: number) => kept().find((name) => statSync(join(keptDirectory(), name)).ino === inodeOf(fd));
    const mediumName = named(m.fd!);
    expect(mediumName).toBeDefined();
    // A use sets a copy's mtime; both were used within the same few ms here (the kernel's
    // coarse clock may give them one time): medium.bin's use is put a minute back.
    const minuteAgo = Date.now() / 1000 - 60;
    utimesSync(join(keptDirectory(), mediumName!), minuteAgo, minuteAgo);
    // odd.bin does not fit beside both: medium.bin, used longest ago, goes.
    const o = await backingOf(fs, '/odd.bin');
    expect(o.fd).toBeTypeOf('number');
    const total = kept().reduce((sum, name) => sum + statSync(join(keptDirectory(), name)).size, 0);
    expect(total).toBeLessThanOrEqual(budget);
    expect(kept()).not.toContain(mediumName);
    expect(readNatively(o.fd!).equals(FILES['odd.bin']!)).toBe(true);
    fs.release('/odd.bin', o.handle);
  });

  it('transient, cache=0 and a damaged member keep nothing', async () => {
    const archive = tarOf([], 'a.tar');
    const transient = await mount(archive); // the helper's default: transient
    const a = await backingOf(transient, '/dir/medium.bin');
    expect(a.fd).toBeTypeOf('number');
    expect(readlinkSync(`/proc/self/fd/${a.fd}`)).toMatch(/\(deleted\)$/);
    transient.release('/dir/medium.bin', a.handle);
    const none = await keep(archive, 0);
    none.release('/dir/medium.bin', (await backingOf(none, '/dir/medium.bin')).handle);
    const cut = await keep(archive);
    truncateSync(archive, 10 * 1024);
    const c = await backingOf(cut, '/big.bin');
    expect(c.fd).toBeUndefined();
    cut.release('/big.bin', c.handle);
    expect(kept()).toEqual([]);
  });

  it('a cache directory others can write to is not used: the copies are the mount\'s own, the directory left as it is', async () => {
    mkdirSync(keptDirectory(), { recursive: true });
    chmodSync(keptDirectory(), 0o777);
    const fs = await keep(tarOf([], 'a.tar'));
    const a = await backingOf(fs, '/dir/medium.bin');
    expect(readNatively(a.fd!).equals(FILES['dir/medium.bin']!)).toBe(true);
    expect(kept()).toEqual([]);
    expect(statSync(keptDirectory()).mode & 0o777).toBe(0o777);
    fs.release('/dir/medium.bin', a.handle);
  });
});
