// A run that wants the warm monitor (server-wanted.ts: the caller, cli/main.ts, asks) but found
// none to serve it (its first, or after the last server went idle) starts one for the runs
// after it, once its own command is done, and waits until it listens (~50 ms, once per
// server), so that the next run is served.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PID_NAME, serverDirectory } from './monitor-server.js';
import { carryEnv } from '../cli/carried-env.js';

/** Starts a server unless one runs already or the cache directory cannot hold one. */
export async function startServerForNextRuns(): Promise<void> {
  const where = serverDirectory();
  if ('problem' in where || serverRunning(join(where.dir, PID_NAME))) return;
  const env: NodeJS.ProcessEnv = { ...process.env };
  carryEnv(env);
  // Detached: a session of its own, no terminal. Its stdout is a pipe it writes "ready" to once
  // it listens, which closes if it exits first (another server was there).
  const server = spawn(process.execPath, [process.argv[1]!, '--serve'], { cwd: '/', env, detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve) => {
    server.stdout!.once('data', () => resolve());
    server.stdout!.once('close', () => resolve());
    server.once('error', () => resolve());
  });
  server.stdout!.destroy();
  server.unref();
}

/** Whether the server whose pid `pidPath` holds is alive. */
function serverRunning(pidPath: string): boolean {
  try {
    const pid = Number(readFileSync(pidPath, 'utf8'));
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('\0--serve');
  } catch {
    return false;
  }
}
