// The overlay file system's operations called directly (in process), over real host
// directories: layer lookup, copy-up, whiteouts and opaque directories (checked on disk, by the
// names the convention gives them), directory merging, rename, links, handles, an upper layer
// kept across mounts, and the mount's option errors. After every test the lower tree's
// fingerprint (content, modes, owners, link counts, inodes, xattrs, all three times to the
// nanosecond) is what it was before.
import { constants, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { overlay, type OverlayModule } from '../../src/file-systems/overlay/index.js';
import { getXattr } from '../../src/file-systems/overlay/host-calls.js';
import type { OverlayFileSystem } from '../../src/file-systems/overlay/overlay-file-system.js';
import type { Caller, FsError } from '../../src/vfs/file-system.js';
import { tempDir } from '../helpers.js';
import { fingerprint, makeLowerTree, pinAtimes } from './overlay-tree.js';

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFIFO = 0o010000;

/** The tests' own user (root in CI, or the unprivileged pass's user), as the traced programs
 * would be. */
const caller: Caller = { pid: process.pid, uid: process.getuid!(), gid: process.getgid!(), umask: 0o022 };
/** Another user, not in the tests' group: the lower tree's files are not theirs. */
const OTHER_ID = process.getuid!() === 999 ? 998 : 999;
const other: Caller = { pid: process.pid, uid: OTHER_ID, gid: OTHER_ID, umask: 0o022 };
/** A file of one user shown as another's, in the lower tree or the upper: only root can make it. */
const NEEDS_ROOT = process.getuid!() === 0 ? undefined : 'needs root: files owned by two different users';

let lower: string;
let upper: string;
let fs: OverlayFileSystem;
let before: string;

function mount(): OverlayFileSystem {
  return (overlay({ positional: [lower], upper }) as OverlayModule).fileSystem;
}

beforeEach(() => {
  const base = tempDir('overlay-');
  lower = join(base, 'lower');
  upper = join(base, 'upper');
  mkdirSync(lower);
  makeLowerTree(lower);
  before = fingerprint(lower);
  fs = mount();
});

afterEach(() => {
  expect(fingerprint(lower)).toBe(before);
});

/** The errno an operation fails with. */
function errnoOf(operation: () => unknown): string | undefined {
  try {
    operation();
    return undefined;
  } catch (error) {
    return (error as FsError).code;
  }
}

function readAll(path: string): string {
  const handle = fs.open(path, constants.O_RDONLY, caller);
  try {
    return Buffer.from(fs.read(path, handle, 1 << 16, 0)).toString();
  } finally {
    fs.release(path, handle);
  }
}

function writeAll(path: string, text: string, flags = constants.O_WRONLY | constants.O_TRUNC): void {
  const handle = fs.open(path, flags, caller);
  fs.write(path, handle, Buffer.from(text), 0);
  fs.release(path, handle);
}

function names(path: string): string[] {
  return fs.readdir(path).map((entry) => entry.name).sort();
}

/** The upper directory's own listing (layer files included), sorted. */
function upperListing(rel = ''): string[] {
  return readdirSync(join(upper, rel)).sort();
}

describe('the module factory', () => {
  it('mounts at DIR itself, with upper= required and never inside DIR (nor DIR inside it)', () => {
    const module = overlay({ positional: [lower], upper }) as OverlayModule;
    expect(module.name).toBe('overlay');
    expect(module.paths).toEqual([lower]);
    expect(() => overlay({ positional: [lower] })).toThrow('overlay: upper= is required; use -m overlay,DIR,upper=UPPER');
    expect(() => overlay({ upper })).toThrow('overlay: no directory given');
    expect(() => overlay({ positional: [lower], upper: join(lower, 'up') })).toThrow(/must not be inside/);
    expect(() => overlay({ positional: [lower], upper: lower })).toThrow(/must not be inside/);
    expect(() => overlay({ positional: [join(upper, 'x')], upper })).toThrow(/is not a directory/);
    mkdirSync(join(upper, 'inner'));
    expect(() => overlay({ positional: [join(upper, 'inner')], upper })).toThrow(/must not be inside the upper directory/);
    expect(() => overlay({ positional: [join(lower, 'nope')], upper: join(upper, 'u2') })).toThrow(/is not a directory/);
  });

  it('a new upper directory takes the lower root\'s mode and times (the root shows as DIR)', () => {
    const l = lstatSync(lower, { bigint: true });
    const root = fs.getattr('/');
    expect(root.mode).toBe(Number(l.mode));
    expect(root.mtimeNs).toBe(l.mtimeNs);
  });
});

describe('reads come from the lower layer', () => {
  it('getattr, readdir, read and readlink show the lower tree as it is', () => {
    const a = fs.getattr('/a.txt');
    const host = lstatSync(join(lower, 'a.txt'), { bigint: true });
    expect(a.mode).toBe(S_IFREG | 0o644);
    expect(a.size).toBe(6);
    expect(a.mtimeNs).toBe(host.mtimeNs);
    expect(names('/')).toEqual(['a.txt', 'dir', 'empty', 'gone', 'hard1', 'hard2', 'link', 'owned', 'run.sh']);
    expect(names('/dir')).toEqual(['b.txt', 'sub']);
    expect(fs.readdir('/').find((e) => e.name === 'dir')?.mode).toBe(S_IFDIR);
    expect(readAll('/dir/sub/c.txt')).toBe('gamma\n');
    expect(fs.readlink('/link')).toBe('a.txt');
    expect(errnoOf(() => fs.readlink('/a.txt'))).toBe('EINVAL');
    expect(errnoOf(() => fs.getattr('/missing'))).toBe('ENOENT');
    expect(errnoOf(() => fs.getattr('/a.txt/x'))).toBe('ENOTDIR');
    expect(Buffer.from(fs.getxattr('/a.txt', 'user.note', caller)).toString()).toBe('kept');
    expect(upperListing()).toEqual([]);
  });

  it('reading lower files and directories leaves even old atimes (O_NOATIME: the user owns them)', () => {
    const old = new Date(1_000_000_000_000);
    for (const rel of ['dir', 'dir/b.txt']) utimesSync(join(lower, rel), old, old);
    const atimes = (): bigint[] => ['dir', 'dir/b.txt'].map((rel) => lstatSync(join(lower, rel), { bigint: true }).atimeNs);
    const was = atimes();
    expect(names('/dir')).toEqual(['b.txt', 'sub']);
    expect(readAll('/dir/b.txt')).toBe('beta\n');
    expect(atimes()).toEqual(was);
    // This test's own check is done; the tree's atimes back ahead for the fingerprint's reads.
    pinAtimes(lower);
    before = fingerprint(lower);
  });

  it('hard links of the lower layer share an inode number; others differ', () => {
    expect(fs.getattr('/hard1').ino).toBe(fs.getattr('/hard2').ino);
    expect(fs.getattr('/hard1').nlink).toBe(2);
    expect(fs.getattr('/a.txt').ino).not.toBe(fs.getattr('/hard1').ino);
    expect(fs.readdir('/').find((e) => e.name === 'hard1')?.ino).toBe(fs.getattr('/hard1').ino);
  });
});

describe('copy-up', () => {
  it('a write copies the file up (parents as directories, not opaque) and changes only the copy', () => {
    writeAll('/dir/sub/c.txt', 'changed\n');
    expect(readAll('/dir/sub/c.txt')).toBe('changed\n');
    expect(readFileSync(join(upper, 'dir/sub/c.txt'), 'utf8')).toBe('changed\n');
    expect(upperListing()).toEqual(['dir']);
    expect(upperListing('dir')).toEqual(['sub']);
    expect(upperListing('dir/sub')).toEqual(['c.txt']);
    // The parents keep the lower ones' modes and times: their merged view is unchanged.
    const l = lstatSync(join(lower, 'dir'), { bigint: true });
    const u = lstatSync(join(upper, 'dir'), { bigint: true });
    expect(u.mode).toBe(l.mode);
    expect(u.mtimeNs).toBe(l.mtimeNs);
    expect(fs.getattr('/dir').mtimeNs).toBe(l.mtimeNs);
    // Merged: the lower siblings still show.
    expect(names('/dir')).toEqual(['b.txt', 'sub']);
    expect(names('/dir/sub')).toEqual(['c.txt']);
  });

  it('keeps the data, mode, times to the nanosecond, xattrs and owner', () => {
    fs.chmod('/a.txt', 0o600, caller);
    const l = lstatSync(join(lower, 'a.txt'), { bigint: true });
    const u = lstatSync(join(upper, 'a.txt'), { bigint: true });
    expect(u.mode).toBe(BigInt(S_IFREG | 0o600));
    expect(u.mtimeNs).toBe(l.mtimeNs);
    expect(u.atimeNs).toBe(l.atimeNs);
    expect(readFileSync(join(upper, 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(Buffer.from(getXattr(join(upper, 'a.txt'), 'user.note')).toString()).toBe('kept');
    fs.utimens('/owned', undefined, 5_000_000_123n, caller);
    const owned = lstatSync(join(upper, 'owned'), { bigint: true });
    expect(owned.mtimeNs).toBe(5_000_000_123n);
    expect(owned.uid).toBe(lstatSync(join(lower, 'owned'), { bigint: true }).uid);
  });

  it('truncate, chown, utimens, setxattr and link each copy up first', () => {
    fs.truncate('/a.txt', 2, undefined, caller);
    expect(readAll('/a.txt')).toBe('al');
    // Root may give any group; another user only one of its own.
    const group = process.getuid!() === 0 ? 123 : process.getgid!();
    fs.chown('/run.sh', -1, group, caller);
    expect(lstatSync(join(upper, 'run.sh')).gid).toBe(group);
    fs.utimens('/dir/b.txt', 7_000_000_000n, undefined, caller);
    expect(fs.getattr('/dir/b.txt').atimeNs).toBe(7_000_000_000n);
    fs.setxattr('/dir/sub/c.txt', 'user.added', Buffer.from('v'), 0, caller);
    expect(Buffer.from(getXattr(join(upper, 'dir/sub/c.txt'), 'user.added')).toString()).toBe('v');
    fs.link('/hard1', '/hard3', caller);
    expect(lstatSync(join(upper, 'hard1')).ino).toBe(lstatSync(join(upper, 'hard3')).ino);
  });

  it('a symlink is copied up as a symlink; a copy-up does not change its parent\'s times', () => {
    const rootBefore = fs.getattr('/').mtimeNs;
    fs.chown('/link', -1, -1, caller);
    expect(readlinkSync(join(upper, 'link'))).toBe('a.txt');
    expect(fs.getattr('/').mtimeNs).toBe(rootBefore);
  });

  it('an fd opened for reading before a write copy-up keeps reading the lower file (as overlayfs)', () => {
    const reader = fs.open('/a.txt', constants.O_RDONLY, caller);
    writeAll('/a.txt', 'new content\n');
    expect(Buffer.from(fs.read('/a.txt', reader, 100, 0)).toString()).toBe('alpha\n');
    fs.release('/a.txt', reader);
    expect(readAll('/a.txt')).toBe('new content\n');
  });

  it('an open for reading copies nothing; writing to it is EBADF', () => {
    const reader = fs.open('/dir/b.txt', constants.O_RDONLY, caller);
    expect(errnoOf(() => fs.write('/dir/b.txt', reader, Buffer.from('x'), 0))).toBe('EBADF');
    fs.release('/dir/b.txt', reader);
    expect(upperListing()).toEqual([]);
  });
});

describe('deletions', () => {
  it('unlink of a lower file leaves an empty whiteout file .wh.NAME; readdir hides both', () => {
    fs.unlink('/a.txt', caller);
    const whiteout = lstatSync(join(upper, '.wh.a.txt'));
    expect(whiteout.isFile()).toBe(true);
    expect(whiteout.size).toBe(0);
    expect(errnoOf(() => fs.getattr('/a.txt'))).toBe('ENOENT');
    expect(errnoOf(() => fs.getattr('/.wh.a.txt'))).toBe('ENOENT');
    expect(names('/')).not.toContain('a.txt');
    expect(names('/').some((name) => name.startsWith('.wh.'))).toBe(false);
    expect(errnoOf(() => fs.unlink('/a.txt', caller))).toBe('ENOENT');
  });

  it('a file made again where one was deleted is the upper one; its whiteout goes', () => {
    fs.unlink('/a.txt', caller);
    const handle = fs.create('/a.txt', constants.O_WRONLY, 0o640, caller);
    fs.write('/a.txt', handle, Buffer.from('again'), 0);
    fs.release('/a.txt', handle);
    expect(upperListing()).toEqual(['a.txt']);
    expect(readAll('/a.txt')).toBe('again');
    expect(fs.getattr('/a.txt').mode).toBe(S_IFREG | 0o640);
  });

  it('rm -r of a subtree: whiteouts for the lower entries, the directory itself whited out', () => {
    expect(errnoOf(() => fs.rmdir('/gone', caller))).toBe('ENOTEMPTY');
    fs.unlink('/gone/deeper/y', caller);
    fs.rmdir('/gone/deeper', caller);
    fs.unlink('/gone/x', caller);
    fs.rmdir('/gone', caller);
    expect(upperListing()).toEqual(['.wh.gone']);
    expect(names('/')).not.toContain('gone');
    expect(errnoOf(() => fs.getattr('/gone/x'))).toBe('ENOENT');
  });

  it('a directory made where a lower one was deleted is opaque (.wh..wh..opq): nothing below shows', () => {
    fs.unlink('/dir/b.txt', caller);
    fs.unlink('/dir/sub/c.txt', caller);
    fs.rmdir('/dir/sub', caller);
    fs.rmdir('/dir', caller);
    fs.mkdir('/dir', 0o755, caller);
    expect(upperListing()).toEqual(['dir']);
    expect(upperListing('dir')).toEqual(['.wh..wh..opq']);
    expect(lstatSync(join(upper, 'dir/.wh..wh..opq')).size).toBe(0);
    expect(names('/dir')).toEqual([]);
    expect(errnoOf(() => fs.getattr('/dir/b.txt'))).toBe('ENOENT');
    expect(fs.getattr('/dir').mode).toBe(S_IFDIR | 0o755);
    // A directory made where nothing was is not opaque.
    fs.mkdir('/fresh', 0o700, caller);
    expect(upperListing('fresh')).toEqual([]);
  });

  it('rmdir of an empty lower directory, unlink of a directory, rmdir of a file', () => {
    expect(errnoOf(() => fs.unlink('/empty', caller))).toBe('EISDIR');
    expect(errnoOf(() => fs.rmdir('/a.txt', caller))).toBe('ENOTDIR');
    fs.rmdir('/empty', caller);
    expect(upperListing()).toEqual(['.wh.empty']);
  });

  it('a file made in the overlay and deleted leaves nothing', () => {
    fs.release('/new', fs.create('/new', constants.O_WRONLY, 0o644, caller));
    fs.unlink('/new', caller);
    expect(upperListing()).toEqual([]);
  });
});

describe('directories merge', () => {
  it('upper entries over lower ones, minus whiteouts, without the layer\'s own files', () => {
    fs.release('/dir/new.txt', fs.create('/dir/new.txt', constants.O_WRONLY, 0o644, caller));
    fs.unlink('/dir/b.txt', caller);
    fs.mkdir('/dir/made', 0o755, caller);
    expect(names('/dir')).toEqual(['made', 'new.txt', 'sub']);
    expect(upperListing('dir')).toEqual(['.wh.b.txt', 'made', 'new.txt']);
    // A merged directory's link count is 1 ("unknown", as overlayfs says), a lower one's real.
    expect(fs.getattr('/dir').nlink).toBe(1);
    expect(fs.getattr('/gone').nlink).toBe(3);
  });

  it('names starting with .wh. cannot be made', () => {
    expect(errnoOf(() => fs.create('/.wh.x', constants.O_WRONLY, 0o644, caller))).toBe('EINVAL');
    expect(errnoOf(() => fs.mkdir('/dir/.wh..wh..opq', 0o755, caller))).toBe('EINVAL');
    expect(errnoOf(() => fs.rename('/a.txt', '/.wh.a', 0, caller))).toBe('EINVAL');
  });
});

describe('rename', () => {
  it('a lower file: copied up to the new name, a whiteout at the old one', () => {
    fs.rename('/a.txt', '/dir/moved.txt', 0, caller);
    expect(readFileSync(join(upper, 'dir/moved.txt'), 'utf8')).toBe('alpha\n');
    expect(upperListing()).toEqual(['.wh.a.txt', 'dir']);
    expect(names('/dir')).toEqual(['b.txt', 'moved.txt', 'sub']);
    expect(errnoOf(() => fs.getattr('/a.txt'))).toBe('ENOENT');
    // Over an existing lower file: the upper one hides it, no whiteout needed.
    fs.rename('/dir/moved.txt', '/run.sh', 0, caller);
    expect(readAll('/run.sh')).toBe('alpha\n');
    expect(errnoOf(() => fs.rename('/dir/b.txt', '/run.sh', 1, caller))).toBe('EEXIST');
    expect(errnoOf(() => fs.rename('/dir/b.txt', '/empty', 0, caller))).toBe('EISDIR');
    // renameat2's RENAME_EXCHANGE is not offered (EINVAL, as from a file system without it).
    expect(errnoOf(() => fs.rename('/dir/b.txt', '/hard1', 2, caller))).toBe('EINVAL');
  });

  it('a directory with lower contents: EXDEV (as overlayfs without redirect_dir; mv copies)', () => {
    expect(errnoOf(() => fs.rename('/dir', '/dir2', 0, caller))).toBe('EXDEV');
    expect(errnoOf(() => fs.rename('/empty', '/empty2', 0, caller))).toBe('EXDEV');
    expect(upperListing()).toEqual([]);
  });

  it('a directory made in the overlay moves; over a deleted lower directory it becomes opaque', () => {
    fs.mkdir('/made', 0o755, caller);
    fs.release('/made/f', fs.create('/made/f', constants.O_WRONLY, 0o644, caller));
    fs.rename('/made', '/moved', 0, caller);
    expect(names('/moved')).toEqual(['f']);
    expect(upperListing()).toEqual(['moved']);
    // Over an empty lower directory: it replaces it, and the lower one must not merge in.
    fs.rename('/moved', '/empty', 0, caller);
    expect(upperListing('empty')).toEqual(['.wh..wh..opq', 'f']);
    expect(names('/empty')).toEqual(['f']);
    expect(errnoOf(() => fs.rename('/empty', '/empty/inside', 0, caller))).toBe('EINVAL');
    expect(errnoOf(() => fs.rename('/empty', '/gone', 0, caller))).toBe('ENOTEMPTY');
  });

  it('two names of one file: nothing happens', () => {
    fs.rename('/hard1', '/hard2', 0, caller);
    expect(names('/')).toContain('hard1');
    expect(upperListing()).toEqual([]);
  });
});

describe('links, symlinks, special files', () => {
  it('symlink and FIFO are made in the upper layer', () => {
    fs.symlink('dir/b.txt', '/to-b', caller);
    expect(readlinkSync(join(upper, 'to-b'))).toBe('dir/b.txt');
    expect(fs.readlink('/to-b')).toBe('dir/b.txt');
    expect(errnoOf(() => fs.symlink('x', '/a.txt', caller))).toBe('EEXIST');
    fs.mknod('/pipe', S_IFIFO | 0o600, 0, caller);
    expect(lstatSync(join(upper, 'pipe')).isFIFO()).toBe(true);
    expect(fs.getattr('/pipe').mode).toBe(S_IFIFO | 0o600);
  });

  it('a hard link of a lower file is made between upper copies and shares their inode number', () => {
    fs.link('/a.txt', '/dir/a-again', caller);
    expect(fs.getattr('/a.txt').ino).toBe(fs.getattr('/dir/a-again').ino);
    expect(fs.getattr('/a.txt').nlink).toBe(2);
    writeAll('/dir/a-again', 'through the link\n');
    expect(readAll('/a.txt')).toBe('through the link\n');
    expect(errnoOf(() => fs.link('/dir', '/dir-link', caller))).toBe('EPERM');
  });

  it('a lower hard link is broken by a copy-up (as overlayfs without index=on): the other name keeps the lower file', () => {
    writeAll('/hard1', 'changed\n');
    expect(readAll('/hard2')).toBe('linked\n');
    expect(fs.getattr('/hard1').nlink).toBe(1);
    expect(fs.getattr('/hard1').ino).not.toBe(fs.getattr('/hard2').ino);
  });

  it('a copied-up file keeps its inode number (a lower file with one link)', () => {
    const ino = fs.getattr('/a.txt').ino;
    writeAll('/a.txt', 'x');
    expect(fs.getattr('/a.txt').ino).toBe(ino);
  });
});

describe('the upper layer persists', () => {
  it('a new mount over the same upper directory sees the changes of the last', () => {
    writeAll('/a.txt', 'kept across runs\n');
    fs.unlink('/dir/b.txt', caller);
    fs.unlink('/gone/deeper/y', caller);
    fs.rmdir('/gone/deeper', caller);
    fs.unlink('/gone/x', caller);
    fs.rmdir('/gone', caller);
    fs.mkdir('/gone', 0o700, caller);
    const again = mount();
    expect(Buffer.from(again.read('/a.txt', again.open('/a.txt', constants.O_RDONLY, caller), 100, 0)).toString()).toBe('kept across runs\n');
    expect(again.readdir('/dir').map((e) => e.name).sort()).toEqual(['sub']);
    expect(again.readdir('/gone')).toEqual([]);
    // The root's metadata is not taken again from the lower root over a used upper layer.
    expect(existsSync(join(upper, 'gone/.wh..wh..opq'))).toBe(true);
  });

  it('an upper layer written by other tools in the same convention is honoured', () => {
    mkdirSync(join(upper, 'dir'));
    writeFileSync(join(upper, 'dir/.wh.b.txt'), '');
    writeFileSync(join(upper, '.wh.run.sh'), '');
    mkdirSync(join(upper, 'gone'));
    writeFileSync(join(upper, 'gone/.wh..wh..opq'), '');
    writeFileSync(join(upper, 'gone/only'), 'only\n');
    expect(names('/dir')).toEqual(['sub']);
    expect(names('/')).not.toContain('run.sh');
    expect(names('/gone')).toEqual(['only']);
  });
});

describe('statfs and open', () => {
  it('statfs says overlayfs; directories open read-only; O_TRUNC copies up and truncates', () => {
    expect(fs.statfs().type).toBe(0x794c7630);
    expect(errnoOf(() => fs.open('/dir', constants.O_WRONLY, caller))).toBe('EISDIR');
    fs.release('/dir', fs.open('/dir', constants.O_RDONLY, caller));
    fs.release('/a.txt', fs.open('/a.txt', constants.O_RDWR | constants.O_TRUNC, caller));
    expect(fs.getattr('/a.txt').size).toBe(0);
    expect(lstatSync(join(upper, 'a.txt')).size).toBe(0);
    expect(errnoOf(() => fs.create('/a.txt', constants.O_WRONLY | constants.O_EXCL, 0o644, caller))).toBe('EEXIST');
    expect(errnoOf(() => fs.create('/nodir/f', constants.O_WRONLY, 0o644, caller))).toBe('ENOENT');
  });
});

describe('big copy-ups (1 MiB and more): the data copied while the call is held', () => {
  const BIG = 8 << 20;
  /** The lower tree gets /big (8 MiB of a known pattern); the fingerprint is taken again. */
  function bigFile(): Buffer {
    const data = Buffer.alloc(BIG);
    for (let i = 0; i < BIG; i++) data[i] = (i * 2654435761) >>> 24;
    writeFileSync(join(lower, 'big'), data);
    pinAtimes(lower);
    before = fingerprint(lower);
    return data;
  }

  it('open for writing answers with a promise; meanwhile the lower file shows; then the copy is whole', async () => {
    const data = bigFile();
    const pending = fs.open('/big', constants.O_WRONLY, caller);
    expect(pending).toBeInstanceOf(Promise);
    // Not copied up yet: the overlay shows the lower file, the temporary name is hidden.
    expect(fs.getattr('/big').size).toBe(BIG);
    expect(names('/').filter((name) => name === 'big')).toEqual(['big']);
    expect(names('/').some((name) => name.startsWith('.wh.'))).toBe(false);
    expect(upperListing().filter((name) => !name.startsWith('.wh.'))).toEqual([]);
    const handle = await pending;
    fs.write('/big', handle, Buffer.from('HEAD'), 0);
    fs.release('/big', handle);
    const copy = readFileSync(join(upper, 'big'));
    expect(copy.subarray(0, 4).toString()).toBe('HEAD');
    expect(copy.subarray(4).equals(data.subarray(4))).toBe(true);
    expect(upperListing()).toEqual(['big']);
    expect(lstatSync(join(upper, 'big')).mode).toBe(lstatSync(join(lower, 'big')).mode);
  });

  it('operations on the file while its data is copied wait for it; one copy serves them all', async () => {
    bigFile();
    const first = fs.open('/big', constants.O_RDWR, caller);
    const chmod = fs.chmod('/big', 0o600, caller);
    expect(chmod).toBeInstanceOf(Promise);
    const handle = await first;
    await chmod;
    fs.write('/big', handle, Buffer.from('X'), 0);
    fs.release('/big', handle);
    expect(lstatSync(join(upper, 'big')).mode & 0o7777).toBe(0o600);
    expect(upperListing()).toEqual(['big']);
  });

  it('an unlink made meanwhile comes first: the waiting open fails with ENOENT, the copy goes', async () => {
    bigFile();
    const pending = fs.open('/big', constants.O_WRONLY, caller);
    fs.unlink('/big', caller);
    await expect(pending).rejects.toMatchObject({ code: 'ENOENT' });
    expect(upperListing()).toEqual(['.wh.big']);
  });

  it('a chmod copies it up keeping its times to the nanosecond', async () => {
    bigFile();
    await fs.chmod('/big', 0o640, caller);
    const [u, l] = [join(upper, 'big'), join(lower, 'big')].map((f) => lstatSync(f, { bigint: true }));
    expect([u!.mtimeNs, u!.size, u!.mode]).toEqual([l!.mtimeNs, l!.size, BigInt(0o100640)]);
  });

  it('a refused operation copies nothing', () => {
    bigFile();
    expect(errnoOf(() => fs.open('/big', constants.O_WRONLY, other))).toBe('EACCES');
    expect(upperListing()).toEqual([]);
  });
});

describe('permissions: the kernel\'s rules against what the overlay shows', () => {
  // As root the host would allow everything: what is refused here is refused by the overlay's
  // own checks, for another user's caller (not in the tests' group).
  const user = other;

  it('a user may read others\' files but not change them or their directories', () => {
    expect(Buffer.from(fs.read('/a.txt', fs.open('/a.txt', constants.O_RDONLY, user), 100, 0)).toString()).toBe('alpha\n');
    expect(errnoOf(() => fs.open('/a.txt', constants.O_WRONLY, user))).toBe('EACCES');
    expect(errnoOf(() => fs.open('/a.txt', constants.O_RDONLY | constants.O_TRUNC, user))).toBe('EACCES');
    expect(errnoOf(() => fs.truncate('/a.txt', 0, undefined, user))).toBe('EACCES');
    expect(errnoOf(() => fs.unlink('/a.txt', user))).toBe('EACCES');
    expect(errnoOf(() => fs.rename('/a.txt', '/b', 0, user))).toBe('EACCES');
    expect(errnoOf(() => fs.create('/mine', constants.O_WRONLY, 0o644, user))).toBe('EACCES');
    expect(errnoOf(() => fs.mkdir('/d', 0o755, user))).toBe('EACCES');
    expect(errnoOf(() => fs.chmod('/a.txt', 0o777, user))).toBe('EPERM');
    expect(errnoOf(() => fs.chown('/a.txt', OTHER_ID, -1, user))).toBe('EPERM');
    expect(errnoOf(() => fs.utimens('/a.txt', 1n, 1n, user))).toBe('EPERM'); // times given: the owner's
    expect(errnoOf(() => fs.utimens('/a.txt', 1n, 1n, user, true))).toBe('EACCES'); // now: write permission
    expect(errnoOf(() => fs.setxattr('/a.txt', 'user.x', Buffer.from('v'), 0, user))).toBe('EACCES');
    expect(errnoOf(() => fs.link('/a.txt', '/dir/l', user))).toBe('EACCES');
    // dir is 0750, group 0: neither listed nor opened by others.
    expect(errnoOf(() => fs.open('/dir', constants.O_RDONLY, user))).toBe('EACCES');
    expect(upperListing()).toEqual([]);
  });

  it('a user\'s own lower file: writable, chmod-able (copied up)', (ctx) => {
    if (NEEDS_ROOT) ctx.skip(NEEDS_ROOT);
    fs.chmod('/owned', 0o600, user);
    writeAll('/owned', 'mine now\n');
    expect(readFileSync(join(upper, 'owned'), 'utf8')).toBe('mine now\n');
    expect(errnoOf(() => fs.chown('/owned', 0, -1, user))).toBe('EPERM');
  });

  it('a sticky directory: anyone may add, only owners remove', (ctx) => {
    if (NEEDS_ROOT) ctx.skip(NEEDS_ROOT);
    fs.mkdir('/tmp', 0o1777, caller);
    fs.release('/tmp/roots', fs.create('/tmp/roots', constants.O_WRONLY, 0o666, caller));
    fs.release('/tmp/users', fs.create('/tmp/users', constants.O_WRONLY, 0o644, user));
    expect(errnoOf(() => fs.unlink('/tmp/roots', user))).toBe('EPERM');
    expect(errnoOf(() => fs.rename('/tmp/users', '/tmp/roots', 0, user))).toBe('EPERM');
    fs.unlink('/tmp/users', user);
    expect(names('/tmp')).toEqual(['roots']);
  });
});

describe('as root', () => {
  skipEachWhen(missing.root());
  it('copy-up gives the copy the lower file\'s owner', () => {
    fs.chmod('/owned', 0o644, caller);
    expect(lstatSync(join(upper, 'owned')).uid).toBe(999);
    expect(fs.getattr('/owned').uid).toBe(999);
  });
});
