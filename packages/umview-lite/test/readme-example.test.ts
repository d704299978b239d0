// The README's examples, embedded verbatim: the library (examples/unreal-cat.mjs) and a module
// of one's own (examples/hide-secret.mjs, loaded by the built CLI with -m), a file-system module
// (examples/hello-fs.mjs, mounted with -m FILE,/mnt). Check the
// embeddings, then run both as a user would.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readmeExamples, tempDir } from '@umview/test-fixtures';
import { expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: pkg, encoding: 'utf8', timeout: 60_000 });
const cli = join(pkg, 'dist', 'cli.cjs');

it('the README embeds its examples verbatim', () => {
  const examples = readmeExamples(pkg);
  expect(examples.map((e) => e.file)).toEqual(['examples/unreal-cat.mjs', 'examples/hide-secret.mjs', 'examples/hello-fs.mjs']);
  for (const example of examples) expect(example.embedded).toBe(example.source);
});

it('unreal-cat: /unreal/etc/hostname is /etc/hostname, and the stats follow', () => {
  const run = node(['examples/unreal-cat.mjs']);
  expect(run.status).toBe(0);
  expect(run.stdout).toBe(readFileSync('/etc/hostname', 'utf8'));
  expect(run.stderr).toMatch(/syscalls virtualized +[1-9]/);
});

it('unreal-cat exits with the command status', () => {
  expect(node(['examples/unreal-cat.mjs', 'sh', '-c', 'test -d /unreal/etc && exit 5']).status).toBe(5);
});

it('hide-secret: paths under the prefix read as empty, others as they are', () => {
  const dir = tempDir('umview-readme-');
  writeFileSync(join(dir, 'key'), 'the secret\n');
  writeFileSync(join(dir, 'other'), 'visible\n');
  const hidden = node([cli, '-m', `./examples/hide-secret.mjs,path=${join(dir, 'key')}`, '--', 'cat', join(dir, 'key'), join(dir, 'other')]);
  expect(hidden.stderr).toBe('');
  expect(hidden.status).toBe(0);
  expect(hidden.stdout).toBe('visible\n');
  const secret = node([cli, '-m', './examples/hide-secret.mjs', '--', 'cat', '/secret/anything']);
  expect(secret.status).toBe(0);
  expect(secret.stdout).toBe('');
});

it('hello-fs: a tree that exists only in the module, read-only', () => {
  const run = node([cli, '-m', './examples/hello-fs.mjs,/hello,who=you', '--', 'sh', '-c', 'ls -R /hello; cat /hello/latest; cd /hello/docs && pwd && cat about.md; mkdir /hello/new']);
  expect(run.stdout).toBe('/hello:\ndocs\ngreeting.txt\nlatest\n\n/hello/docs:\nabout.md\nhello, you\n/hello/docs\n# hello-fs\nEvery byte here comes from the module.\n');
  expect(run.stderr).toMatch(/mkdir: cannot create directory .\/hello\/new.: Read-only file system/);
  expect(run.status).toBe(1);
});
