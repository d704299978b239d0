// The processes an attach can pick (`${command:pickProcess}`): this user's, read from /proc,
// with what a user recognises them by (name, pid, command line). Kernel threads (no command
// line) and processes gone while being read are left out.
import { readdirSync, readFileSync, statSync } from 'node:fs';

export interface ProcessEntry {
  readonly pid: number;
  /** The executable's name as the kernel keeps it (/proc/PID/comm, at most 15 characters). */
  readonly name: string;
  /** The arguments, space-separated (/proc/PID/cmdline). */
  readonly commandLine: string;
}

/** This user's processes, newest first; `exclude` leaves out a pid (the caller's own). A
 * process is this user's when its /proc directory is: the kernel gives it the process's
 * effective uid, or root's for a process that is not dumpable (which could not be attached). */
export function listOwnProcesses(exclude?: number): ProcessEntry[] {
  const uid = process.getuid!();
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === exclude) continue;
    try {
      if (statSync(`/proc/${pid}`).uid !== uid) continue;
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
      if (commandLine === '') continue; // a kernel thread, or a zombie
      entries.push({ pid, name: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), commandLine });
    } catch {
      // gone meanwhile
    }
  }
  return entries.sort((a, b) => b.pid - a.pid);
}
