// The archive file system in-process, through its FileSystem operations: archives made on the
// fly by GNU tar (gnu, pax and ustar headers; gzip and xz) and by zip, compared with what tar
// and unzip extract from the same archives (names, types, modes, owners, sizes, contents, link
// targets, times); then bad input: names that climb out, truncations at many offsets, garbage,
// lying zip directories and tar headers. Nothing may hang or throw anything but a clear
// ArchiveError at mount or an FsError on a read.
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { seededRandom, tempDir } from '@umview/test-fixtures';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { ArchiveError, mountArchive } from '../../src/file-systems/archive/index.js';
import type { ArchiveFileSystem } from '../../src/file-systems/archive/archive-file-system.js';
import { parseArchiveOptions } from '../../src/file-systems/archive/archive-options.js';
import { normalizeMemberName } from '../../src/file-systems/archive/member-name.js';
import { FsError, type Caller } from '../../src/vfs/file-system.js';
import { makeSourceTree, run, sha, TYPE_NAMES, walkHost, type Seen } from './archive-fixtures.js';

const caller: Caller = { pid: process.pid, uid: process.getuid!(), gid: process.getgid!(), umask: 0o022 };
const isRoot = process.getuid!() === 0;
const mounted: ArchiveFileSystem[] = [];
afterEach(() => {
  for (const fs of mounted.splice(0)) fs.destroy();
});

async function mount(file: string, warnings: string[] = []): Promise<ArchiveFileSystem> {
  const module = await mountArchive(file, '/mnt', { warn: (line) => warnings.push(line) });
  mounted.push(module.fileSystem);
  return module.fileSystem;
}

async function readWhole(fs: ArchiveFileSystem, path: string, chunk = 65536): Promise<Buffer> {
  const handle = await fs.open(path, 0, caller);
  const parts: Uint8Array[] = [];
  try {
    for (let position = 0; ; ) {
      const bytes = await fs.read(path, handle, chunk, position);
      if (bytes.length === 0) break;
      parts.push(bytes);
      position += bytes.length;
    }
  } finally {
    fs.release(path, handle);
  }
  return Buffer.concat(parts);
}

/** What a walk of the mount sees, in walkHost's shape. */
async function walkMount(fs: ArchiveFileSystem): Promise<Map<string, Seen & { ino: number; nlink: number }>> {
  const seen = new Map<string, Seen & { ino: number; nlink: number }>();
  const visit = async (rel: string): Promise<void> => {
    const path = `/${rel}`;
    const a = fs.getattr(path);
    const type = TYPE_NAMES[a.mode & 0o170000]!;
    const entry: Seen & { ino: number; nlink: number } = { type, mode: a.mode & 0o7777, size: type === 'directory' ? 0 : a.size, uid: a.uid ?? caller.uid, gid: a.gid ?? caller.gid, mtimeNs: a.mtimeNs, ino: a.ino!, nlink: a.nlink ?? 1 };
    if (type === 'file') entry.sha = sha(await readWhole(fs, path));
    if (type === 'symlink') entry.target = fs.readlink(path);
    if (type === 'char' || type === 'block') entry.rdev = a.rdev;
    seen.set(rel, entry);
    if (type === 'directory') for (const { name } of fs.readdir(path)) await visit(rel ? `${rel}/${name}` : name);
  };
  await visit('');
  return seen;
}

interface Expectations {
  /** The archive keeps times to the ns (pax), else to the second. */
  nsTimes?: boolean;
  owners?: boolean;
  /** The extraction restores symlinks' times (tar does, unzip does not). */
  linkTimes?: boolean;
}

/** Mount and extraction agree on every entry below the root. */
function compareTrees(mount: Map<string, Seen>, extracted: Map<string, Seen>, { nsTimes = false, owners = true, linkTimes = true }: Expectations): void {
  const shape = (seen: Map<string, Seen>) =>
    Object.fromEntries(
      [...seen]
        .filter(([rel]) => rel !== '')
        .map(([rel, s]) => {
          const { mtimeNs, uid, gid, ...rest } = s as Seen & { ino?: number; nlink?: number };
          delete (rest as { ino?: number }).ino;
          delete (rest as { nlink?: number }).nlink;
          return [rel, { ...rest, ...(owners ? { uid, gid } : {}), mtime: s.type === 'directory' || (s.type === 'symlink' && !linkTimes) ? undefined : nsTimes ? mtimeNs : mtimeNs! / 1_000_000_000n }];
        }),
    );
  expect(shape(mount)).toEqual(shape(extracted));
}

/** Skips the test with `reason` when there is one (the skip-reasons reporter lists it). */
function needs(ctx: { skip(note: string): void }, reason: string | undefined): void {
  if (reason) ctx.skip(reason);
}

const xzMissing = missing.tool('xz', 'xz-utils');
const zipMissing = missing.tool('zip', 'zip') ?? missing.tool('unzip', 'unzip');

describe('archives made by GNU tar and zip, against their extraction', () => {
  skipEachWhen(missing.tool('tar', 'tar'));
  let source: string;
  let shortSource: string;
  beforeAll(() => {
    source = join(tempDir('archive-src-'), 'tree');
    mkdirSync(source);
    makeSourceTree(source);
    shortSource = join(tempDir('archive-src-'), 'tree');
    mkdirSync(shortSource);
    makeSourceTree(shortSource, { long: false });
  });

  const extract = (archive: string, flags: string[] = []): string => {
    const out = tempDir('archive-x-');
    run('tar', ['-x', ...flags, '-p', '-f', archive, '-C', out]);
    return out;
  };

  for (const format of ['gnu', 'pax', 'ustar', 'v7'] as const) {
    it(`tar --format=${format}`, async () => {
      const tree = format === 'ustar' || format === 'v7' ? shortSource : source;
      const archive = join(tempDir('archive-'), `a-${format}.tar`);
      // v7 has no FIFOs or devices: tar leaves them out with a warning (its exit status 2).
      try {
        run('tar', [`--format=${format}`, '-cf', archive, '-C', tree, '.']);
      } catch (error) {
        if (format !== 'v7') throw error;
      }
      const fs = await mount(archive);
      const seen = await walkMount(fs);
      compareTrees(seen, walkHost(extract(archive)), { nsTimes: format === 'pax', owners: format !== 'v7' });
      // The hard link shares one inode.
      expect(seen.get('a/hard-link')!.ino).toBe(seen.get('hello.txt')!.ino);
      expect(seen.get('hello.txt')!.nlink).toBe(2);
      if (format === 'pax') {
        // pax keeps the fraction of a second: the source's time to the ns.
        const source = lstatSync(join(tree, 'hello.txt'), { bigint: true }).mtimeNs;
        expect(source % 1_000_000_000n).not.toBe(0n);
        expect(seen.get('hello.txt')!.mtimeNs).toBe(source);
      }
    });
  }

  it('tar -z (gzip), decompressed into a private scratch directory removed at destroy', async () => {
    const cache = tempDir('archive-cache-');
    process.env.XDG_CACHE_HOME = cache;
    try {
      const archive = join(tempDir('archive-'), 'a.tar.gz');
      run('tar', ['--format=gnu', '-czf', archive, '-C', source, '.']);
      const fs = await mount(archive);
      const scratchParent = join(cache, 'umview-lite', 'archives');
      expect(readdirSync(scratchParent)).toHaveLength(1);
      compareTrees(await walkMount(fs), walkHost(extract(archive)), {});
      fs.destroy();
      expect(readdirSync(scratchParent)).toHaveLength(0);
    } finally {
      delete process.env.XDG_CACHE_HOME;
    }
  });

  it(`tar -J (xz)`, async (ctx) => {
    needs(ctx, xzMissing);
    const archive = join(tempDir('archive-'), 'a.tar.xz');
    run('tar', ['--format=pax', '-cJf', archive, '-C', source, '.']);
    const fs = await mount(archive);
    compareTrees(await walkMount(fs), walkHost(extract(archive)), { nsTimes: true });
  });

  it(`zip -r --symlinks, against unzip -X`, async (ctx) => {
    needs(ctx, zipMissing);
    const archive = join(tempDir('archive-'), 'a.zip');
    // zip stores neither FIFOs nor devices, and a hard link as a second copy.
    const tree = join(tempDir('archive-src-'), 'tree');
    mkdirSync(tree);
    makeSourceTree(tree, { special: false });
    run('zip', ['-q', '-r', '--symlinks', archive, '.'], tree);
    const out = tempDir('archive-x-');
    run('unzip', ['-q', '-X', archive, '-d', out]);
    const fs = await mount(archive);
    const seen = await walkMount(fs);
    compareTrees(seen, walkHost(out), { linkTimes: false });
    expect(seen.get('link-relative')).toMatchObject({ type: 'symlink', target: 'a/b/c/binary.bin' });
    expect(seen.get('a/script.sh')!.mode).toBe(0o755);
  });

  it('a zip made by a library (yazl): deflated and stored members, modes, times, directories implied', async () => {
    const zip = new yazl.ZipFile();
    const big = Buffer.alloc(40 * 1024 * 1024, 'z'); // inflated into a scratch file (over 16 MiB)
    zip.addBuffer(Buffer.from('deflated text\n'.repeat(100)), 'docs/readme.txt', { mode: 0o100640, mtime: new Date(1_700_000_000_000) });
    zip.addBuffer(Buffer.from('stored bytes\n'), 'docs/stored.txt', { compress: false, mode: 0o100600 });
    zip.addBuffer(big, 'big/zeros', { mode: 0o100644 });
    zip.addEmptyDirectory('empty-dir/', { mode: 0o40711 });
    zip.addBuffer(Buffer.from('docs/readme.txt'), 'readme-link', { mode: 0o120777 });
    const archive = join(tempDir('archive-'), 'lib.zip');
    await new Promise<void>((resolve) => {
      const chunks: Buffer[] = [];
      zip.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        writeFileSync(archive, Buffer.concat(chunks));
        resolve();
      });
      zip.end();
    });
    const fs = await mount(archive);
    expect(fs.readdir('/').map((e) => e.name).sort()).toEqual(['big', 'docs', 'empty-dir', 'readme-link']);
    expect(fs.getattr('/docs').mode).toBe(0o40755); // implied
    expect(fs.getattr('/empty-dir').mode).toBe(0o40711);
    expect(fs.getattr('/docs/readme.txt')).toMatchObject({ mode: 0o100640, size: 1400 });
    expect(fs.getattr('/docs/readme.txt').mtimeNs! / 1_000_000_000n).toBe(1_700_000_000n);
    expect((await readWhole(fs, '/docs/readme.txt')).toString()).toBe('deflated text\n'.repeat(100));
    expect((await readWhole(fs, '/docs/stored.txt')).toString()).toBe('stored bytes\n');
    expect(fs.readlink('/readme-link')).toBe('docs/readme.txt');
    // Random access in an inflated member.
    const handle = await fs.open('/big/zeros', 0, caller);
    expect(Buffer.from(await fs.read('/big/zeros', handle, 10, big.length - 5)).toString()).toBe('zzzzz');
    fs.release('/big/zeros', handle);
  });

  it('an uncompressed tar is read in place, at random', async () => {
    const archive = join(tempDir('archive-'), 'a.tar');
    run('tar', ['-cf', archive, '-C', source, '.']);
    const fs = await mount(archive);
    const whole = readFileSync(join(source, 'a/b/c/binary.bin'));
    const handle = await fs.open('/a/b/c/binary.bin', 0, caller);
    for (const [position, length] of [[0, 10], [123_457, 4096], [299_990, 100], [300_000, 10]] as const) {
      expect(Buffer.from(await fs.read('/a/b/c/binary.bin', handle, length, position))).toEqual(whole.subarray(position, position + length));
    }
    fs.release('/a/b/c/binary.bin', handle);
  });

  it('a tar without directory entries: its directories are implied (0755), a later member replaces an earlier one', async () => {
    const archive = join(tempDir('archive-'), 'flat.tar');
    run('tar', ['--no-recursion', '-cf', archive, '-C', source, 'a/b/c/binary.bin', 'hello.txt']);
    const second = join(tempDir('archive-'), 'hello.txt');
    writeFileSync(second, 'replaced\n');
    run('tar', ['-rf', archive, '-C', join(second, '..'), 'hello.txt']);
    const fs = await mount(archive);
    expect(fs.readdir('/').map((e) => e.name).sort()).toEqual(['a', 'hello.txt']);
    for (const dir of ['/a', '/a/b', '/a/b/c']) expect(fs.getattr(dir)).toMatchObject({ mode: 0o40755, uid: undefined });
    expect(fs.getattr('/a/b').nlink).toBe(3);
    expect((await readWhole(fs, '/hello.txt')).toString()).toBe('replaced\n');
    expect(fs.getattr('/a/b/c/binary.bin').size).toBe(300_000);
  });

  it('is read-only: opens for writing, access(W_OK) and xattr changes fail with EROFS', async () => {
    const archive = join(tempDir('archive-'), 'a.tar');
    run('tar', ['-cf', archive, '-C', source, '.']);
    const fs = await mount(archive);
    for (const flags of [1, 2, 0o1000 /* O_TRUNC */]) await expect((async () => fs.open('/hello.txt', flags, caller))()).rejects.toMatchObject({ code: 'EROFS' });
    expect(() => fs.access('/hello.txt', 2, caller)).toThrow(expect.objectContaining({ code: 'EROFS' }));
    expect(() => fs.setxattr()).toThrow(expect.objectContaining({ code: 'EROFS' }));
    // The changing operations are left out: the monitor answers EROFS for them (the API's rule).
    const api = fs as unknown as Record<string, unknown>;
    for (const op of ['create', 'write', 'truncate', 'mkdir', 'rmdir', 'unlink', 'rename', 'link', 'symlink', 'mknod', 'chmod', 'chown', 'utimens', 'fallocate']) expect(api[op]).toBeUndefined();
    expect(fs.statfs()).toMatchObject({ bfree: 0, bavail: 0, ffree: 0 });
    expect(() => fs.getattr('/nope')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => fs.getattr('/hello.txt/x')).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  it('checks permissions for a caller that is not root', async () => {
    const archive = join(tempDir('archive-'), 'a.tar');
    run('tar', ['-cf', archive, '-C', source, '.']);
    const fs = await mount(archive);
    const other: Caller = { pid: 1, uid: 4321, gid: 4321, umask: 0o022 };
    if (isRoot) await expect((async () => fs.open('/a/private', 0, other))()).rejects.toMatchObject({ code: 'EACCES' });
    expect(() => fs.access('/a/script.sh', 1, other)).not.toThrow();
    expect(() => fs.access('/hello.txt', 1, other)).toThrow(expect.objectContaining({ code: 'EACCES' }));
  });
});

describe('member names', () => {
  it('normalizes as GNU tar: leading / removed, . dropped, .. refused', () => {
    expect(normalizeMemberName('/etc/passwd')).toEqual({ path: 'etc/passwd' });
    expect(normalizeMemberName('./a//b/./c/')).toEqual({ path: 'a/b/c' });
    expect(normalizeMemberName('./')).toEqual({ path: '' });
    expect(normalizeMemberName('../x')).toHaveProperty('refused');
    expect(normalizeMemberName('a/../../x')).toHaveProperty('refused');
    expect(normalizeMemberName('a/../b')).toHaveProperty('refused');
  });

  it('a tar with absolute and climbing names: nothing outside the mount, a warning for each refused', async () => {
    const top = tempDir('archive-names-');
    mkdirSync(join(top, 'work'));
    writeFileSync(join(top, 'outside'), 'outside\n');
    writeFileSync(join(top, 'work/inside'), 'inside\n');
    const archive = join(top, 'evil.tar');
    run('tar', ['-P', '-cf', archive, '../outside', join(top, 'work/inside'), 'inside'], join(top, 'work'));
    const warnings: string[] = [];
    const fs = await mount(archive, warnings);
    const seen = await walkMount(fs);
    const inside = join(top, 'work/inside').slice(1);
    expect([...seen.keys()].sort()).toEqual(['', ...inside.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')), 'inside'].sort());
    expect(warnings.join('\n')).toMatch(/\.\.\/outside: member name contains '\.\.'/);
  });

  it('a zip with ../ and absolute names (written by yazl, then renamed in place)', async () => {
    // yazl refuses such names: the archive is made with harmless names of the same lengths,
    // renamed in both the local headers and the central directory.
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('climbs\n'), 'good/file', {});
    zip.addBuffer(Buffer.from('absolute\n'), 'abs/file', {});
    const archive = join(tempDir('archive-'), 'evil.zip');
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve) => {
      zip.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', resolve);
      zip.end();
    });
    const renamed = Buffer.concat(chunks).toString('latin1').replaceAll('good/file', '../../pwn').replaceAll('abs/file', '/abs/fil');
    writeFileSync(archive, Buffer.from(renamed, 'latin1'));
    const warnings: string[] = [];
    const fs = await mount(archive, warnings);
    expect(fs.readdir('/').map((e) => e.name)).toEqual(['abs']);
    expect((await readWhole(fs, '/abs/fil')).toString()).toBe('absolute\n');
    expect(warnings.join('\n')).toMatch(/\.\.\/\.\.\/pwn: member name contains '\.\.'/);
  });
});

describe('bad input: a clear error at mount or EIO on a read, never a hang or a crash', () => {
  skipEachWhen(missing.tool('tar', 'tar'));
  const tree = () => {
    const dir = join(tempDir('archive-bad-'), 'tree');
    mkdirSync(dir);
    makeSourceTree(dir, { special: false });
    return dir;
  };

  /** Mounts `file` and reads everything: a mount error must be an ArchiveError naming the file;
   * a read error an FsError (EIO). */
  async function mountAndReadAll(file: string): Promise<'refused' | 'eio' | 'read'> {
    let fs: ArchiveFileSystem;
    try {
      fs = await mount(file);
    } catch (error) {
      expect(error).toBeInstanceOf(ArchiveError);
      expect((error as Error).message).toContain(file);
      return 'refused';
    }
    let eio = false;
    const visit = async (path: string): Promise<void> => {
      const mode = fs.getattr(path).mode & 0o170000;
      if (mode === 0o040000) for (const { name } of fs.readdir(path)) await visit(path === '/' ? `/${name}` : `${path}/${name}`);
      else if (mode === 0o100000) {
        try {
          await readWhole(fs, path);
        } catch (error) {
          expect(error).toBeInstanceOf(FsError);
          expect((error as FsError).code).toBe('EIO');
          eio = true;
        }
      }
    };
    await visit('/');
    return eio ? 'eio' : 'read';
  }

  const formats: { name: string; make: (dir: string, out: string) => void; skip?: string }[] = [
    { name: 'tar', make: (dir, out) => run('tar', ['-cf', out, '-C', dir, '.']) },
    { name: 'tar.gz', make: (dir, out) => run('tar', ['-czf', out, '-C', dir, '.']) },
    { name: 'tar.xz', make: (dir, out) => run('tar', ['-cJf', out, '-C', dir, '.']), skip: xzMissing },
    { name: 'zip', make: (dir, out) => run('zip', ['-q', '-r', '--symlinks', out, '.'], dir), skip: missing.tool('zip', 'zip') },
  ];
  for (const { name, make, skip } of formats) {
    it(`${name} truncated at 60 offsets`, async (ctx) => {
    needs(ctx, skip);
      const dir = tree();
      const whole = join(tempDir('archive-'), `whole.${name}`);
      make(dir, whole);
      const bytes = readFileSync(whole);
      const random = seededRandom(bytes.length);
      const offsets = new Set([0, 1, 100, 511, 512, 513, 1024, bytes.length - 1, bytes.length - 512, bytes.length - 1024, bytes.length - 22]);
      while (offsets.size < 60) offsets.add(Math.floor(random() * bytes.length));
      const outcomes: Record<string, number> = {};
      for (const offset of [...offsets].filter((o) => o >= 0 && o < bytes.length)) {
        const cut = join(tempDir('archive-cut-'), `cut-${offset}.${name}`);
        writeFileSync(cut, bytes.subarray(0, offset));
        const outcome = await mountAndReadAll(cut);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
      // Most cuts lose data the index needs; all were answered.
      expect(outcomes.refused).toBeGreaterThan(0);
    });
  }

  it('garbage bytes, an empty file, a missing file', async () => {
    const dir = tempDir('archive-garbage-');
    const random = seededRandom(7);
    const garbage = join(dir, 'garbage.tar');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 10_000 }, () => Math.floor(random() * 256))));
    await expect(mount(garbage)).rejects.toThrow(/garbage\.tar: at byte 0: not a tar header/);
    writeFileSync(join(dir, 'empty.tar'), '');
    await expect(mount(join(dir, 'empty.tar'))).rejects.toThrow(/empty\.tar: empty file/);
    await expect(mount(join(dir, 'absent.tar'))).rejects.toThrow(/absent\.tar: cannot open the archive \(ENOENT\)/);
    for (const [magic, name] of [[[0x1f, 0x8b], 'g.tar.gz'], [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'x.tar.xz'], [[0x50, 0x4b, 3, 4], 'z.zip']] as const) {
      writeFileSync(join(dir, name), Buffer.concat([Buffer.from(magic), Buffer.from(Array.from({ length: 5000 }, () => Math.floor(random() * 256)))]));
      await expect(mount(join(dir, name))).rejects.toThrow(ArchiveError);
    }
  });

  it('a tar header claiming a huge size', async () => {
    const dir = tree();
    const archive = join(tempDir('archive-'), 'huge.tar');
    run('tar', ['--format=gnu', '-cf', archive, '-C', dir, 'hello.txt']);
    const bytes = readFileSync(archive);
    // size field (octal, 12 bytes at 124): 77777777777 = 8 GiB - 1, then the checksum redone.
    bytes.write('77777777777\0', 124, 'latin1');
    bytes.write('        ', 148, 'latin1');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += bytes[i]!;
    bytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    writeFileSync(archive, bytes);
    await expect(mount(archive)).rejects.toThrow(/huge\.tar: at byte 0: member hello\.txt claims 8589934591 bytes but the archive ends/);
  });

  it(`a zip whose central directory lies`, async (ctx) => {
    needs(ctx, zipMissing);
    const dir = tree();
    const whole = join(tempDir('archive-'), 'whole.zip');
    run('zip', ['-q', '-r', whole, 'a/b/c/binary.bin', 'hello.txt'], dir);
    const bytes = readFileSync(whole);
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 1, 2]));
    const patched = (at: number, value: number, name: string) => {
      const copy = Buffer.from(bytes);
      copy.writeUInt32LE(value, central + at);
      const file = join(tempDir('archive-'), name);
      writeFileSync(file, copy);
      return file;
    };
    // Uncompressed size far beyond what the deflated bytes can hold.
    await expect(mount(patched(24, 0xfffffff0, 'bomb.zip'))).rejects.toThrow(/bomb\.zip: member a\/b\/c\/binary\.bin claims 4294967280 bytes from .* deflated bytes/);
    // The local header's offset beyond the file.
    await expect(mount(patched(42, bytes.length + 1000, 'offset.zip'))).rejects.toThrow(/offset\.zip: member .* beyond the file/);
    // A size that is plausible but wrong: the member fails with EIO when read, the rest reads.
    const lying = patched(24, 299_999, 'short.zip');
    const fs = await mount(lying);
    await expect(readWhole(fs, '/a/b/c/binary.bin')).rejects.toMatchObject({ code: 'EIO' });
    expect((await readWhole(fs, '/hello.txt')).toString()).toBe('hello, archive\n');
  });
});

describe('options', () => {
  it('accepts FILE=/mnt, FILE,/mnt and file=FILE,at=/mnt', () => {
    const defaults = { cacheBytes: 1 << 30, prefetch: false, transient: false };
    expect(parseArchiveOptions({ 'x.tar': '/mnt/', positional: [] })).toEqual({ file: join(process.cwd(), 'x.tar'), mountPoint: '/mnt', ...defaults });
    expect(parseArchiveOptions({ '/a/x.zip': true, '/m': true, positional: ['/a/x.zip', '/m'] })).toEqual({ file: '/a/x.zip', mountPoint: '/m', ...defaults });
    expect(parseArchiveOptions({ file: '/a/x.zip', at: '/m//n', positional: [] })).toEqual({ file: '/a/x.zip', mountPoint: '/m/n', ...defaults });
    expect(() => parseArchiveOptions({ positional: [] })).toThrow(/which archive/);
    expect(() => parseArchiveOptions({ 'x.tar': 'mnt', positional: [] })).toThrow(/not an absolute path/);
  });

  it('cache=SIZE: the byte budget of the members\' backing files (0: none), beside any spelling', () => {
    expect(parseArchiveOptions({ 'x.tar': '/mnt', cache: '64m', positional: [] })).toMatchObject({ file: join(process.cwd(), 'x.tar'), mountPoint: '/mnt', cacheBytes: 64 << 20 });
    expect(parseArchiveOptions({ cache: '0', positional: ['/a/x.tar', '/m'] })).toMatchObject({ file: '/a/x.tar', cacheBytes: 0 });
    expect(parseArchiveOptions({ file: '/a/x.zip', at: '/m', cache: '2G', positional: [] }).cacheBytes).toBe(2 * 2 ** 30);
    expect(() => parseArchiveOptions({ 'x.tar': '/mnt', cache: 'lots', positional: [] })).toThrow(/bad cache=lots/);
    expect(() => parseArchiveOptions({ file: '/a/x.tar', at: '/m', cache: true, positional: ['cache'] })).toThrow(/bad cache=/);
  });

  it('transient: a flag beside any spelling, and prefetch with it', () => {
    expect(parseArchiveOptions({ 'x.tar': '/mnt', transient: true, positional: ['transient'] })).toMatchObject({ mountPoint: '/mnt', transient: true, prefetch: false });
    expect(parseArchiveOptions({ '/a/x.tar': true, '/m': true, transient: true, prefetch: true, positional: ['/a/x.tar', '/m', 'transient', 'prefetch'] })).toMatchObject({ file: '/a/x.tar', mountPoint: '/m', transient: true, prefetch: true });
    expect(() => parseArchiveOptions({ file: '/a/x.tar', at: '/m', transient: 'no', positional: [] })).toThrow(/transient takes no value/);
  });

  it('prefetch: a flag beside any spelling', () => {
    expect(parseArchiveOptions({ 'x.tar': '/mnt', prefetch: true, positional: ['prefetch'] })).toMatchObject({ mountPoint: '/mnt', prefetch: true });
    expect(parseArchiveOptions({ '/a/x.tar': true, '/m': true, prefetch: true, positional: ['/a/x.tar', '/m', 'prefetch'] })).toMatchObject({ file: '/a/x.tar', mountPoint: '/m', prefetch: true });
    expect(parseArchiveOptions({ file: '/a/x.tar', at: '/m', prefetch: true, positional: ['prefetch'] }).prefetch).toBe(true);
    expect(() => parseArchiveOptions({ file: '/a/x.tar', at: '/m', prefetch: 'yes', positional: [] })).toThrow(/prefetch takes no value/);
  });
});
