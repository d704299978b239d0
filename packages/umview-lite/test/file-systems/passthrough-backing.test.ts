// The passthrough file system's backing files (FileSystem.backing, what `unreal,mode=fs`
// mounts): the open's own host fd, whatever access mode it was opened with, read and written
// natively through a reopen as the monitor makes it; getattr sees what was written there.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, lstatSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { passthrough } from '../../src/file-systems/passthrough/passthrough.js';
import type { Caller, FileSystem } from '../../src/vfs/file-system.js';
import { tempDir } from '../helpers.js';
import { inodeOf, readNatively, reopen } from './backing-reopen.js';

const caller: Caller = { pid: process.pid, uid: process.getuid!(), gid: process.getgid!(), umask: 0o022 };
let root: string;
let fs: FileSystem;

beforeEach(() => {
  root = tempDir('passthrough-backing-');
  writeFileSync(join(root, 'data'), Buffer.from('0123456789'.repeat(1000)));
  fs = passthrough(root);
});

describe('passthrough backing files', () => {
  it('an open for reading is backed by its own host fd: the same bytes, read natively', async () => {
    const handle = await fs.open!('/data', constants.O_RDONLY, caller);
    const fd = await fs.backing!('/data', handle, constants.O_RDONLY);
    expect(fd).toBe(handle);
    expect(inodeOf(fd!)).toBe(lstatSync(join(root, 'data')).ino);
    expect(readNatively(fd!).equals(readFileSync(join(root, 'data')))).toBe(true);
    await fs.release!('/data', handle);
  });

  it('the reopen takes its own access mode: writes through it are the file\'s, and getattr says so', async () => {
    const handle = await fs.open!('/data', constants.O_RDWR, caller);
    const fd = (await fs.backing!('/data', handle, constants.O_RDWR))!;
    const before = await fs.getattr('/data', caller);
    const own = reopen(fd, constants.O_WRONLY | constants.O_APPEND);
    writeSync(own, 'tail');
    closeSync(own);
    const after = await fs.getattr('/data', caller);
    expect(after.size).toBe(before.size + 4);
    expect(after.mtimeNs! >= before.mtimeNs!).toBe(true);
    expect(readFileSync(join(root, 'data')).subarray(-4).toString()).toBe('tail');
    await fs.release!('/data', handle);
  });

  it('a created file is backed too', async () => {
    const handle = await fs.create!('/new', constants.O_WRONLY | constants.O_CREAT, 0o644, caller);
    const fd = (await fs.backing!('/new', handle, constants.O_WRONLY))!;
    const own = reopen(fd, constants.O_RDWR);
    writeSync(own, 'made natively');
    closeSync(own);
    expect(readFileSync(join(root, 'new'), 'utf8')).toBe('made natively');
    expect((await fs.getattr('/new', caller)).size).toBe(13);
    await fs.release!('/new', handle);
  });

  it('what is not a regular file is served call by call', async () => {
    execFileSync('mkfifo', [join(root, 'fifo')]);
    const handle = await fs.open!('/fifo', constants.O_RDONLY | constants.O_NONBLOCK, caller);
    expect(await fs.backing!('/fifo', handle, constants.O_RDONLY)).toBeUndefined();
    await fs.release!('/fifo', handle);
  });
});

describe('passthrough backing files and permissions', () => {
  skipEachWhen(process.getuid!() === 0 ? 'root: every access mode passes the kernel\'s permission check' : undefined);

  it('the reopen is checked against the inode: a read-only file opened for reading cannot be reopened for writing', async () => {
    writeFileSync(join(root, 'ro'), 'read only', { mode: 0o444 });
    const handle = await fs.open!('/ro', constants.O_RDONLY, caller);
    const fd = (await fs.backing!('/ro', handle, constants.O_RDONLY))!;
    expect(() => reopen(fd, constants.O_RDWR)).toThrow(expect.objectContaining({ code: 'EACCES' }));
    expect(readNatively(fd).toString()).toBe('read only');
    await fs.release!('/ro', handle);
  });
});
