// The heads of programs the monitor keeps between execves (monitor/file-heads.ts): a kept head
// is given again only while the file's stamp (device, inode, size, modification and change
// times) is the same. Real files, real stats; only the clock is moved ahead, so that files
// written by the test are past the second in which a change cannot be told from a stamp.
import { chmodSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { fileHead, isExecutable } from '../../src/monitor/file-heads.js';

const dir = mkdtempSync(join(tmpdir(), 'umview-file-heads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

/** Moves the clock past the "changed in the last second" window of everything written so far. */
function later(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 10_000);
}

describe('the heads of programs, kept while the file stays the same', () => {
  it('gives a kept head again, and reads the file again once it changed', () => {
    const path = join(dir, 'script');
    writeFileSync(path, '#!/bin/sh\necho one\n');
    chmodSync(path, 0o755);
    expect(fileHead(path)?.toString()).toBe('#!/bin/sh\necho one\n');
    later();
    const kept = fileHead(path);
    expect(kept?.toString()).toBe('#!/bin/sh\necho one\n');
    expect(fileHead(path)).toBe(kept); // the same buffer: not read again
    // Same size, other bytes: the modification time tells it.
    vi.useRealTimers();
    writeFileSync(path, '#!/bin/sh\necho two\n');
    later();
    expect(fileHead(path)?.toString()).toBe('#!/bin/sh\necho two\n');
    // Another file renamed over it: another inode.
    const other = join(dir, 'other');
    writeFileSync(other, '\x7fELF');
    vi.useRealTimers();
    renameSync(other, path);
    later();
    expect(fileHead(path)?.toString()).toBe('\x7fELF');
  });

  it('asks again whether the file may be executed once its mode changed', () => {
    const path = join(dir, 'mode');
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    later();
    expect(isExecutable(path)).toBe(true);
    vi.useRealTimers();
    chmodSync(path, 0o644); // a change of the change time only
    later();
    expect(isExecutable(path)).toBe(false); // no x bit: not even root may (access(2))
  });

  it('follows a symlink, and keys a tracee\'s bytes apart from a string', () => {
    const target = join(dir, 'target');
    writeFileSync(target, '#!/bin/true\n');
    const link = join(dir, 'link');
    symlinkSync(target, link);
    later();
    expect(fileHead(link)?.toString()).toBe('#!/bin/true\n');
    expect(fileHead(Buffer.from(link))?.toString()).toBe('#!/bin/true\n');
    // Pointed elsewhere: the stamp is the new target's.
    const second = join(dir, 'second');
    writeFileSync(second, 'plain text, no #!\n');
    vi.useRealTimers();
    rmSync(link);
    symlinkSync(second, link);
    later();
    expect(fileHead(link)?.toString()).toBe('plain text, no #!\n');
    expect(fileHead(Buffer.from(link))?.toString()).toBe('plain text, no #!\n');
  });

  it('has no head for a missing file or a directory, and reads a file changed this second now', () => {
    expect(fileHead(join(dir, 'missing'))).toBeUndefined();
    expect(isExecutable(join(dir, 'missing'))).toBe(false);
    expect(fileHead(dir)).toBeUndefined();
    const path = join(dir, 'fresh');
    writeFileSync(path, 'first');
    expect(fileHead(path)?.toString()).toBe('first');
    writeFileSync(path, 'later'); // same second, same size: not kept, so read again
    expect(fileHead(path)?.toString()).toBe('later');
  });
});
