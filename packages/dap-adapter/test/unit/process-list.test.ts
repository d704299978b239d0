// The process list of `${command:pickProcess}`: this user's processes from /proc, with their
// names and command lines; another user's processes and kernel threads are not offered.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { listOwnProcesses } from '../../src/vscode/process-list.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts `sleep` (optionally as another uid) and returns once its exec is done (its cmdline shows it). */
async function sleeper(seconds: string, uid?: number): Promise<number> {
  const child = spawn('sleep', [seconds], { stdio: 'ignore', ...(uid === undefined ? {} : { uid, gid: uid }) });
  children.push(child);
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  return child.pid!;
}

describe('listOwnProcesses', () => {
  it('lists a process of this user with its name and command line, newest first, without the excluded pid', async () => {
    const pid = await sleeper('987654');
    const entries = listOwnProcesses(process.pid);
    expect(entries).toContainEqual({ pid, name: 'sleep', commandLine: 'sleep 987654' });
    expect(entries.map((entry) => entry.pid)).not.toContain(process.pid);
    expect(listOwnProcesses().map((entry) => entry.pid)).toContain(process.pid);
    expect(entries.map((entry) => entry.pid)).toEqual([...entries.map((entry) => entry.pid)].sort((a, b) => b - a));
    for (const entry of entries.slice(0, 20)) {
      try {
        expect(statSync(`/proc/${entry.pid}`).uid).toBe(process.getuid!());
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // gone since
      }
    }
    // kthreadd (pid 2) is a kernel thread: no command line, not offered even to root.
    expect(entries.map((entry) => entry.pid)).not.toContain(2);
  });

  it('leaves out the processes of another user', async (context) => {
    const otherUid = 3_000_000 + (process.pid % 100_000);
    const probe = spawnSync('/bin/true', { uid: otherUid, gid: otherUid });
    if (probe.status !== 0) context.skip(`cannot run a process as uid ${otherUid} here (${probe.error?.message ?? `status ${probe.status}`})`);
    const pid = await sleeper('987655', otherUid);
    expect(statSync(`/proc/${pid}`).uid).toBe(otherUid);
    expect(listOwnProcesses().map((entry) => entry.pid)).not.toContain(pid);
  });
});
