// The umview-dap command line: what it prints and how it exits, before any protocol.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/umview-dap.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('umview-dap', () => {
  it('--version prints the package version', () => {
    const r = run('--version');
    expect([r.status, r.stdout, r.stderr]).toEqual([0, `umview-dap ${version}\n`, '']);
  });

  it('--help lists every option', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    for (const option of ['--port N', '--socket PATH', '--allow-uid UID', '--version', '--help']) expect(r.stdout).toContain(option);
  });

  it.each([['--bogus', 'unknown argument --bogus'], ['--port', '--port needs a value'], ['--port=70000', 'invalid port 70000']])(
    'refuses %s with exit status 2 and the usage', (arg, message) => {
      const r = run(arg);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`umview-dap: ${message}\n`);
      expect(r.stderr).toContain('usage: umview-dap');
    });
});
