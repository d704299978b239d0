// The private-directory rule (src/private-directory.ts): what it makes, and what it refuses,
// against the real file system.
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePrivateDirectory, privateDirectoryProblem } from '../src/private-directory.js';
import { tempDir } from '@umview/test-fixtures';

describe('makePrivateDirectory', () => {
  it('makes the missing directories, each 0700, and passes them', () => {
    const base = tempDir('umview-private-');
    const path = join(base, 'a', 'b', 'c');
    expect(makePrivateDirectory(path)).toBeUndefined();
    for (const dir of [join(base, 'a'), join(base, 'a', 'b'), path]) expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    expect(makePrivateDirectory(path)).toBeUndefined(); // already there
  });

  it('answers with the reason where nothing can be made (under /proc: Node\'s recursive mkdir would never return)', () => {
    expect(makePrivateDirectory('/proc/umview-nope/x')).toMatch(/^\/proc\/umview-nope\/x cannot be created \(ENOENT\)$/);
  });

  it('refuses a directory others may write to', () => {
    const path = join(tempDir('umview-private-'), 'shared');
    mkdirSync(path);
    chmodSync(path, 0o777);
    expect(privateDirectoryProblem(path)).toMatch(/writable/);
    expect(makePrivateDirectory(path)).toMatch(/writable/);
  });
});
