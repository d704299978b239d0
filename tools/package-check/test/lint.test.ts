// publint and @arethetypeswrong/cli over every published package, each on the tarball that
// `npm pack` makes of it (the packages must be built: nx builds them first, see package.json).
// Any publint error or warning fails, and so does any attw problem under its strict profile
// (node10, node16 from ESM and from CJS, bundler): fix the package.json, do not silence them.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';
import { publishedPackages, root } from './packages.js';

const run = promisify(execFile);
const attw = join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');

describe.each(publishedPackages().map((p) => [p.name, p] as const))('%s', (_name, pkg) => {
  it('passes publint (no errors, no warnings)', async () => {
    const { messages, pkg: manifest } = await publint({ pkgDir: pkg.dir, pack: 'npm', level: 'warning', strict: true });
    const reported = messages.map((m) => `${m.type}: ${formatMessage(m, manifest) ?? m.code}`);
    expect(reported).toEqual([]);
  });

  it('passes @arethetypeswrong/cli: types resolve for ESM, CJS, node10 and bundlers', async () => {
    let stdout: string;
    try {
      ({ stdout } = await run(process.execPath, [attw, '--pack', pkg.dir, '--format', 'json'], { cwd: pkg.dir, maxBuffer: 64 << 20 }));
    } catch (error) {
      // attw exits 1 when it finds problems; its JSON is on stdout either way.
      stdout = (error as { stdout?: string }).stdout ?? '';
      if (!stdout.trim().startsWith('{')) throw error;
    }
    const report = JSON.parse(stdout) as { problems?: Record<string, unknown[]> | unknown[] };
    const problems = Array.isArray(report.problems) ? report.problems : Object.values(report.problems ?? {}).flat();
    expect(problems).toEqual([]);
  });
});
