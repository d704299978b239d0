// The umview-lite command the benches time: the package's executable (bin/umview-lite, what a
// user's `umview-lite` runs), on the Node that runs the bench.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
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
 * `node`). */
export const benchEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };

/** benchEnv without NODE_EXTRA_CA_CERTS: for another Node program timed next to umview-lite
 * (the JS floor), so that it starts the way umview-lite's executable starts Node (see
 * bin/umview-lite). */
export const nodeEnv = Object.fromEntries(Object.entries(benchEnv).filter(([name]) => name !== 'NODE_EXTRA_CA_CERTS'));
