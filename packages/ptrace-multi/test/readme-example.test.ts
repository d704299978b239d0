// The README's example is examples/open-paths.mjs, embedded verbatim: check the embedding, then
// run it as a user would, with the built packages, batched and the 2006 way.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readmeExamples } from '@umview/test-fixtures';
import { expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: pkg, encoding: 'utf8', timeout: 60_000 });

it('the README embeds examples/open-paths.mjs verbatim', () => {
  const examples = readmeExamples(pkg);
  expect(examples.map((e) => e.file)).toEqual(['examples/open-paths.mjs']);
  for (const example of examples) expect(example.embedded).toBe(example.source);
});

function counters(stderr: string) {
  const m = /^(\d+) batches, (\d+) ops: (\d+) system calls issued, (\d+) the 2006 way \((batched|no batching)\)$/m.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return { batches: Number(m![1]), ops: Number(m![2]), syscalls: Number(m![3]), oneByOne: Number(m![4]), mode: m![5] };
}

it('open-paths prints the paths a program opens and what batching saved', () => {
  const run = node(['examples/open-paths.mjs', '--', '/bin/cat', '/etc/hostname']);
  expect(run.status).toBe(0);
  expect(run.stderr).toMatch(/^openat\("\/etc\/hostname"\) at 0x[0-9a-f]+$/m);
  const c = counters(run.stderr);
  expect(c.mode).toBe('batched');
  expect(c.batches).toBeGreaterThan(0);
  expect(c.syscalls).toBeLessThan(c.oneByOne);
});

it('open-paths --no-multi reads the same paths one word at a time', () => {
  const batched = node(['examples/open-paths.mjs', '--', '/bin/cat', '/etc/hostname']);
  const run = node(['examples/open-paths.mjs', '--no-multi', '--', '/bin/cat', '/etc/hostname']);
  expect(run.status).toBe(0);
  const paths = (text: string) => text.split('\n').filter((l) => /^\w+\(/.test(l)).map((l) => l.replace(/ at 0x\w+$/, ''));
  expect(paths(run.stderr)).toEqual(paths(batched.stderr));
  const c = counters(run.stderr);
  expect(c.mode).toBe('no batching');
  expect(c.syscalls).toBe(c.oneByOne);
});
