// The README's example is examples/where-is.mjs, embedded verbatim: check the embedding, then
// run it as a user would, with the built package, on a program compiled with -g.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileC, readmeExamples } from '@umview/test-fixtures';
import { expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const source = fileURLToPath(new URL('fixtures/readme/hello.c', import.meta.url));
const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: pkg, encoding: 'utf8', timeout: 60_000 });

it('the README embeds examples/where-is.mjs verbatim', () => {
  const examples = readmeExamples(pkg);
  expect(examples.map((e) => e.file)).toEqual(['examples/where-is.mjs']);
  for (const example of examples) expect(example.embedded).toBe(example.source);
});

it('where-is finds where functions start, by file and line', () => {
  const program = compileC(source, { flags: ['-O0', '-g'], name: 'readme-hello' });
  const main = node(['examples/where-is.mjs', program]);
  expect(main.status).toBe(0);
  expect(main.stdout).toMatch(new RegExp(`^main at 0x[0-9a-f]+: ${source.replace(/[.]/g, '\\.')}:7\\n$`));
  const add = node(['examples/where-is.mjs', program, 'add']);
  expect(add.stdout).toMatch(/^add at 0x[0-9a-f]+: .*\/hello\.c:3\n$/);
});

it('where-is says so when there is no such function', () => {
  const run = node(['examples/where-is.mjs', compileC(source, { flags: ['-O0', '-g'], name: 'readme-hello' }), 'nope']);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/no function nope/);
});
