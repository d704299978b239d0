// A launch in the client's terminal (`console`: integratedTerminal or externalTerminal), the
// adapter's side: the client is asked (runInTerminal) to run the launcher, which connects back,
// is seized before it execs the program, and becomes the debuggee (see launcher.ts).
import { basename } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient } from '../engine/engine-client.js';
import type { LaunchPlan, LaunchResult } from '../engine/protocol.js';
import { LauncherChannel } from './launcher-channel.js';

/** How long the terminal may take to start the launcher (a shell's start-up files run first). */
export const LAUNCHER_TIMEOUT_MS = 30_000;

export interface TerminalLaunch {
  readonly kind: 'integrated' | 'external';
  readonly plan: LaunchPlan;
  /** The environment's changes the launcher applies to the terminal's. */
  readonly envChanges: Readonly<Record<string, string | null>>;
  /** Sends runInTerminal; resolves with the client's answer, rejects with its error. */
  readonly runInTerminal: (args: DebugProtocol.RunInTerminalRequestArguments, timeoutMs: number) => Promise<DebugProtocol.RunInTerminalResponse>;
  /** The launcher script (dist/terminal-launcher.js). */
  readonly launcherPath: string;
}

export async function launchInTerminal(engine: EngineClient, launch: TerminalLaunch): Promise<LaunchResult> {
  const channel = await LauncherChannel.open();
  let seized = false;
  try {
    // The launcher runs on the Node that runs the adapter. Inside VS Code that is its Electron
    // binary, which is Node only with ELECTRON_RUN_AS_NODE; the launcher removes it again.
    const electron = process.versions.electron !== undefined || process.env.ELECTRON_RUN_AS_NODE !== undefined;
    const launcherEnv: Record<string, string> = electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
    const cwd = launch.plan.cwd ?? process.cwd();
    const asked = launch.runInTerminal({
      kind: launch.kind,
      title: basename(launch.plan.program),
      cwd,
      args: [process.execPath, launch.launcherPath, channel.socketPath],
      ...(electron ? { env: launcherEnv } : {}),
    }, LAUNCHER_TIMEOUT_MS);
    // The client's error, or no launcher in time, ends the wait; its answer alone does not (the
    // terminal may answer before its shell has run the command).
    asked.catch((error: Error) => channel.cancel(`the client could not run the program in a terminal: ${error.message}`));
    const timer = setTimeout(() => channel.cancel(`the terminal did not start the launcher within ${LAUNCHER_TIMEOUT_MS / 1000} s`), LAUNCHER_TIMEOUT_MS);
    let pid: number;
    try {
      pid = await channel.hello();
    } finally {
      clearTimeout(timer);
    }
    await channel.prepare({
      type: 'plan',
      tracerPid: process.pid,
      program: launch.plan.program,
      args: launch.plan.args,
      cwd,
      env: launch.envChanges,
      launcherOnlyEnv: Object.keys(launcherEnv).filter((name) => !(name in launch.envChanges)),
      stdio: launch.plan.stdio,
    });
    await engine.call('seizeLauncher', pid).catch((error: Error) => {
      throw new Error(`cannot trace the terminal launcher (pid ${pid}): ${error.message}`);
    });
    seized = true;
    channel.go();
    try {
      return await engine.call('execLauncher');
    } catch (error) {
      seized = false; // it is gone
      throw new Error((await channel.failure()) ?? (error as Error).message);
    }
  } catch (error) {
    channel.abort((error as Error).message);
    if (seized) await engine.call('releaseLauncher').catch(() => undefined);
    throw error;
  } finally {
    channel.close();
  }
}
