// replaceFile, the metadata store's last step: the new file in place of the old whole, the old
// contents gone, with or without a file there before; against the real file system.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '@umview/test-fixtures';
import { replaceFile } from '../../src/fake-root/replace-file.js';

it('puts the new file in place of the old one, and leaves no other file behind', () => {
  const dir = tempDir();
  const file = join(dir, 'store');
  writeFileSync(file, 'old');
  const oldInode = statSync(file).ino;
  writeFileSync(join(dir, 'store.tmp'), 'new');
  const newInode = statSync(join(dir, 'store.tmp')).ino;
  replaceFile(join(dir, 'store.tmp'), file);
  expect(readFileSync(file, 'utf8')).toBe('new');
  expect(statSync(file).ino).toBe(newInode);
  expect(statSync(file).ino).not.toBe(oldInode);
  expect(readdirSync(dir)).toEqual(['store']);
});

it('makes the file when there was none', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'store.tmp'), 'first');
  replaceFile(join(dir, 'store.tmp'), join(dir, 'store'));
  expect(readFileSync(join(dir, 'store'), 'utf8')).toBe('first');
  expect(existsSync(join(dir, 'store.tmp'))).toBe(false);
});

it('fails as rename does when the new file is missing, the old one left as it was', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'store'), 'kept');
  expect(() => replaceFile(join(dir, 'missing.tmp'), join(dir, 'store'))).toThrow(/ENOENT/);
  expect(readFileSync(join(dir, 'store'), 'utf8')).toBe('kept');
});
