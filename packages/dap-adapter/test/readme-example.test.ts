// The README's example is examples/where-is.mjs, embedded verbatim: check the embedding, then
// run it as a user would, with the built package, on a program compiled with -g.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileC, readmeExamples } from '@umview/test-fixtures';
import { expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const source = fileURLToPath(new URL('fixtures/readme/hello.c', import.meta.url));
/** Runs node with `args` in the package, as a user would; no deadline (vitest's timeout is the guard). */
const node = (args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> => new Promise((resolve) => {
  const child = execFile(process.execPath, args, { cwd: pkg, encoding: 'utf8' }, (_error, stdout, stderr) => {
    resolve({ status: child.exitCode, stdout, stderr });
  });
});

it('the README embeds examples/where-is.mjs verbatim', () => {
  const examples = readmeExamples(pkg);
  expect(examples.map((e) => e.file)).toEqual(['examples/where-is.mjs']);
  for (const example of examples) expect(example.embedded).toBe(example.source);
});

it('where-is finds where functions start, by file and line', async () => {
  const program = compileC(source, { flags: ['-O0', '-g'], name: 'readme-hello' });
  const main = await node(['examples/where-is.mjs', program]);
  expect(main.status).toBe(0);
  expect(main.stdout).toMatch(new RegExp(`^main at 0x[0-9a-f]+: ${source.replace(/[.]/g, '\\.')}:7\\n$`));
  const add = await node(['examples/where-is.mjs', program, 'add']);
  expect(add.stdout).toMatch(/^add at 0x[0-9a-f]+: .*\/hello\.c:3\n$/);
});

it('where-is says so when there is no such function', async () => {
  const run = await node(['examples/where-is.mjs', compileC(source, { flags: ['-O0', '-g'], name: 'readme-hello' }), 'nope']);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/no function nope/);
});
