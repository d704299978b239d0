// The README's example is examples/virtual-getpid.mjs, embedded verbatim: check the embedding,
// then run it as a user would, with the built packages.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readmeExamples } from '@umview/test-fixtures';
import { expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));

it('the README embeds examples/virtual-getpid.mjs verbatim', () => {
  const examples = readmeExamples(pkg);
  expect(examples.map((e) => e.file)).toEqual(['examples/virtual-getpid.mjs']);
  for (const example of examples) expect(example.embedded).toBe(example.source);
});

it('virtual-getpid: getpid answers 4242, /etc/motd reads as /etc/hostname', () => {
  const run = spawnSync(process.execPath, ['examples/virtual-getpid.mjs'], { cwd: pkg, encoding: 'utf8', timeout: 60_000 });
  expect(run.status).toBe(0);
  expect(run.stdout).toBe(`pid 4242\n${readFileSync('/etc/hostname', 'utf8')}`);
  expect(run.stderr).toMatch(/^openat \/etc\/motd$/m);
});

it('virtual-getpid runs a command of yours', () => {
  const run = spawnSync(process.execPath, ['examples/virtual-getpid.mjs', 'sh', '-c', 'echo $$; exit 4'], { cwd: pkg, encoding: 'utf8', timeout: 60_000 });
  expect(run.stdout).toBe('4242\n');
  expect(run.status).toBe(4);
});
