// A run in the warm monitor takes on its client's process state, as a monitor the client had
// started itself would have it, and gives it back after: working directory, environment (with
// NODE_EXTRA_CA_CERTS carried back, as the launcher does), umask, standard fds (the client's
// own open files), and the CPUs every thread of this process may use (a client under
// `taskset` gets a monitor on its CPUs). One run at a time, so process-wide state is safe to
// change.
import { readdirSync } from 'node:fs';
import { restoreCarriedEnv } from '../cli/carried-env.js';
import type { ClientRun } from './client-check.js';
import { cpuAffinity, runOnCpus, takeStandardFds, useStandardFds } from './client-process.js';

export interface ClientSession {
  leave(): void;
}

/** Enters `client`'s state; undefined if its fds cannot be taken (the client is then declined). */
export function enterClientSession(client: number, run: ClientRun): ClientSession | undefined {
  let fds: number[];
  let cpus: Buffer;
  try {
    fds = takeStandardFds(client);
    cpus = cpuAffinity(client);
  } catch {
    return undefined;
  }
  const cwd = process.cwd();
  process.chdir(run.cwd);
  const env = { ...process.env };
  const clientEnv = { ...run.env };
  restoreCarriedEnv(clientEnv);
  replaceEnv(clientEnv);
  const umask = process.umask(run.umask);
  const restoreFds = useStandardFds(fds);
  const restoreCpus = runOnCpus(cpus, readdirSync('/proc/self/task').map(Number));
  return {
    leave() {
      restoreCpus();
      restoreFds();
      process.umask(umask);
      replaceEnv(env);
      process.chdir(cwd);
    },
  };
}

function replaceEnv(env: Record<string, string | undefined>): void {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  for (const [name, value] of Object.entries(env)) if (value !== undefined) process.env[name] = value;
}
