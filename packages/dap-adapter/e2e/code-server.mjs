// One code-server for one e2e run: a fresh user-data and extensions folder, the adapter's .vsix
// installed with `--install-extension` as a user would, user settings that keep prompts out of
// the way, and the server on 127.0.0.1 behind a random password. Never `--auth none`: CI runs
// as root, and an open code-server would hand every local user a root terminal.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { killAll, processTree } from './processes.mjs';

/**
 * User settings of the test profile. Each keeps something a scripted run cannot answer, or
 * does not need, off the screen.
 */
export const USER_SETTINGS = {
  // No "Do you trust the authors of this folder?" dialog, no restricted mode.
  'security.workspace.trust.enabled': false,
  // No welcome page, walkthroughs, tips or "what's new" over the editor.
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'update.showReleaseNotes': false,
  // No marketplace traffic (there is no network) nor its notifications: recommendations for C,
  // update checks.
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.enableExperiments': false,
  // No chat panel beside the editor (the secondary side bar opens with it in recent versions).
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // The Run and Debug view (Call Stack, Variables) shows when a session starts.
  'debug.openDebug': 'openOnSessionStart',
  // The terminal draws with DOM elements, so its text can be read from the page (the GPU
  // renderer draws into a canvas).
  'terminal.integrated.gpuAcceleration': 'off',
  // Nothing git: the workspace is no repository.
  'git.enabled': false,
  // Less on the screen that could cover what the test reads.
  'editor.minimap.enabled': false,
  'workbench.editor.enablePreview': false,
};

/** The arguments every code-server invocation of a run shares: its own config, data and extensions. */
function commonArgs(home) {
  return ['--config', join(home, 'config.yaml'), '--user-data-dir', join(home, 'user-data'), '--extensions-dir', join(home, 'extensions')];
}

/** Lays out the run's private code-server folders under `home` (a fresh temporary folder). */
export function prepareProfile(home) {
  mkdirSync(join(home, 'user-data/User'), { recursive: true, mode: 0o700 });
  mkdirSync(join(home, 'extensions'), { recursive: true, mode: 0o700 });
  // A config file of our own: without --config, code-server writes one into ~/.config.
  writeFileSync(join(home, 'config.yaml'), 'auth: password\ncert: false\n', { mode: 0o600 });
  writeFileSync(join(home, 'user-data/User/settings.json'), `${JSON.stringify(USER_SETTINGS, null, 2)}\n`);
}

/** `code-server --install-extension file.vsix` into the run's extensions folder. */
export function installExtension({ node, entry }, home, vsix) {
  return execFileSync(node, [entry, ...commonArgs(home), '--install-extension', vsix, '--force'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts code-server on 127.0.0.1 at a port the kernel picks; resolves when it says where it
 * listens. `stop()` kills it and everything below it (extension host, adapter, terminal shell,
 * debuggee).
 */
export function startCodeServer({ node, entry }, home, log) {
  const password = randomBytes(24).toString('base64url');
  const child = spawn(node, [
    entry, ...commonArgs(home),
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'password',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened',
  ], {
    // The password is read from the environment only (never from the command line, which
    // every local user can read in /proc).
    env: { ...process.env, PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: what stays in it is found even after its parent has died
    // (a process whose parent dies is re-parented to init and leaves the tree).
    detached: true,
  });
  const lines = [];
  const stop = () => {
    if (child.pid === undefined) return;
    const tree = processTree(child.pid);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is empty already
    }
    killAll(tree);
  };
  const ready = new Promise((resolve, reject) => {
    const onLine = (line) => {
      lines.push(line);
      log(`code-server: ${line}`);
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(line);
      if (match) resolve({ url: match[1], password, stop, output: lines });
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.on('error', reject);
    child.on('exit', (code, signal) => reject(new Error(`code-server exited (${signal ?? code}) before listening:\n${lines.join('\n')}`)));
  });
  return { ready, stop, pid: child.pid };
}
