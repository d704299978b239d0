// SIGKILL at random points: tracees killed during virtualized calls and ptrace-multi batches,
// children killed between their fork and their first stop, and the monitor itself killed at
// random points of its run (start-up included). After each: the right exit status, and no
// process of the scenario left in /proc, alive or stopped.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@umview/test-fixtures';
import { exec, fixture, sleep, tempDir, umview } from '../helpers.js';
import { iterations, marker, noLeftovers, processesMarked, start, type Running } from './fault-helpers.js';

const busy = fixture('busy-calls');
const forkKill = fixture('fork-kill');

const SEED = Number(process.env.FAULT_SEED ?? 1906);

function scenarioDir(tag: string): string {
  const dir = join(tempDir(), tag);
  mkdirSync(dir);
  return dir;
}

const MODES: [string, string[]][] = [
  ['proxy, seccomp', ['-m', 'unreal,mode=proxy']],
  ['proxy, --no-multi', ['-m', 'unreal,mode=proxy', '--no-multi']],
  ['remap, syscall', ['-m', 'unreal,mode=remap', '--trace=syscall']],
];

describe('a tracee killed with SIGKILL at a random point', () => {
  it.each(MODES)('during virtualized calls and their batches (%s): the monitor dies of it too, nothing left', async (_label, cliArgs) => {
    const next = seededRandom(SEED);
    for (let i = 0; i < iterations(8); i++) {
      const tag = marker();
      const dir = scenarioDir(tag);
      const run = start([busy, `/unreal${dir}`, String(64 << 10 << Math.floor(next() * 5))], cliArgs);
      const pid = Number((await run.line(/^pid (\d+)$/))[1]);
      await sleep(2 + next() * 120); // the test's input: where the kill lands
      process.kill(pid, 'SIGKILL');
      const { signal } = await run.exited;
      expect(run.stderr()).toBe('');
      expect(signal).toBe('SIGKILL'); // the monitor dies of what killed its command
      await noLeftovers(tag);
    }
  });
});

describe('children killed between their fork and their first stop', () => {
  it('native run first', async () => {
    const dir = scenarioDir(marker());
    const r = await exec(forkKill, [dir, '25']);
    expect(r.stdout).toBe('rounds=25 parent-kills=25 self-kills=25 orphans=25 orphan-files=25\n');
  });
  it.each([...MODES, ['proxy, seccomp-all', ['-m', 'unreal,mode=proxy', '--trace=seccomp-all']]] as [string, string[]][])('under umview-lite (%s): the same transcript, nothing left', async (_label, cliArgs) => {
    for (let i = 0; i < iterations(2); i++) {
      const tag = marker();
      const dir = scenarioDir(tag);
      const r = await umview(cliArgs, [forkKill, `/unreal${dir}`, '25']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('rounds=25 parent-kills=25 self-kills=25 orphans=25 orphan-files=25\n');
      expect(r.code).toBe(0);
      await noLeftovers(tag);
    }
  });
});

/** The trampoline that starts a tracee, or the tracee itself, once it is in /proc: looked for
 * at every turn of the event loop, so that the kill that follows lands in the first
 * milliseconds of its life. No deadline: a monitor that ends without one fails the test. */
async function firstProcess(tag: string, run: Running): Promise<void> {
  while (processesMarked(tag).filter((p) => !p.cmdline.includes('cli.cjs')).length === 0) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`the monitor ended before its tracee appeared: stderr ${JSON.stringify(run.stderr())}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the monitor killed with SIGKILL at a random point', () => {
  it('while it starts its first tracee (trampoline, seize, filter): nothing left', async () => {
    const next = seededRandom(SEED + 1);
    for (let i = 0; i < iterations(12); i++) {
      const tag = marker();
      const dir = scenarioDir(tag);
      const run = start([busy, `/unreal${dir}`, '4096'], ['-m', 'unreal,mode=proxy']);
      await firstProcess(tag, run);
      // Within the first milliseconds of the tracee's life (the test's input: where the kill lands).
      if (next() < 0.5) await sleep(next() * 6);
      run.child.kill('SIGKILL');
      await run.exited;
      await noLeftovers(tag);
    }
  });

  it.each(MODES)('while it serves a busy tree (%s): nothing left', async (_label, cliArgs) => {
    const next = seededRandom(SEED + 2);
    for (let i = 0; i < iterations(8); i++) {
      const tag = marker();
      const dir = scenarioDir(tag);
      const run = start([busy, `/unreal${dir}`, String(16 << 10 << Math.floor(next() * 6))], cliArgs);
      await run.line(/^pid \d+$/);
      await sleep(next() * 150); // the test's input: where the kill lands
      run.child.kill('SIGKILL');
      expect((await run.exited).signal).toBe('SIGKILL');
      await noLeftovers(tag);
    }
  });
});
