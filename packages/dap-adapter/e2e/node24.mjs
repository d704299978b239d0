// Node 24 for code-server (its package.json's engines field says "node": "24", and its native
// modules are built for the Node that installs them), taken as .ci/run takes Node 22/24/26: the
// npm registry's `node` package, run through npx.
import { execFileSync } from 'node:child_process';

/** The folder of Node 24's `node` binary, and its version without the `v` (24.21.0). */
export function findNode24() {
  const binary = execFileSync('npx', ['-y', '-p', 'node@24', 'sh', '-c', 'readlink -f "$(command -v node)"'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
  if (!version.startsWith('24.')) throw new Error(`npx -p node@24 gave ${binary}, which is Node ${version}`);
  return { node: binary, version };
}
