// The README's example is examples/syscall-count.mjs, embedded verbatim: check the embedding,
// then run it (and the larger strace-lite example) as a user would, with the built package.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readmeExamples } from '@umview/test-fixtures';
import { expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: pkg, encoding: 'utf8', timeout: 60_000 });

it('the README embeds examples/syscall-count.mjs verbatim', () => {
  const examples = readmeExamples(pkg);
  expect(examples.map((e) => e.file)).toEqual(['examples/syscall-count.mjs']);
  for (const example of examples) expect(example.embedded).toBe(example.source);
});

it('syscall-count counts the system calls of a command', () => {
  const run = node(['examples/syscall-count.mjs', '/bin/echo', 'hi']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^ +1 write$/m); // echo's one write, to /dev/null
  expect(run.stdout).toMatch(/^ +1 exit_group$/m);
  expect(run.stdout).not.toMatch(/execve/); // the tracee is seized after its exec
});

it("syscall-count exits with the command's status", () => {
  expect(node(['examples/syscall-count.mjs', 'sh', '-c', 'exit 3']).status).toBe(3);
});

it('strace-lite prints each call with its result', () => {
  const run = node(['examples/strace-lite.mjs', '--', '/bin/echo', 'hi']);
  expect(run.status).toBe(0);
  expect(run.stdout).toBe('hi\n');
  expect(run.stderr).toMatch(/^\[\d+\] write\(0x1, 0x[0-9a-f]+, 0x3\) = 3$/m);
  expect(run.stderr).toMatch(/^\[\d+\] \+\+\+ exited with 0 \+\+\+$/m);
});
