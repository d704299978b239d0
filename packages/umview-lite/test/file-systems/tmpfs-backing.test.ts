// The tmpfs module's backing files (FileSystem.backing), called directly as the monitor calls
// them: after an open, `backing` gives an fd of the module's; the traced program's reads and
// writes are then the kernel's, on its own reopening of /proc/<monitor>/fd/N, which these tests
// make as the monitor does (/proc/self/fd/N, with the open's access mode). The module is not
// told of those writes: getattr, the module's own read and write, truncate, fallocate, statfs
// and the size limit must follow the kernel file all the same.
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { DEFAULT_BACKING_POLICY, type BackingPolicy } from '../../src/file-systems/tmpfs/backing-pool.js';
import { allocatedRanges } from '../../src/file-systems/tmpfs/kernel-file-calls.js';
import { TmpfsFileSystem, type OpenFile } from '../../src/file-systems/tmpfs/tmpfs-file-system.js';
import type { Caller } from '../../src/vfs/file-system.js';

const { O_RDONLY, O_WRONLY, O_RDWR, O_APPEND, O_TRUNC } = constants;
const O_TMPFILE = 0o20200000;
const root: Caller = { pid: 1, uid: 0, gid: 0, umask: 0 };
const A: Caller = { pid: 2, uid: 1001, gid: 1001, umask: 0 };

/** Why backing files cannot be made in os.tmpdir() here. */
function tmpfileMissing(): string | undefined {
  try {
    closeSync(openSync(tmpdir(), O_TMPFILE | O_RDWR, 0o600));
    return undefined;
  } catch (error) {
    return `O_TMPFILE in ${tmpdir()} (the backing files' directory) fails: ${(error as { code?: string }).code}`;
  }
}

const made: TmpfsFileSystem[] = [];
const reopened: number[] = [];
afterEach(() => {
  for (const fd of reopened.splice(0)) closeSync(fd);
  for (const fs of made.splice(0)) fs.destroy();
});

/** A mount of `size` bytes (0: no limit) whose policy gives every open a backing file unless
 * told otherwise. */
function mount(size = 0, policy: Partial<BackingPolicy> = {}): TmpfsFileSystem {
  const fs = new TmpfsFileSystem({
    maxPages: size ? size / 4096 : Infinity,
    maxInodes: Infinity,
    rootMode: 0o1777,
    rootUid: 0,
    rootGid: 0,
    backing: { minReadOnlySize: 0, ...policy },
  });
  made.push(fs);
  return fs;
}

/** The traced program's own open of the backing file, as the monitor makes it. */
function reopen(fd: number, flags: number): number {
  const own = openSync(`/proc/self/fd/${fd}`, flags);
  reopened.push(own);
  return own;
}

function readAll(fd: number, length: number, position = 0): string {
  const buffer = Buffer.alloc(length);
  return buffer.subarray(0, readSync(fd, buffer, 0, length, position)).toString();
}

const code = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

const isOpen = (fd: number): boolean => code(() => fstatSync(fd)) === 'ok';

/** Why the backing files' file system cannot say which pages fallocate reserved (FIEMAP; a
 * tmpfs cannot, and SEEK_DATA calls them holes there). */
function fiemapMissing(): string | undefined {
  const fd = openSync(tmpdir(), O_TMPFILE | O_RDWR, 0o600);
  try {
    return allocatedRanges(fd) === undefined ? `no FIEMAP in ${tmpdir()} (the backing files' directory): a page fallocate reserved and nothing wrote is not seen at the fold` : undefined;
  } finally {
    closeSync(fd);
  }
}

describe('tmpfs backing files', () => {
  skipEachWhen(tmpfileMissing());

  it('writes in the kernel: getattr says the size, times and blocks; the module reads them, and its writes are seen there', () => {
    const fs = mount();
    const h = fs.create('/f', O_RDWR, 0o644, root);
    const created = fs.getattr('/f', root);
    const fd = fs.backing('/f', h)!;
    expect(fd).toBeGreaterThan(2);
    expect(fs.backing('/f', h)).toBe(fd);
    const own = reopen(fd, O_RDWR);
    writeSync(own, 'hello world', 0);
    const kernel = fstatSync(own, { bigint: true });
    const after = fs.getattr('/f', root);
    expect(after).toMatchObject({ size: 11, blocks: 8, mtimeNs: kernel.mtimeNs, ctimeNs: kernel.ctimeNs, birthtimeNs: created.birthtimeNs });
    expect(after.mtimeNs! > created.mtimeNs!).toBe(true);
    expect(Buffer.from(fs.read('/f', h, 100, 0, root)).toString()).toBe('hello world');
    // An open without a backing file (served call by call) sees the same bytes, and its writes
    // are the kernel file's.
    const other = fs.open('/f', O_RDWR, root);
    expect(Buffer.from(fs.read('/f', other, 100, 6, root)).toString()).toBe('world');
    expect(fs.write('/f', other, Buffer.from('WORLD!'), 6, root)).toBe(6);
    expect(readAll(own, 100)).toBe('hello WORLD!');
    expect(fs.getattr('/f', root).size).toBe(12);
    // O_APPEND on the reopening: the kernel appends at the current size.
    const appender = reopen(fd, O_WRONLY | O_APPEND);
    writeSync(appender, '+');
    expect(fs.getattr('/f', root).size).toBe(13);
    expect(Buffer.from(fs.read('/f', other, 100, 0, root)).toString()).toBe('hello WORLD!+');
    // The access mode is the reopening's: a read-only open cannot write.
    expect(code(() => writeSync(reopen(fd, O_RDONLY), 'x'))).toBe('EBADF');
    fs.release('/f', other);
    fs.release('/f', h);
  });

  it('hard links share one backing file; an unlinked open file keeps working, and its fd closes with its last release', () => {
    const fs = mount(1 << 20);
    fs.release('/a', fs.create('/a', O_WRONLY, 0o644, root));
    fs.link('/a', '/b', root);
    const h1 = fs.open('/a', O_RDWR, root);
    const h2 = fs.open('/b', O_RDONLY, root);
    const fd = fs.backing('/a', h1)!;
    expect(fs.backing('/b', h2)).toBe(fd);
    expect(fs.backings.stats.files).toBe(1);
    writeSync(reopen(fd, O_WRONLY), Buffer.alloc(8192, 7));
    fs.unlink('/a', root);
    fs.unlink('/b', root);
    expect(fs.statfs().bfree).toBe(256 - 2);
    expect((h1 as OpenFile).inode.attributes()).toMatchObject({ nlink: 0, size: 8192, blocks: 16 });
    expect(Buffer.from(fs.read('/a', h2, 4, 8188, root)).equals(Buffer.alloc(4, 7))).toBe(true);
    fs.release('/a', h1);
    expect(isOpen(fd)).toBe(true);
    fs.release('/b', h2);
    expect(isOpen(fd)).toBe(false);
    expect(fs.backings.stats.files).toBe(0);
    expect(fs.statfs().bfree).toBe(256);
  });

  it('at the last release a small file goes back into Buffers, holes kept; a big one keeps its backing file; the budget folds the oldest idle one', () => {
    const fs = mount(0, { foldAtMost: 64 * 1024, maxFiles: 2 });
    const small = fs.create('/small', O_RDWR, 0o644, root);
    const smallFd = fs.backing('/small', small)!;
    const own = reopen(smallFd, O_RDWR);
    writeSync(own, 'first', 0);
    writeSync(own, 'last', 40000);
    const before = fs.getattr('/small', root);
    expect(before).toMatchObject({ size: 40004, blocks: 16 });
    fs.release('/small', small);
    expect(isOpen(smallFd)).toBe(false);
    expect(fs.backings.stats).toMatchObject({ files: 0, idle: 0 });
    expect(fs.getattr('/small', root)).toEqual(before);
    const again = fs.open('/small', O_RDONLY, root);
    expect(Buffer.from(fs.read('/small', again, 5, 0, root)).toString()).toBe('first');
    expect(Buffer.from(fs.read('/small', again, 10, 39995, root)).toString()).toBe('\0\0\0\0\0last');
    fs.release('/small', again);

    const big = (name: string, fill: number): { handle: OpenFile; fd: number | undefined } => {
      const handle = fs.create(name, O_RDWR, 0o644, root) as OpenFile;
      const fd = fs.backing(name, handle);
      if (fd !== undefined) writeSync(reopen(fd, O_WRONLY), Buffer.alloc(100_000, fill));
      else fs.write(name, handle, Buffer.alloc(100_000, fill), 0, root);
      return { handle, fd };
    };
    const one = big('/one', 1);
    fs.release('/one', one.handle);
    expect(fs.backings.stats).toMatchObject({ files: 1, idle: 1 });
    // Opened again: the same backing file, nothing copied.
    const oneAgain = fs.open('/one', O_RDONLY, root);
    expect(fs.backing('/one', oneAgain)).toBe(one.fd);
    fs.release('/one', oneAgain);
    const two = big('/two', 2);
    expect(fs.backings.stats).toMatchObject({ files: 2, idle: 1 });
    // A third needs room: /one, idle, goes back into Buffers.
    const three = big('/three', 3);
    expect(three.fd).toBeDefined();
    expect(fs.backings.stats).toMatchObject({ files: 2, idle: 0 });
    expect((fs.tree.lookup('/one', root) as { backing?: unknown }).backing).toBeUndefined();
    expect(fs.getattr('/one', root)).toMatchObject({ size: 100_000, blocks: 200 });
    const oneRead = fs.open('/one', O_RDONLY, root);
    expect(Buffer.from(fs.read('/one', oneRead, 3, 99_997, root)).equals(Buffer.alloc(3, 1))).toBe(true);
    // Both backing files held by open files: a fourth open is served call by call.
    const four = big('/four', 4);
    expect(four.fd).toBeUndefined();
    expect(Buffer.from(fs.read('/four', four.handle, 3, 0, root)).equals(Buffer.alloc(3, 4))).toBe(true);
    for (const [name, h] of [['/one', oneRead], ['/two', two.handle], ['/three', three.handle], ['/four', four.handle]] as const) fs.release(name, h);
    expect(fs.backings.stats).toMatchObject({ files: 2, idle: 2 });
  });

  it('an O_TRUNC open of a big idle file drops its backing file (a new, empty one comes with the open), the space given back', () => {
    const fs = mount(1 << 20, { foldAtMost: 4096 });
    const w = fs.create('/f', O_WRONLY, 0o644, root);
    writeSync(reopen(fs.backing('/f', w)!, O_WRONLY), Buffer.alloc(100_000, 1));
    fs.release('/f', w);
    expect(fs.backings.stats).toMatchObject({ files: 1, idle: 1 });
    expect(fs.statfs().bfree).toBe(256 - 25);
    const t = fs.open('/f', O_WRONLY | O_TRUNC, root);
    expect(fs.backings.stats).toMatchObject({ files: 0, idle: 0 });
    expect(fs.statfs().bfree).toBe(256);
    expect(fs.getattr('/f', root)).toMatchObject({ size: 0, blocks: 0 });
    const own = reopen(fs.backing('/f', t)!, O_WRONLY);
    expect(fstatSync(own).size).toBe(0);
    writeSync(own, 'new');
    expect(fs.getattr('/f', root).size).toBe(3);
    fs.release('/f', t);
  });

  it('by default, read-only opens of files of up to 1 MiB in Buffers get none; writable opens and bigger files do', () => {
    const fs = mount(0, { minReadOnlySize: DEFAULT_BACKING_POLICY.minReadOnlySize });
    const w = fs.create('/f', O_WRONLY, 0o644, root);
    const wfd = fs.backing('/f', w)!;
    expect(wfd).toBeDefined();
    writeSync(reopen(wfd, O_WRONLY), 'small');
    fs.release('/f', w);
    const r = fs.open('/f', O_RDONLY, root);
    expect(fs.backing('/f', r)).toBeUndefined();
    expect(Buffer.from(fs.read('/f', r, 10, 0, root)).toString()).toBe('small');
    fs.release('/f', r);
    const w2 = fs.open('/f', O_WRONLY, root);
    fs.write('/f', w2, Buffer.alloc(1), 1 << 20, root);
    fs.release('/f', w2);
    const r2 = fs.open('/f', O_RDONLY, root);
    expect(fs.backing('/f', r2)).toBeDefined();
    fs.release('/f', r2);
    // Not a regular file, or O_PATH: none.
    fs.mknod('/p', 0o010644, 0, root);
    expect(fs.backing('/p', fs.open('/p', O_RDONLY, root))).toBeUndefined();
    expect(fs.backing('/f', fs.open('/f', 0o10000000, root))).toBeUndefined();
  });

  it('the size limit: writes in the kernel past it are counted, then the module says ENOSPC and gives no backing file to a writable open', () => {
    const fs = mount(64 * 1024);
    const h = fs.create('/a', O_RDWR, 0o644, root);
    writeSync(reopen(fs.backing('/a', h)!, O_WRONLY), Buffer.alloc(100 * 1024, 1));
    expect(fs.statfs()).toMatchObject({ blocks: 16, bfree: 0, bavail: 0 });
    expect(fs.getattr('/a', root)).toMatchObject({ size: 100 * 1024, blocks: 200 });
    // Nothing lost, and the module's own writes past the end are refused.
    expect(Buffer.from(fs.read('/a', h, 4, 100 * 1024 - 4, root)).equals(Buffer.alloc(4, 1))).toBe(true);
    expect(code(() => fs.write('/a', h, Buffer.from('x'), 200 * 1024, root))).toBe('ENOSPC');
    // Rewriting pages it has is no new space.
    expect(fs.write('/a', h, Buffer.from('y'), 10, root)).toBe(1);
    const b = fs.create('/b', O_RDWR, 0o644, root);
    expect(fs.backing('/b', b)).toBeUndefined();
    expect(code(() => fs.write('/b', b, Buffer.from('x'), 0, root))).toBe('ENOSPC');
    // Truncated: the space comes back, and /b may have a backing file now.
    fs.truncate('/a', 8192, h, root);
    expect(fs.statfs().bfree).toBe(14);
    const c = fs.create('/c', O_RDWR, 0o644, root);
    expect(fs.backing('/c', c)).toBeDefined();
    // The module's write through a backed file is held page by page, as in Buffers: short at the
    // limit, then ENOSPC.
    expect(fs.write('/c', c, Buffer.alloc(100 * 1024, 2), 0, root)).toBe(14 * 4096);
    expect(code(() => fs.write('/c', c, Buffer.from('z'), 14 * 4096, root))).toBe('ENOSPC');
    expect(fs.statfs().bfree).toBe(0);
    for (const [name, handle] of [['/a', h], ['/b', b], ['/c', c]] as const) fs.release(name, handle);
    fs.unlink('/c', root);
    expect(fs.statfs().bfree).toBe(14);
  });

  it("the module's truncate, fallocate and O_TRUNC open act on the backing file", () => {
    const fs = mount(1 << 20);
    const h = fs.create('/f', O_RDWR, 0o644, root);
    const own = reopen(fs.backing('/f', h)!, O_RDWR);
    writeSync(own, 'hello', 0);
    fs.truncate('/f', 2, h, root);
    expect(readAll(own, 10)).toBe('he');
    fs.fallocate('/f', h, 1, 0, 32 * 1024, root); // FALLOC_FL_KEEP_SIZE
    expect(fs.getattr('/f', root)).toMatchObject({ size: 2, blocks: 64 });
    expect(fs.statfs().bfree).toBe(256 - 8);
    fs.fallocate('/f', h, 0, 32 * 1024, 4096, root);
    expect(fs.getattr('/f', root)).toMatchObject({ size: 36 * 1024, blocks: 72 });
    expect(code(() => fs.fallocate('/f', h, 0, 0, 2 << 20, root))).toBe('ENOSPC');
    const t = fs.open('/f', O_WRONLY | O_TRUNC, root);
    expect(fstatSync(own).size).toBe(0);
    expect(fs.getattr('/f', root)).toMatchObject({ size: 0, blocks: 0 });
    fs.release('/f', t);
    fs.release('/f', h);
  });

  it('allocated pages stay allocated across the moves between Buffers and a backing file: fallocate, KEEP_SIZE past the end, zeros written', (ctx) => {
    const reason = fiemapMissing();
    if (reason) ctx.skip(reason);
    const fs = mount(1 << 20);
    const h = fs.create('/f', O_RDWR, 0o644, root);
    const own = reopen(fs.backing('/f', h)!, O_RDWR);
    fs.fallocate('/f', h, 0, 0, 16384, root); // 4 pages, unwritten on ext4
    fs.fallocate('/f', h, 1, 16384, 8192, root); // 2 pages past the end (KEEP_SIZE)
    writeSync(own, Buffer.alloc(4096), 0, 4096, 40960); // a page of zeros, after a hole
    const attributes = { size: 45056, blocks: 8 * 7 };
    expect(fs.getattr('/f', root)).toMatchObject(attributes);
    fs.release('/f', h); // folded back into Buffers
    expect(fs.backings.stats.files).toBe(0);
    expect(fs.getattr('/f', root)).toMatchObject(attributes);
    expect(fs.statfs().bfree).toBe(256 - 7);
    const again = fs.open('/f', O_RDWR, root);
    expect(fs.backing('/f', again)).toBeDefined(); // copied into a new backing file
    expect(fs.getattr('/f', root)).toMatchObject(attributes);
    expect(Buffer.from(fs.read('/f', again, 45056, 0, root)).equals(Buffer.alloc(45056))).toBe(true);
    fs.release('/f', again);
    expect(fs.getattr('/f', root)).toMatchObject(attributes);
    // A full mount: writing the pages fallocate reserved takes no new space.
    const full = mount(64 * 1024);
    const g = full.create('/g', O_RDWR, 0o644, root);
    expect(full.backing('/g', g)).toBeDefined();
    full.fallocate('/g', g, 0, 0, 64 * 1024, root);
    expect(full.statfs().bfree).toBe(0);
    expect(full.write('/g', g, Buffer.alloc(8192, 1), 4096, root)).toBe(8192);
    expect(code(() => full.write('/g', g, Buffer.alloc(1), 64 * 1024, root))).toBe('ENOSPC');
    full.release('/g', g);
  });

  it('times: utimens keeps its nanoseconds on a backed file; a write in the kernel moves mtime and ctime, chmod ctime only', () => {
    const fs = mount();
    const h = fs.create('/f', O_RDWR, 0o644, root);
    const own = reopen(fs.backing('/f', h)!, O_RDWR);
    const t0 = 1_600_000_000_123_456_789n;
    fs.utimens('/f', t0, t0, root);
    expect(fs.getattr('/f', root)).toMatchObject({ atimeNs: t0, mtimeNs: t0 });
    writeSync(own, 'x', 0);
    const written = fs.getattr('/f', root);
    expect(written.mtimeNs! > t0).toBe(true);
    expect(written.ctimeNs).toBe(written.mtimeNs);
    fs.chmod('/f', 0o600, root);
    const changed = fs.getattr('/f', root);
    expect(changed.mtimeNs).toBe(written.mtimeNs);
    expect(changed.ctimeNs! >= written.ctimeNs!).toBe(true);
    expect(changed.mode & 0o7777).toBe(0o600);
    fs.release('/f', h);
  });

  it('a write in the kernel through a non-root writer drops set-user-ID, as the kernel does; root keeps it', () => {
    const fs = mount();
    fs.release('/s', fs.create('/s', O_WRONLY, 0o644, A));
    fs.chmod('/s', 0o4755, A);
    const byRoot = fs.open('/s', O_WRONLY, root);
    writeSync(reopen(fs.backing('/s', byRoot)!, O_WRONLY), 'root');
    expect(fs.getattr('/s', root).mode & 0o7777).toBe(0o4755);
    fs.release('/s', byRoot);
    const byA = fs.open('/s', O_WRONLY, A);
    writeSync(reopen(fs.backing('/s', byA)!, O_WRONLY), 'A');
    expect(fs.getattr('/s', root).mode & 0o7777).toBe(0o755);
    fs.release('/s', byA);
  });

  it('destroy closes every backing file', () => {
    const fs = mount();
    const h = fs.create('/f', O_RDWR, 0o644, root);
    const fd = fs.backing('/f', h)!;
    fs.destroy();
    expect(isOpen(fd)).toBe(false);
  });
});

describe('tmpfs without backing files', () => {
  it('a directory whose file system has no O_TMPFILE: no backing file, the data in Buffers as before', () => {
    const fs = mount(0, { directory: '/proc' });
    const h = fs.create('/f', O_RDWR, 0o644, root);
    expect(fs.backing('/f', h)).toBeUndefined();
    // procfs has no O_TMPFILE (ENOTSUP), and a user other than root may not write there (EACCES).
    expect(fs.backings.stats.unavailable).toMatch(/^O_TMPFILE in \/proc: (ENOTSUP|EOPNOTSUPP|EACCES)$/);
    expect(fs.write('/f', h, Buffer.from('data'), 0, root)).toBe(4);
    expect(Buffer.from(fs.read('/f', h, 10, 0, root)).toString()).toBe('data');
    fs.release('/f', h);
  });
});
