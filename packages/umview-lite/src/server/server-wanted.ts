// Whether a run wants the warm monitor (server/monitor-server.ts): the one policy, applied here
// by the CLI (to start a server) and in sh by the executable, bin/umview-lite (to hand its
// command to one): the two must say the same.
//
// UMVIEW_SERVER decides when it is set: '' or '0' no, anything else yes. Unset (the default):
// yes in a terminal session, no elsewhere and whenever CI is set, as nx does for its own daemon.
// A server that outlives a command pays where commands come one after another at a prompt (no
// Node starts for them, V8 stays warm); a build, a cron job, a container's entry point or a CI
// run should not find one left behind, and they run without a controlling terminal.
import { readFileSync } from 'node:fs';

export function serverWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.UMVIEW_SERVER;
  if (value !== undefined) return value !== '' && value !== '0';
  return !inCi(env) && inTerminalSession();
}

/** CI set, and not to '', '0' or 'false' (nx reads it so). */
function inCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** Whether this process has a controlling terminal: tty_nr, the 7th field of /proc/self/stat
 * (the 5th after the command name, which is in parentheses and may hold spaces). */
function inTerminalSession(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    const ttyNr = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[4];
    return ttyNr !== undefined && ttyNr !== '0';
  } catch {
    return false; // no /proc: no server, as without a terminal
  }
}
