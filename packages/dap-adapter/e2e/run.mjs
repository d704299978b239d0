// The adapter's end-to-end test in a real VS Code:  npm run e2e -w @umview/dap-adapter
//
// code-server (VS Code in the browser, installed once into a cache: code-server-install.mjs)
// serves a fresh profile with the adapter's .vsix installed; Debian's Chromium, headless and
// driven by playwright-core, opens a folder with a small C program and debugs it through the UI
// (scenario.mjs). Progress goes to stderr; stdout gets one JSON line at the end:
//   {"vscode":"1.139.1","breakpointHit":true,"variablesShown":true,"stepped":true,"jumped":true,"watched":true,"completed":true,"childSessionShown":true,"stdinAnswered":true,"screenshots":"/tmp/…"}
// (a step the machine or the adapter cannot run is false, with "watchReason" or "stdinReason")
// A failure names its step and the last screenshot, and exits 1. Whatever it started
// (code-server and what runs under it, Chromium, the debuggee) is killed at the end, failure
// or not.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logIn, openBrowser } from './browser.mjs';
import { CODE_SERVER_VERSION, ensureCodeServer } from './code-server-install.mjs';
import { installExtension, prepareProfile, startCodeServer } from './code-server.mjs';
import { missing } from '@umview/test-fixtures/machine';
import { findNode24 } from './node24.mjs';
import { killAll, processesRunning } from './processes.mjs';
import { scenarioSteps } from './scenario.mjs';
import { makeWorkspace } from './workspace.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const started = Date.now();
const log = (text) => process.stderr.write(`e2e [${((Date.now() - started) / 1000).toFixed(1)} s]: ${text}\n`);

/**
 * Whether the adapter can run the program in VS Code's integrated terminal (DAP runInTerminal):
 * true, or the reason it cannot. The extension's launch attributes declare `console` when it can.
 */
function terminalSupport() {
  const launch = manifest.contributes.debuggers.find((debuggerEntry) => debuggerEntry.type === 'umview')?.configurationAttributes?.launch;
  if (launch?.properties?.console === undefined) {
    return 'the adapter declares no "console" launch attribute: it cannot run the program in the integrated terminal (DAP runInTerminal) yet';
  }
  return true;
}

/** The .vsix of the current sources (scripts/package-vsix.mjs, a few seconds). */
function packageVsix() {
  execFileSync(process.execPath, [join(packageDir, 'scripts/package-vsix.mjs'), '--quiet'], { stdio: ['ignore', 'inherit', 'inherit'] });
  return join(packageDir, `umview-dap-${manifest.version}.vsix`);
}

const state = { vscode: undefined, breakpointHit: false, variablesShown: false, stepped: false, childSessionShown: false, stdinAnswered: false };
// What the run started, ended at its end: first, synchronously, the processes (code-server and
// everything under it, the debuggee) and then the temporary folder, so that nothing is left even
// when the process exits in the middle of the cleanup (Playwright's own SIGINT handler exits);
// then the browser.
const kills = [];
const closers = [];
/** The run's private folder (profile, extensions, workspace); removed once the processes are gone. */
let home;
let cleaning;
function cleanUp() {
  cleaning ??= (async () => {
    for (const kill of kills) {
      try {
        kill();
      } catch (error) {
        log(`cleanup: ${error.message}`);
      }
    }
    try {
      if (home !== undefined) rmSync(home, { recursive: true, force: true });
    } catch (error) {
      log(`cleanup: ${error.message}`);
    }
    for (const close of closers) {
      try {
        await close();
      } catch (error) {
        log(`cleanup: ${error.message}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
  });
}

const screenshots = process.env.UMVIEW_E2E_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'umview-e2e-screenshots-'));
mkdirSync(screenshots, { recursive: true });
let step = 'setup';
let browser;
try {
  step = 'install code-server';
  const node24 = findNode24();
  log(`Node ${node24.version}: ${node24.node}`);
  const codeServer = { node: node24.node, ...ensureCodeServer(node24, log) };
  home = mkdtempSync(join(tmpdir(), 'umview-e2e-'));
  prepareProfile(home);
  // "4.139.1 <commit> with Code 1.139.1"
  const versionLine = execFileSync(codeServer.node, [codeServer.entry, '--config', join(home, 'config.yaml'), '--version'], { encoding: 'utf8' }).trim();
  state.vscode = /with Code (\S+)/.exec(versionLine)?.[1] ?? versionLine;
  log(`code-server ${CODE_SERVER_VERSION}: VS Code ${state.vscode}`);

  step = 'install the extension';
  const vsix = packageVsix();
  log(installExtension(codeServer, home, vsix).trim().replace(/\n/g, ' '));

  step = 'make the workspace';
  const workspace = makeWorkspace(join(home, 'workspace'));
  // A debuggee left over (a failure mid-session) is killed at the end like everything else.
  kills.push(() => killAll(processesRunning(workspace.program)));

  step = 'start code-server';
  const start = () => {
    const server = startCodeServer(codeServer, home, () => {});
    kills.unshift(() => server.stop());
    return server.ready;
  };
  let ready;
  try {
    ready = await start();
  } catch (error) {
    // code-server runs itself as a child process that must say hello to its parent within 10 s
    // (its wrapper's own limit, not ours); on a machine busy enough to miss it, the parent exits
    // with "timed out" before listening. Once more, said out loud.
    if (!/\btimed out\b/.test(error.message)) throw error;
    log(`code-server did not start (${error.message.split('\n').slice(-1)[0]}): its parent and child processes missed their 10 s handshake; starting it once more`);
    ready = await start();
  }
  const { url, password } = ready;
  log(`code-server listening on ${url}`);

  step = 'open Chromium and log in';
  browser = await openBrowser(screenshots);
  closers.push(() => browser.close());
  await logIn(browser.page, url, password);

  const support = terminalSupport();
  // A data breakpoint needs debug registers that fire (some hypervisors take the writes and
  // never raise the exception): the step says why it did not run, as the tests skip.
  const watchSupport = missing.debugRegisterHits() ?? true;
  for (const current of scenarioSteps({ page: browser.page, url, workspace, state, log, terminalSupport: support, watchSupport })) {
    step = current.name;
    const stepStarted = Date.now();
    await current.run();
    const shot = await browser.screenshot(current.name);
    log(`${current.name}: done in ${((Date.now() - stepStarted) / 1000).toFixed(1)} s (${shot})`);
  }
  await cleanUp();
  log(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const { vscode, breakpointHit, variablesShown, stepped, jumped, watched, watchReason, completed, childSessionShown, stdinAnswered, stdinReason } = state;
  process.stdout.write(`${JSON.stringify({ vscode, breakpointHit, variablesShown, stepped, jumped, watched, ...(watchReason ? { watchReason } : {}), completed, childSessionShown, stdinAnswered, ...(stdinReason ? { stdinReason } : {}), screenshots })}\n`);
} catch (error) {
  let lastScreenshot = browser?.lastScreenshot();
  if (browser !== undefined) {
    try {
      lastScreenshot = await browser.screenshot(`failed-${step}`);
    } catch {
      // the page is gone: the last screenshot taken stays the last
    }
  }
  await cleanUp();
  log(`FAILED at step "${step}": ${error.stack ?? error}`);
  log(`last screenshot: ${lastScreenshot ?? '(none)'}`);
  const { vscode, breakpointHit, variablesShown, stepped, jumped, watched, completed, childSessionShown, stdinAnswered } = state;
  process.stdout.write(`${JSON.stringify({ vscode, breakpointHit, variablesShown, stepped, jumped, watched, completed, childSessionShown, stdinAnswered, failedStep: step, error: String(error.message ?? error).split('\n')[0], lastScreenshot, screenshots })}\n`);
  process.exitCode = 1;
}
