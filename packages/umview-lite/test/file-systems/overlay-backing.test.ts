// The overlay's backing files (FileSystem.backing): a lower file opened for reading is backed by
// an fd of the lower file (the lower tree stays as it was: checked after every test, times
// included), an upper file by the upper file's, and an open for writing of a lower file copies
// it up first and is backed by the copy. Read and written natively through a reopen as the
// monitor makes it; getattr reports what was written there.
import { closeSync, constants, lstatSync, mkdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { overlay, type OverlayModule } from '../../src/file-systems/overlay/index.js';
import type { OverlayFileSystem } from '../../src/file-systems/overlay/overlay-file-system.js';
import type { Caller } from '../../src/vfs/file-system.js';
import { tempDir } from '../helpers.js';
import { inodeOf, readNatively, reopen } from './backing-reopen.js';
import { fingerprint, makeLowerTree } from './overlay-tree.js';

const caller: Caller = { pid: process.pid, uid: process.getuid!(), gid: process.getgid!(), umask: 0o022 };
let lower: string;
let upper: string;
let fs: OverlayFileSystem;
let before: string;

beforeEach(() => {
  const base = tempDir('overlay-backing-');
  lower = join(base, 'lower');
  upper = join(base, 'upper');
  mkdirSync(lower);
  makeLowerTree(lower);
  before = fingerprint(lower);
  fs = (overlay({ positional: [lower], upper }) as OverlayModule).fileSystem;
});

afterEach(() => {
  expect(fingerprint(lower)).toBe(before);
});

describe('overlay backing files', () => {
  it('a lower file opened for reading: an fd of the lower file, nothing copied up', () => {
    const handle = fs.open('/dir/b.txt', constants.O_RDONLY, caller);
    const fd = fs.backing('/dir/b.txt', handle)!;
    expect(inodeOf(fd)).toBe(lstatSync(join(lower, 'dir/b.txt')).ino);
    expect(readNatively(fd).toString()).toBe('beta\n');
    fs.release('/dir/b.txt', handle);
    expect(() => lstatSync(join(upper, 'dir/b.txt'))).toThrow();
  });

  it('an open for writing copies up first and is backed by the copy; getattr reports its writes', () => {
    const handle = fs.open('/a.txt', constants.O_WRONLY, caller);
    const fd = fs.backing('/a.txt', handle)!;
    expect(inodeOf(fd)).toBe(lstatSync(join(upper, 'a.txt')).ino);
    const own = reopen(fd, constants.O_WRONLY | constants.O_APPEND);
    writeSync(own, 'more\n');
    closeSync(own);
    fs.release('/a.txt', handle);
    expect(readFileSync(join(upper, 'a.txt'), 'utf8')).toBe('alpha\nmore\n');
    const shown = fs.getattr('/a.txt');
    const host = lstatSync(join(upper, 'a.txt'), { bigint: true });
    expect(shown.size).toBe(11);
    expect(shown.mtimeNs).toBe(host.mtimeNs);
    expect(shown.ctimeNs).toBe(host.ctimeNs);
  });

  it('a file already in the upper layer opened for reading: the upper file\'s fd', () => {
    const writer = fs.open('/run.sh', constants.O_RDWR | constants.O_TRUNC, caller);
    fs.write('/run.sh', writer, Buffer.from('#!/bin/sh\necho changed\n'), 0);
    fs.release('/run.sh', writer);
    const handle = fs.open('/run.sh', constants.O_RDONLY, caller);
    const fd = fs.backing('/run.sh', handle)!;
    expect(inodeOf(fd)).toBe(lstatSync(join(upper, 'run.sh')).ino);
    expect(readNatively(fd).toString()).toBe('#!/bin/sh\necho changed\n');
    fs.release('/run.sh', handle);
  });

  it('a reader of the lower file keeps it when another open copies it up (as overlayfs)', () => {
    const reader = fs.open('/dir/sub/c.txt', constants.O_RDONLY, caller);
    const readerFd = fs.backing('/dir/sub/c.txt', reader)!;
    const writer = fs.open('/dir/sub/c.txt', constants.O_WRONLY | constants.O_TRUNC, caller);
    const writerFd = fs.backing('/dir/sub/c.txt', writer)!;
    const own = reopen(writerFd, constants.O_WRONLY);
    writeSync(own, 'delta\n');
    closeSync(own);
    expect(readNatively(readerFd).toString()).toBe('gamma\n');
    expect(readNatively(writerFd).toString()).toBe('delta\n');
    fs.release('/dir/sub/c.txt', reader);
    fs.release('/dir/sub/c.txt', writer);
  });

  it('a directory has no backing file', () => {
    const handle = fs.open('/dir', constants.O_RDONLY, caller);
    expect(fs.backing('/dir', handle)).toBeUndefined();
    fs.release('/dir', handle);
  });
});
