// The umview-lite command the benches time: the package's executable (bin/umview-lite, what a
// user's `umview-lite` runs), on the Node that runs the bench.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const umviewLite = fileURLToPath(new URL('../bin/umview-lite', import.meta.url));
const cliBundle = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));

/** Exits with a clear message when the package is not built. */
export function requireBuilt(bench) {
  if (existsSync(cliBundle)) return;
  console.error(`${bench}: ${cliBundle} is missing; build first (npx tsup in packages/umview-lite)`);
  process.exit(1);
}

/** The environment for the timed commands: this Node first in PATH (the executable runs
 * `node`), and a monitor per command (UMVIEW_SERVER=0), whether the bench runs in a terminal
 * session or not (where the default would use a warm monitor): monitorEnv gives the served
 * runs their own. */
export const benchEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, UMVIEW_SERVER: '0' };

/** benchEnv without NODE_EXTRA_CA_CERTS: for another Node program timed next to umview-lite
 * (the JS floor), so that it starts the way umview-lite's executable starts Node (see
 * bin/umview-lite). */
export const nodeEnv = Object.fromEntries(Object.entries(benchEnv).filter(([name]) => name !== 'NODE_EXTRA_CA_CERTS'));

/** `--monitor served` (the default: what a command typed in a terminal gets): umview-lite's runs
 * are handed to a warm monitor (UMVIEW_SERVER=1: see src/server/monitor-server.ts) that the
 * bench starts, on the bench's CPU, with a cache directory of its own, and stops when it exits.
 * Returns the environment to time them in; with `--monitor cold` (a monitor per command, as in
 * scripts and CI), `env` itself. */
export async function monitorEnv(mode, env) {
  if (mode === 'cold') return env;
  if (mode !== 'served') throw new Error(`--monitor must be cold or served (not ${mode})`);
  const cache = mkdtempSync(join(tmpdir(), 'umview-bench-served-'));
  const served = { ...env, XDG_CACHE_HOME: cache, UMVIEW_SERVER: '1' };
  const server = spawn(process.execPath, [cliBundle, '--serve'], { env: { ...nodeEnv, XDG_CACHE_HOME: cache }, stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => {
    server.kill();
    rmSync(cache, { recursive: true, force: true });
  });
  const [ready] = await once(server.stdout, 'data');
  if (String(ready) !== 'ready\n') throw new Error(`umview-lite --serve: ${String(ready)}`);
  // The bench ends when its work does; its exit stops the server.
  server.stdout.destroy();
  server.unref();
  return served;
}
