// Fault injection at the bottom layer: children killed before their first stop is seen, a
// multithreaded exec repeated, 64 threads created and ended in waves, tracees killed while the
// tracer works on them, and the tracer process itself killed at random points. After each
// scenario the Tracer holds no tracee that is gone, and /proc holds no process of the scenario,
// alive or stopped.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { MemoryAccessError, TraceeGoneError, Tracer, type Stop } from '@umview/ptrace-core';
import { seededRandom } from '@umview/test-fixtures';
import { fixture, outputFile, processState, runToEnd } from '../helpers.js';
import { until } from '../proc-state.js';

let tracer: Tracer | undefined;
afterEach(() => {
  tracer?.close();
  tracer = undefined;
});

const SCALE = Math.max(1, Number(process.env.FAULT_ITERATIONS ?? 1));
const iterations = (base: number): number => Math.ceil(base * SCALE);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** FAULT_SEED replays a run. */
const SEED = Number(process.env.FAULT_SEED ?? 2006);

/** Every stop resumed (signals delivered); counts kinds. */
function runCounting(t: Tracer): Map<string, number> {
  const kinds = new Map<string, number>();
  runToEnd(t, (stop: Stop) => {
    kinds.set(stop.kind, (kinds.get(stop.kind) ?? 0) + 1);
  });
  return kinds;
}

describe('children killed before their tracer sees them', () => {
  it('leave no tracee behind in the Tracer, and every fork is reported with its death', () => {
    for (let i = 0; i < iterations(3); i++) {
      tracer = new Tracer();
      const out = outputFile();
      tracer.spawn(fixture('fork-kill', ['-O0', '-pthread']), ['30'], { stdout: { path: out.path } }).syscall();
      const kinds = runCounting(tracer);
      expect(out.read()).toBe('killed=30 self=30 threads=30\n');
      expect(kinds.get('fork')).toBe(60);
      expect(kinds.get('clone')).toBe(30);
      // Every forked child died (killed), every thread and the program exited.
      expect(kinds.get('killed')).toBe(60);
      expect(kinds.get('exited')).toBe(31);
      // No ghost: a child whose death came before its parent's fork event is not traced anew.
      expect([...tracer.tracees.keys()]).toEqual([]);
      tracer.close();
      tracer = undefined;
    }
  });
});

describe('exec from a multithreaded tracee', () => {
  it('repeated: the exec stop names the former tid, the other threads are gone, nothing is left', () => {
    for (let i = 0; i < iterations(10); i++) {
      tracer = new Tracer();
      const out = outputFile();
      const root = tracer.spawn(fixture('mt-exec', ['-O0', '-pthread']), [], { stdout: { path: out.path } });
      root.syscall();
      const stops: Stop[] = [];
      runToEnd(tracer, (stop) => {
        stops.push(stop);
      });
      const exec = stops.filter((s) => s.kind === 'exec');
      expect(exec).toHaveLength(1);
      expect(exec[0]).toMatchObject({ tid: root.pid });
      expect((exec[0] as Extract<Stop, { kind: 'exec' }>).formerTid).not.toBe(root.pid);
      expect(out.read()).toBe('exec from thread\n');
      expect([...tracer.tracees.keys()]).toEqual([]);
      tracer.close();
      tracer = undefined;
    }
  });
});

describe('64 threads in waves', () => {
  it('every clone and every thread exit is reported; nothing is left', () => {
    for (let i = 0; i < iterations(2); i++) {
      tracer = new Tracer();
      const out = outputFile();
      tracer.spawn(fixture('thread-storm', ['-O0', '-pthread']), ['64', '50', '3'], { stdout: { path: out.path } }).syscall();
      const kinds = runCounting(tracer);
      expect(out.read()).toBe('threads=64 waves=3 calls=9600\n');
      expect(kinds.get('clone')).toBe(192);
      expect(kinds.get('exited')).toBe(193);
      expect([...tracer.tracees.keys()]).toEqual([]);
      tracer.close();
      tracer = undefined;
    }
  });
});

describe('a tracee killed while the tracer works on it', () => {
  it('every request fails with TraceeGoneError (or a memory error), then its death is reported once', () => {
    const next = seededRandom(SEED);
    for (let i = 0; i < iterations(30); i++) {
      tracer = new Tracer();
      const tracee = tracer.spawn(fixture('getppid-loop'), ['100000000']);
      tracee.syscall();
      let killAt = Math.floor(next() * 200);
      let killed = 0;
      for (const stop of tracer.stops()) {
        if (stop.kind === 'killed') {
          killed++;
          continue;
        }
        if (stop.kind === 'exited') continue;
        if (killAt-- === 0) process.kill(tracee.pid, 'SIGKILL');
        try {
          const regs = stop.tracee.getRegisters();
          stop.tracee.read(regs.sp, 256);
          stop.tracee.setRegisters(regs);
          stop.tracee.syscall(stop.kind === 'signal' ? stop.signal : 0);
        } catch (error) {
          if (!(error instanceof TraceeGoneError) && !(error instanceof MemoryAccessError)) throw error;
        }
      }
      expect(killed).toBe(1);
      expect(tracee.state).toBe('exited');
      expect([...tracer.tracees.keys()]).toEqual([]);
      tracer.close();
      tracer = undefined;
    }
  });
});

/** Which of `pids` are still alive (zombies are dead), with their state letter. */
function descendantsOf(pids: Set<number>): { pid: number; state: string }[] {
  const out: { pid: number; state: string }[] = [];
  for (const pid of pids) {
    const state = processState(pid);
    if (state !== undefined && state !== 'Z' && state !== 'X') out.push({ pid, state });
  }
  return out;
}

/** Waits until none of `pids` is alive or stopped. They are not our children: no event says
 * they are gone, so /proc is polled, with no deadline of its own. One that never goes fails the
 * test at vitest's timeout, the hang guard, which prints what was left; the test then kills it. */
async function noLeftovers(pids: Set<number>): Promise<void> {
  await until('no process of the scenario alive or stopped', () => descendantsOf(pids), (left) => left.length === 0, {
    everyMs: 20,
    onFail: (left) => {
      for (const { pid } of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
  });
}

describe('the tracer killed between the spawn and the seize', () => {
  it('leaves no stopped trampoline behind (it dies with its parent: PR_SET_PDEATHSIG)', async () => {
    const script = fileURLToPath(new URL('../scripts/die-before-seize.mjs', import.meta.url));
    for (let i = 0; i < iterations(3); i++) {
      const marker = `seize${process.pid}x${i}x${Date.now() % 100000}`;
      const child = spawn(process.execPath, [script, fixture('sleeper', ['-O0', '-pthread']), marker], { stdio: 'ignore' });
      const exit = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      expect(exit).toBe('SIGKILL');
      const left = new Set(readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(marker);
        } catch {
          return false;
        }
      }));
      await noLeftovers(left);
    }
  });
});

describe('the tracer process killed with SIGKILL at a random point', () => {
  const script = fileURLToPath(new URL('../scripts/tracer-random-death.mjs', import.meta.url));
  it.each(['run', 'hold'])('leaves no tracee alive or stopped (tracees %s)', async (mode) => {
    const next = seededRandom(SEED + (mode === 'hold' ? 1 : 0));
    for (let i = 0; i < iterations(10); i++) {
      const child = spawn(process.execPath, [script, mode, fixture('fork-kill', ['-O0', '-pthread']), '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
      onTestFinished(() => void child.kill('SIGKILL')); // a failed test leaves no tracer behind
      const pids = new Set<number>();
      let text = '';
      let traced: () => void;
      const started = new Promise<void>((resolve, reject) => {
        traced = resolve;
        child.once('exit', () => reject(new Error(`the tracer exited before tracing anything; stderr ${JSON.stringify(stderr)}`)));
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk;
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk;
        for (const match of text.matchAll(/traced (\d+)/g)) pids.add(Number(match[1]));
        if (pids.size > 0) traced();
      });
      const exited = Promise.all([
        new Promise((resolve) => child.once('exit', resolve)),
        new Promise((resolve) => child.stdout!.once('end', resolve)), // its last "traced" line read (its tracees' stdout is /dev/null)
      ]);
      // Start-up (its first tracee), then a random point of the run (forks, kills and threads
      // in flight): the delay is the test's input, where the kill lands.
      await started;
      await sleep(next() * 100);
      child.kill('SIGKILL');
      await exited;
      for (const match of text.matchAll(/traced (\d+)/g)) pids.add(Number(match[1]));
      await noLeftovers(pids);
    }
  });
});
