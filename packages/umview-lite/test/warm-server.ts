// The warm monitor for tests: an environment with a cache directory (so a server) of its own,
// the server started there, and every server a test started stopped after it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { cli, packageDir, tempDir } from './helpers.js';

export const executable = join(packageDir, 'bin', 'umview-lite');
/** Prints which monitor runs the command: `hand-off` (served) or `node` (its executable: Node 24
 * names its main thread, the comm, MainThread). */
export const WHO = 'basename "$(readlink /proc/$PPID/exe)"';

const started: { server?: ChildProcess; cache: string }[] = [];

/** Stops the servers of the environments made since the last call (an afterEach). */
export async function stopServers(): Promise<void> {
  for (const { server, cache } of started.splice(0)) {
    const pid = server?.pid ?? serverPid(cache);
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      continue; // gone already
    }
    if (server && server.exitCode === null && server.signalCode === null) await once(server, 'exit');
  }
}

/** The pid a server in cache directory `cache` wrote, if one runs there. */
export function serverPid(cache: string): number | undefined {
  try {
    return Number(readFileSync(join(cache, 'umview-lite', 'monitor.pid'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether the server of cache directory `cache` listens: its socket is in /proc/net/unix with
 * the listening flag (__SO_ACCEPTCON). A server closes its socket while it runs a command. */
export function serverListens(cache: string): boolean {
  const socket = join(cache, 'umview-lite', 'monitor.sock');
  return readFileSync('/proc/net/unix', 'latin1').split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[7] === socket && (parseInt(fields[3]!, 16) & 0x10000) !== 0;
  });
}

/** An environment with its own cache directory (so its own server), this Node first in PATH. */
export function serverEnv(): NodeJS.ProcessEnv {
  const cache = tempDir();
  started.push({ cache });
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, XDG_CACHE_HOME: cache, UMVIEW_SERVER: '1' };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.UMVIEW_NODE_EXTRA_CA_CERTS;
  return env;
}

/** serverEnv() that leaves the choice to the default (no UMVIEW_SERVER), with CI set to `ci`
 * or not at all. */
export function defaultServerEnv(ci?: string): NodeJS.ProcessEnv {
  const env = serverEnv();
  delete env.UMVIEW_SERVER;
  delete env.CI;
  if (ci !== undefined) env.CI = ci;
  return env;
}

/** `umview-lite --serve` for `env`, once it says it listens. */
export async function startServer(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const server = spawn(process.execPath, [cli, '--serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  started.find((s) => s.cache === env.XDG_CACHE_HOME)!.server = server;
  const [data] = await once(server.stdout!, 'data');
  expect(String(data)).toBe('ready\n');
  return server;
}
