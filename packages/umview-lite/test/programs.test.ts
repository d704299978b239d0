// Real programs under the monitor, on /unreal paths, against the same programs run natively on
// an identical tree (compare-runs.ts, program-suite.ts); and what only /unreal has: the trace
// modes, a cd into /unreal.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparing, unrealView } from './compare-runs.js';
import { UNREAL, tempDir, umview } from './helpers.js';
import { COREUTILS, programSuite } from './program-suite.js';

const compare = comparing(unrealView);
programSuite(compare, '/unreal paths');

describe('coreutils on /unreal paths, other trace modes', () => {
  it.each([
    { flags: '--trace=seccomp-all', cliArgs: ['--trace=seccomp-all'] },
    { flags: '--trace=syscall --no-multi', cliArgs: ['--trace=syscall', '--no-multi'] },
  ])('cp, cat, ls -lR, find, du, stat with $flags', async ({ cliArgs }) => {
    await compare(COREUTILS, { cliArgs });
  });
});

describe('bash on /unreal paths', () => {
  it("cd /unreal/tmp && pwd && ls prints /unreal/tmp and the listing", async () => {
    const dir = tempDir('umview-cd-');
    mkdirSync(join(dir, 'inside'));
    const r = await umview(['-m', UNREAL], ['sh', '-c', `cd /unreal${dir} && pwd && ls && /bin/pwd`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`/unreal${dir}\ninside\n/unreal${dir}\n`);
    expect(r.code).toBe(0);
  });
});
