// The tmpfs file system's operations, called directly (it is a data structure), for each rule of
// `mount -t tmpfs`: where node:fs can make the same calls, the same steps run on a real tmpfs
// (/dev/shm, or one mounted with the same size= for the size limit) and the results (ok, errno,
// values) must be the same; the rest (renameat2 flags, mknod, xattrs, fallocate, times) is
// checked against what the kernel documents.
import { totalmem } from 'node:os';
import { seededRandom } from '@umview/test-fixtures';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModule } from '../../src/modules/registry.js';
import { parseSize, parseTmpfsOptions } from '../../src/file-systems/tmpfs/options.js';
import { TmpfsFileSystem, type OpenFile } from '../../src/file-systems/tmpfs/tmpfs-file-system.js';
import { RENAME_EXCHANGE, RENAME_NOREPLACE, type Caller, type FileSystem } from '../../src/vfs/file-system.js';
import { O_CREAT, O_EXCL, O_RDWR, O_TRUNC, O_WRONLY, as, makeOracle, oracleMissing, runOnTmpfs, step, type Oracle, type RootSpec, type Step } from './fs-steps.js';

const A = { uid: 1001, gid: 1001 };
const B = { uid: 1002, gid: 1002 };
/** In A's group. */
const C = { uid: 1003, gid: 1001 };
const ROOT_1777: RootSpec = { mode: 0o1777, uid: 0, gid: 0 };
const ROOT_755: RootSpec = { mode: 0o755, uid: 0, gid: 0 };

const caller = (who: { uid: number; gid: number } = { uid: 0, gid: 0 }): Caller => ({ pid: 1, ...who, umask: 0 });
const root = caller();
const small = (size = 0): TmpfsFileSystem =>
  new TmpfsFileSystem({ maxPages: size ? size / 4096 : Infinity, maxInodes: Infinity, rootMode: 0o1777, rootUid: 0, rootGid: 0 });
const code = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};
/** Each step's result beside the step, so that a difference names its step. */
const labelled = (steps: Step[], results: unknown[]): string[] =>
  steps.map((s, i) => `${i} ${s.as ? `uid ${s.as.uid}: ` : ''}${s.op}(${s.args.map((a) => JSON.stringify(a)).join(', ')}) -> ${JSON.stringify(results[i])}`);
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFIFO = 0o010000;
const S_IFCHR = 0o020000;

describe('against a real tmpfs (/dev/shm), step by step', () => {
  const missing = oracleMissing();
  skipEachWhen(missing);
  // Made when the block's tests run (a hook of a block whose tests are all filtered out never
  // runs, and the oracle must not outlive the file).
  let oracle: Oracle | undefined;
  beforeAll(() => {
    if (!missing) oracle = makeOracle();
  });
  afterAll(() => oracle?.close());
  /** The steps on the tmpfs and on the real one: the same results, whether the data goes
   * through the module's read and write or through backing files in the kernel. */
  const same = (steps: Step[], rootSpec = ROOT_1777): unknown[] => {
    const ours = runOnTmpfs(steps, rootSpec);
    const theirs = labelled(steps, oracle!.run(steps, rootSpec));
    expect(labelled(steps, ours)).toEqual(theirs);
    expect(['kernel data path', ...labelled(steps, runOnTmpfs(steps, rootSpec, 0, 'kernel'))]).toEqual(['kernel data path', ...theirs]);
    return ours;
  };

  it('directories: create, list (newest first), sizes and link counts, rmdir and unlink errors', () => {
    const r = same([
      step('mkdir', '/d', 0o755),
      step('write', '/d/c', 'c'),
      step('write', '/d/a', 'aa'),
      step('mkdir', '/d/z', 0o700),
      step('write', '/d/b', 'b'),
      step('unlink', '/d/a'),
      step('write', '/d/a', 'again'),
      step('ls', '/d'),
      step('stat', '/d'),
      step('stat', '/d/z'),
      step('stat', '/d/a'),
      step('read', '/d/a'),
      step('rmdir', '/d'),
      step('rmdir', '/d/a'),
      step('unlink', '/d/z'),
      step('mkdir', '/d/z', 0o755),
      step('mkdir', '/nope/x', 0o755),
      step('mkdir', '/d/a/x', 0o755),
      step('stat', '/d/missing'),
      step('rmdir', '/d/z'),
      step('stat', '/d'),
    ]);
    expect(r[7]).toEqual(['a', 'b', 'z', 'c']);
  });

  it('rename: the directory rules, replacing, hard links of one file, the order after it', () => {
    same([
      step('mkdir', '/x', 0o755),
      step('mkdir', '/x/y', 0o755),
      step('write', '/x/y/f', 'f'),
      step('mkdir', '/e', 0o755),
      step('write', '/file', 'file'),
      step('rename', '/x', '/x/y/inside'),
      step('rename', '/x/y', '/x/y'),
      step('rename', '/e', '/file'),
      step('rename', '/file', '/e'),
      step('rename', '/e', '/x'),
      step('rename', '/x/y/f', '/x'),
      step('rename', '/x/y', '/e'),
      step('stat', '/x'),
      step('stat', '/e'),
      step('ls', '/e'),
      step('write', '/g', 'g'),
      step('rename', '/g', '/file'),
      step('read', '/file'),
      step('link', '/file', '/file2'),
      step('rename', '/file', '/file2'),
      step('ls', '/'),
      step('stat', '/file2'),
      step('rename', '/missing', '/m2'),
      step('mkdir', '/q', 0o755),
      step('rename', '/q', '/e/sub'),
      step('stat', '/'),
      step('stat', '/e'),
    ]);
  });

  it('hard links share an inode; an unlinked open file keeps its data until closed', () => {
    same([
      step('write', '/f', 'data'),
      step('link', '/f', '/g'),
      step('stat', '/g'),
      step('link', '/f', '/g'),
      step('mkdir', '/d', 0o755),
      step('link', '/d', '/d2'),
      step('unlink', '/f'),
      step('read', '/g'),
      step('stat', '/g'),
      step('open', 1, '/g', O_RDWR),
      step('unlink', '/g'),
      step('pread', 1, 10, 0),
      step('pwrite', 1, 'more', 4),
      step('fstat', 1),
      step('close', 1),
      step('ls', '/'),
    ]);
  });

  it('permissions: owner, group and other bits; root passes except for x; search on directories', () => {
    same(
      [
        step('mkdir', '/pub', 0o777),
        step('mkdir', '/priv', 0o700),
        step('write', '/priv/secret', 's', 0o644),
        step('write', '/root-only', 'r', 0o600),
        step('write', '/group', 'g', 0o640),
        step('chown', '/group', 0, 1001),
        step('write', '/noexec', 'x', 0o644),
        step('write', '/exec', 'x', 0o744),
        as(A, step('write', '/mine', 'a')),
        as(A, step('read', '/root-only')),
        as(A, step('read', '/group')),
        as(C, step('read', '/group')),
        as(B, step('read', '/group')),
        as(A, step('stat', '/priv/secret')),
        as(A, step('write', '/priv/new', 'n')),
        as(A, step('write', '/pub/new', 'n')),
        as(A, step('stat', '/pub/new')),
        step('access', '/noexec', 1),
        step('access', '/exec', 1),
        step('access', '/root-only', 6),
        as(A, step('chmod', '/group', 0o666)),
        as(A, step('chown', '/pub/new', 1002, -1)),
        as(A, step('chown', '/pub/new', -1, 1002)),
        as(A, step('chown', '/pub/new', -1, 1001)),
        as(A, step('truncate', '/root-only', 0)),
        as(A, step('open', 1, '/group', O_RDWR)),
        as(A, step('open', 1, '/root-only', O_CREAT | O_EXCL | O_WRONLY)),
        as(B, step('mkdir', '/priv/x', 0o755)),
        as(B, step('rmdir', '/pub')),
        as(B, step('utimes', '/pub/new', 100, 100)),
        as(A, step('utimes', '/pub/new', 100, 200)),
        as(A, step('mtime', '/pub/new')),
      ],
      ROOT_755,
    );
  });

  it('sticky directories: only the owner of the entry or of the directory (or root) removes or renames it', () => {
    same([
      as(A, step('write', '/a', 'a')),
      as(B, step('unlink', '/a')),
      as(B, step('rename', '/a', '/b')),
      as(B, step('write', '/b', 'b')),
      as(A, step('rename', '/a', '/b')),
      as(A, step('rename', '/a', '/a2')),
      as(B, step('mkdir', '/bd', 0o777)),
      as(A, step('rmdir', '/bd')),
      as(B, step('rmdir', '/bd')),
      step('unlink', '/a2'),
      step('ls', '/'),
    ]);
  });

  it('owners: new files are the caller\'s; setgid directories pass their group and the setgid bit on', () => {
    same([
      step('mkdir', '/g', 0o2777),
      step('chown', '/g', 0, 50),
      as(A, step('write', '/g/f', 'f')),
      as(A, step('stat', '/g/f')),
      as(A, step('mkdir', '/g/sub', 0o755)),
      as(A, step('stat', '/g/sub')),
      as(A, step('write', '/g/sub/deep', 'd', 0o2755)),
      as(A, step('stat', '/g/sub/deep')),
      as(A, step('write', '/plain', 'p', 0o644)),
      as(A, step('stat', '/plain')),
      as(A, step('chmod', '/plain', 0o6755)),
      as(A, step('stat', '/plain')),
      as(A, step('open', 1, '/plain', O_WRONLY)),
      as(A, step('pwrite', 1, 'x', 0)),
      as(A, step('close', 1)),
      as(A, step('stat', '/plain')),
      as(A, step('chmod', '/g/f', 0o2755)),
      as(A, step('stat', '/g/f')),
      step('chmod', '/plain', 0o6755),
      step('chown', '/plain', 1001, 1001),
      step('stat', '/plain'),
    ]);
  });

  it('truncate: a sparse hole, shrinking, directories, and the O_TRUNC open', () => {
    same([
      step('write', '/f', 'hello'),
      step('truncate', '/f', 100000),
      step('stat', '/f'),
      step('open', 1, '/f', O_RDWR),
      step('pread', 1, 8, 0),
      step('pwrite', 1, 'z', 50000),
      step('fstat', 1),
      step('ftruncate', 1, 3),
      step('fstat', 1),
      step('pread', 1, 10, 0),
      step('close', 1),
      step('mkdir', '/d', 0o755),
      step('truncate', '/d', 0),
      step('open', 2, '/d', O_RDWR),
      step('open', 3, '/f', O_WRONLY | O_TRUNC),
      step('fstat', 3),
      step('close', 3),
      step('symlink', 'f', '/l'),
      step('readlink', '/l'),
      step('stat', '/l'),
      step('readlink', '/f'),
      step('symlink', 'x', '/f'),
    ]);
  });
});

describe('the size limit, against a real tmpfs mounted with the same size=', () => {
  const size = 64 * 1024;
  const missing = oracleMissing(size);
  skipEachWhen(missing);
  let oracle: Oracle | undefined;
  beforeAll(() => {
    if (!missing) oracle = makeOracle(size);
  });
  afterAll(() => oracle?.close());
  const same = (steps: Step[]): unknown[] => {
    const ours = runOnTmpfs(steps, ROOT_1777, size);
    expect(labelled(steps, ours)).toEqual(labelled(steps, oracle!.run(steps, ROOT_1777)));
    return ours;
  };

  it('a write past it is short, then ENOSPC; holes take nothing; space comes back on truncate and on the last close of an unlinked file', () => {
    const r = same([
      step('statfs'),
      step('open', 1, '/a', O_RDWR | O_CREAT),
      step('pwriteZeros', 1, 100000, 1000),
      step('fstat', 1),
      step('statfs'),
      step('ftruncate', 1, 10 << 20),
      step('pwrite', 1, 'x', 5 << 20),
      step('write', '/b', 'b'),
      step('unlink', '/a'),
      step('statfs'),
      step('close', 1),
      step('statfs'),
      step('write', '/b', 'now it fits'),
      step('open', 2, '/c', O_RDWR | O_CREAT),
      step('pwriteZeros', 2, 30000, 0),
      step('ftruncate', 2, 5000),
      step('fstat', 2),
      step('statfs'),
      step('close', 2),
    ]);
    expect(r[2]).toBe(64536);
  });
});

describe('what node:fs cannot ask a real tmpfs (checked against the kernel\'s documented answers)', () => {
  it('renameat2: RENAME_NOREPLACE and RENAME_EXCHANGE (a file with a directory, across parents)', () => {
    const fs = small();
    fs.mkdir('/p', 0o755, root);
    fs.mkdir('/p/dir', 0o755, root);
    fs.mkdir('/q', 0o755, root);
    fs.release('/q/f', fs.create('/q/f', O_WRONLY, 0o644, root));
    expect(code(() => fs.rename('/q/f', '/p/dir', RENAME_NOREPLACE, root))).toBe('EEXIST');
    expect(code(() => fs.rename('/q/f', '/q/missing', RENAME_EXCHANGE, root))).toBe('ENOENT');
    expect(code(() => fs.rename('/q/f', '/p/dir', RENAME_EXCHANGE | RENAME_NOREPLACE, root))).toBe('EINVAL');
    expect(code(() => fs.rename('/p', '/p/dir', RENAME_EXCHANGE, root))).toBe('EINVAL');
    const dirIno = fs.getattr('/p/dir', root).ino;
    const fileIno = fs.getattr('/q/f', root).ino;
    fs.rename('/q/f', '/p/dir', RENAME_EXCHANGE, root);
    expect(fs.getattr('/q/f', root)).toMatchObject({ ino: dirIno, mode: S_IFDIR | 0o755 });
    expect(fs.getattr('/p/dir', root)).toMatchObject({ ino: fileIno, mode: S_IFREG | 0o644 });
    // The directory moved from /p to /q: the parents' link counts follow.
    expect(fs.getattr('/p', root).nlink).toBe(2);
    expect(fs.getattr('/q', root).nlink).toBe(3);
    fs.rename('/q/f', '/q/g', RENAME_NOREPLACE, root);
    expect(code(() => fs.rmdir('/', root))).toBe('EBUSY');
    expect(code(() => fs.rename('/', '/z', 0, root))).toBe('EBUSY');
    expect(fs.readdir('/q', root).map((e) => e.name)).toEqual(['g']);
  });

  it('access: the caller\'s ids (the oracle cannot: access(2) checks the real uid, root in its process)', () => {
    const fs = small();
    fs.release('/group', fs.create('/group', O_WRONLY, 0o640, root));
    fs.chown('/group', 0, A.gid, root);
    expect(code(() => fs.access('/group', 4, caller(A)))).toBe('ok');
    expect(code(() => fs.access('/group', 2, caller(A)))).toBe('EACCES');
    expect(code(() => fs.access('/group', 4, caller(B)))).toBe('EACCES');
    expect(code(() => fs.access('/group', 0, caller(B)))).toBe('ok');
    expect(code(() => fs.access('/group', 1, root))).toBe('EACCES');
    expect(code(() => fs.access('/group', 6, root))).toBe('ok');
  });

  it('supplementary groups (Caller.groups): group bits, chown to one of them, setgid kept', () => {
    const fs = small();
    const D = { ...caller(B), groups: () => [B.gid, 1001, 50] };
    fs.release('/f', fs.create('/f', O_WRONLY, 0o640, caller(A)));
    fs.chown('/f', -1, 1001, root);
    expect(code(() => fs.access('/f', 4, caller(B)))).toBe('EACCES');
    expect(code(() => fs.access('/f', 4, D))).toBe('ok');
    fs.release('/g', fs.create('/g', O_WRONLY, 0o644, D));
    expect(code(() => fs.chown('/g', -1, 50, D))).toBe('ok');
    expect(code(() => fs.chown('/g', -1, 51, D))).toBe('EPERM');
    fs.chmod('/g', 0o2755, D);
    expect(fs.getattr('/g', root).mode).toBe(S_IFREG | 0o2755);
    fs.chown('/g', -1, 51, root);
    fs.chmod('/g', 0o2755, D);
    expect(fs.getattr('/g', root).mode).toBe(S_IFREG | 0o755); // not in group 51: setgid dropped
  });

  it('mknod: FIFOs and sockets for anyone, devices for root only; d_type in readdir', () => {
    const fs = small();
    fs.mknod('/fifo', S_IFIFO | 0o644, 0, caller(A));
    expect(fs.getattr('/fifo', root)).toMatchObject({ mode: S_IFIFO | 0o644, uid: A.uid, size: 0 });
    expect(code(() => fs.mknod('/null', S_IFCHR | 0o666, 0x103, caller(A)))).toBe('EPERM');
    fs.mknod('/null', S_IFCHR | 0o666, 0x103, root);
    expect(fs.getattr('/null', root).rdev).toBe(0x103);
    expect(code(() => fs.mknod('/fifo', S_IFIFO | 0o644, 0, root))).toBe('EEXIST');
    expect(code(() => fs.mknod('/d', S_IFDIR | 0o755, 0, root))).toBe('EINVAL');
    fs.mknod('/reg', 0o600, 0, root);
    expect(fs.getattr('/reg', root).mode).toBe(S_IFREG | 0o600);
    expect(fs.readdir('/', root)).toEqual([
      { name: 'reg', mode: S_IFREG, ino: expect.any(Number) },
      { name: 'null', mode: S_IFCHR, ino: expect.any(Number) },
      { name: 'fifo', mode: S_IFIFO, ino: expect.any(Number) },
    ]);
  });

  it('xattrs: user.* with read/write permission, CREATE/REPLACE, trusted.* for root, none on symlinks', () => {
    const fs = small();
    fs.release('/f', fs.create('/f', O_WRONLY, 0o644, caller(A)));
    fs.setxattr('/f', 'user.k', Buffer.from('v'), 0, caller(A));
    expect(Buffer.from(fs.getxattr('/f', 'user.k', caller(B))).toString()).toBe('v');
    expect(code(() => fs.setxattr('/f', 'user.k', Buffer.from('w'), 0, caller(B)))).toBe('EACCES');
    expect(code(() => fs.setxattr('/f', 'user.k', Buffer.from('w'), 1, caller(A)))).toBe('EEXIST');
    expect(code(() => fs.setxattr('/f', 'user.new', Buffer.from('w'), 2, caller(A)))).toBe('ENODATA');
    expect(code(() => fs.getxattr('/f', 'user.none', caller(A)))).toBe('ENODATA');
    expect(code(() => fs.setxattr('/f', 'trusted.t', Buffer.from('t'), 0, caller(A)))).toBe('EPERM');
    fs.setxattr('/f', 'trusted.t', Buffer.from('t'), 0, root);
    expect(fs.listxattr('/f', caller(A))).toEqual(['user.k']);
    expect(fs.listxattr('/f', root)).toEqual(['user.k', 'trusted.t']);
    expect(code(() => fs.setxattr('/f', 'system.posix_acl_access', Buffer.alloc(4), 0, root))).toBe('EOPNOTSUPP');
    fs.symlink('f', '/l', root);
    expect(code(() => fs.setxattr('/l', 'user.k', Buffer.from('v'), 0, root))).toBe('EPERM');
    fs.removexattr('/f', 'user.k', caller(A));
    expect(code(() => fs.removexattr('/f', 'user.k', caller(A)))).toBe('ENODATA');
    expect(code(() => fs.setxattr('/f', 'user.big', Buffer.alloc(65537), 0, caller(A)))).toBe('E2BIG');
  });

  it('fallocate: all or nothing against the limit (ENOSPC, nothing kept), KEEP_SIZE, EOPNOTSUPP for other modes', () => {
    const fs = small(64 * 1024);
    const h = fs.create('/f', O_RDWR, 0o644, root);
    expect(code(() => fs.fallocate('/f', h, 0, 0, 128 * 1024, root))).toBe('ENOSPC');
    fs.write('/f', h, Buffer.alloc(8192, 1), 0, root);
    expect(code(() => fs.fallocate('/f', h, 0, 4096, 64 * 1024, root))).toBe('ENOSPC');
    expect(fs.statfs().bfree).toBe(14);
    expect(fs.getattr('/f', root)).toMatchObject({ size: 8192, blocks: 16 });
    fs.fallocate('/f', h, 1, 0, 32 * 1024, root);
    expect(fs.getattr('/f', root)).toMatchObject({ size: 8192, blocks: 64 });
    fs.fallocate('/f', h, 0, 32 * 1024, 4096, root);
    expect(fs.getattr('/f', root)).toMatchObject({ size: 36 * 1024, blocks: 72 });
    expect(code(() => fs.fallocate('/f', h, 3, 0, 4096, root))).toBe('EOPNOTSUPP');
    expect(code(() => fs.fallocate('/f', h, 0, 0, 0, root))).toBe('EINVAL');
    fs.release('/f', h);
  });

  it('the inode limit (nr_inodes): ENOSPC for the file past it', () => {
    const fs = new TmpfsFileSystem({ maxPages: Infinity, maxInodes: 3, rootMode: 0o1777, rootUid: 0, rootGid: 0 });
    fs.mkdir('/a', 0o755, root);
    fs.symlink('a', '/b', root);
    expect(code(() => fs.mkdir('/c', 0o755, root))).toBe('ENOSPC');
    fs.unlink('/b', root);
    fs.mkdir('/c', 0o755, root);
    expect(fs.statfs()).toMatchObject({ files: 3, ffree: 0 });
  });

  it('times: birth, change and modification as POSIX says; atime as relatime', () => {
    const fs = small();
    const t0 = 1_000_000_000n * 1000n;
    fs.mkdir('/d', 0o755, root);
    fs.utimens('/d', t0, t0, root);
    const h = fs.create('/d/f', O_RDWR, 0o644, root) as OpenFile;
    const created = fs.getattr('/d/f', root);
    expect(created.birthtimeNs).toBe(created.mtimeNs);
    expect(created.ctimeNs).toBe(created.mtimeNs);
    // A new entry: the directory is modified.
    expect(fs.getattr('/d', root).mtimeNs).toBe(created.birthtimeNs);
    fs.utimens('/d/f', t0, t0, root);
    expect(fs.getattr('/d/f', root)).toMatchObject({ atimeNs: t0, mtimeNs: t0 });
    expect(fs.getattr('/d/f', root).ctimeNs! > t0).toBe(true);
    fs.write('/d/f', h, Buffer.from('x'), 0, root);
    const written = fs.getattr('/d/f', root);
    expect(written.mtimeNs! > t0 && written.ctimeNs === written.mtimeNs && written.atimeNs === t0).toBe(true);
    // relatime: a read moves atime, as it is not newer than mtime; a second read does not.
    fs.read('/d/f', h, 1, 0, root);
    const read1 = fs.getattr('/d/f', root).atimeNs!;
    expect(read1 >= written.mtimeNs!).toBe(true);
    fs.read('/d/f', h, 1, 0, root);
    expect(fs.getattr('/d/f', root).atimeNs).toBe(read1);
    // chmod, link and rename change ctime only.
    fs.utimens('/d/f', t0, t0, root);
    fs.chmod('/d/f', 0o600, root);
    fs.link('/d/f', '/d/g', root);
    fs.rename('/d/g', '/h', 0, root);
    const after = fs.getattr('/d/f', root);
    expect(after.mtimeNs).toBe(t0);
    expect(after.ctimeNs! > t0).toBe(true);
    // A non-owner with write permission may set both times to now (touch: utimens's `now`),
    // not to a given time, even the time it is now.
    fs.chmod('/h', 0o666, root);
    expect(code(() => fs.utimens('/h', t0, t0, caller(A)))).toBe('EPERM');
    const now = BigInt(Date.now()) * 1_000_000n;
    expect(code(() => fs.utimens('/h', now, now, caller(A)))).toBe('EPERM');
    expect(code(() => fs.utimens('/h', now, now, caller(A), true))).toBe('ok');
    fs.chmod('/h', 0o644, root);
    const later = BigInt(Date.now()) * 1_000_000n;
    expect(code(() => fs.utimens('/h', later, later, caller(A), true))).toBe('EACCES');
    fs.release('/d/f', h);
  });

  it('a 256 MiB file: written in 1 MiB pieces, read back in 4 KiB ones; a hole costs nothing', () => {
    const fs = small();
    const h = fs.create('/big', O_RDWR, 0o644, root);
    const piece = Buffer.alloc(1 << 20);
    for (let i = 0; i < 256; i++) {
      piece.fill(i);
      expect(fs.write('/big', h, piece, i << 20, root)).toBe(1 << 20);
    }
    expect(fs.getattr('/big', root)).toMatchObject({ size: 256 << 20, blocks: (256 << 20) / 512 });
    for (const at of [0, (100 << 20) + 4090, (256 << 20) - 4096]) {
      const bytes = Buffer.from(fs.read('/big', h, 4096, at, root));
      const expected = Buffer.alloc(4096);
      for (let k = 0; k < 4096; k++) expected[k] = Math.floor((at + k) / (1 << 20));
      expect(bytes.equals(expected)).toBe(true);
    }
    expect(fs.read('/big', h, 4096, 256 << 20, root).length).toBe(0);
    expect(code(() => fs.write('/big', h, Buffer.from('x'), 2 ** 53, root))).toBe('EFBIG');
    fs.truncate('/big', 0, h, root);
    expect(fs.statfs().blocks).toBe(0); // no limit: reported as the kernel's size=0
    const sparse = fs.create('/sparse', O_RDWR, 0o644, root);
    fs.write('/sparse', sparse, Buffer.from('!'), (256 << 20) - 1, root);
    expect(fs.getattr('/sparse', root)).toMatchObject({ size: 256 << 20, blocks: 8 });
    expect(Buffer.from(fs.read('/sparse', sparse, 8, 1 << 20, root)).equals(Buffer.alloc(8))).toBe(true);
    fs.release('/big', h);
    fs.release('/sparse', sparse);
  });
});

describe('file data', () => {
  it('random writes, truncates and reads agree with a plain Buffer, holes and chunk edges included', () => {
    const random = seededRandom(23);
    const pick = (max: number): number => Math.floor(random() * max);
    const fs = small();
    // Rounds on fresh files: a file's first chunk grows from a page as its data does.
    for (let round = 0; round < 40; round++) {
      const path = `/f${round}`;
      const h = fs.create(path, O_RDWR, 0o644, root);
      let model = Buffer.alloc(0);
      for (let i = 0; i < 30; i++) {
        const what = random();
        // Offsets cluster near the 64 KiB chunk edges and the first chunk's growth steps.
        const at = [pick(300_000), 65536 - pick(16), 4096 * pick(20) + pick(3), pick(2000)][pick(4)]!;
        if (what < 0.6) {
          const data = Buffer.alloc([pick(100), pick(9000)][pick(2)]! + 1, pick(255) + 1);
          expect(fs.write(path, h, data, at, root)).toBe(data.length);
          if (model.length < at + data.length) model = Buffer.concat([model, Buffer.alloc(at + data.length - model.length)]);
          data.copy(model, at);
        } else if (what < 0.75) {
          fs.truncate(path, at, h, root);
          model = at <= model.length ? model.subarray(0, at) : Buffer.concat([model, Buffer.alloc(at - model.length)]);
        } else {
          const length = pick(70_000);
          expect(Buffer.from(fs.read(path, h, length, at, root)).equals(model.subarray(Math.min(at, model.length), Math.min(at + length, model.length)))).toBe(true);
        }
        expect(fs.getattr(path, root).size).toBe(model.length);
      }
      expect(Buffer.from(fs.read(path, h, model.length, 0, root)).equals(model)).toBe(true);
      fs.release(path, h);
    }
  });

  it('a tree of small files costs about its size in memory, not a 64 KiB chunk a file', () => {
    const fs = small();
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 2000; i++) {
      const h = fs.create(`/f${i}`, O_WRONLY, 0o644, root);
      fs.write(`/f${i}`, h, Buffer.alloc(100, 1), 0, root);
      fs.release(`/f${i}`, h);
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    // One page each: 8 MB (64 KiB chunks would be 128 MB).
    expect(grown).toBeLessThan(16 << 20);
    expect(fs.statfs().blocks).toBe(0);
  });
});

describe('the module', () => {
  it('-m tmpfs,/mnt,size=64M: a FileSystem at /mnt whose statfs reports the limit', async () => {
    const module = (await loadModule('tmpfs,/mnt,size=64M')) as Awaited<ReturnType<typeof loadModule>> & { fileSystem: FileSystem };
    expect(module.name).toBe('tmpfs');
    expect(module.paths).toEqual(['/mnt']);
    const stats = await module.fileSystem.statfs!('/', root);
    expect(stats).toMatchObject({ bsize: 4096, blocks: 16384, bfree: 16384, type: 0x01021994 });
    expect((await module.fileSystem.getattr('/', root)).mode).toBe(S_IFDIR | 0o1777);
  });

  it('options: sizes as mount(8) reads them, the kernel\'s defaults (half of RAM), clear errors', () => {
    expect(parseSize('64M')).toBe(64 << 20);
    expect(parseSize('512k')).toBe(512 << 10);
    expect(parseSize('1g')).toBe(1 << 30);
    expect(parseSize('50%', 1000)).toBe(500);
    const defaults = parseTmpfsOptions({ positional: ['/t'] }, { uid: 7, gid: 8 });
    expect(defaults).toMatchObject({ mountPoint: '/t', rootMode: 0o1777, rootUid: 7, rootGid: 8, maxPages: Math.floor(totalmem() / 4096 / 2) });
    expect(parseTmpfsOptions({ positional: ['/t/'], size: '0', mode: '755', uid: '0', gid: '0' })).toMatchObject({ mountPoint: '/t', maxPages: Infinity, rootMode: 0o755, rootUid: 0 });
    expect(() => parseTmpfsOptions({ positional: [] })).toThrow(/mount point/);
    expect(() => parseTmpfsOptions({ positional: ['/t'], size: 'lots' })).toThrow(/bad size 'lots'/);
    expect(() => parseTmpfsOptions({ positional: ['/t'], sise: '1M' })).toThrow(/unknown option 'sise'/);
    expect(() => parseTmpfsOptions({ positional: ['/t'], mode: '999' })).toThrow(/bad mode/);
  });

  it('an O_CREAT|O_EXCL race: create on a name that appeared meanwhile is EEXIST', () => {
    const fs = small();
    fs.release('/f', fs.create('/f', O_WRONLY, 0o644, root));
    expect(code(() => fs.create('/f', O_WRONLY | O_CREAT | O_EXCL, 0o644, root))).toBe('EEXIST');
    const h = fs.create('/f', O_WRONLY | O_CREAT | O_TRUNC, 0o644, root);
    fs.release('/f', h);
  });
});
