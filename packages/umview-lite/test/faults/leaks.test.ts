// Nothing leaks in the monitor: children killed while they open, dup and close files through a
// proxy module leave the monitor, once idle, with the file descriptors of a run without them (a thread killed
// between a proxied open and its return used to leave the real file open in the monitor for
// good: the return hook that hands it to the table never ran, or threw half-way); and the
// objects of threads that ended are let go (the monitor's memory counters used to keep every
// tracee of the run alive: ~9 MiB a minute in the soak).
import { mkdirSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { syscallNumber } from '@umview/ptrace-core';
import { run, type UmviewModule } from '@umview/umview-lite';
import { fixture, tempDir } from '../helpers.js';
import { iterations, marker, noLeftovers, start, until } from './fault-helpers.js';

const program = fixture('kill-openers');
const WAIT4 = syscallNumber('wait4')!;

/** The monitor's file descriptors, by what they point to (numbers of pipes, sockets and /proc
 * entries left out, the scenario's directory as $DIR), sorted. */
function descriptors(pid: number, dir: string): string[] {
  return readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).split(dir).join('$DIR').replace(/\d+/g, 'N');
    } catch {
      return '(closed while listed)';
    }
  }).sort();
}

/** Runs kill-openers with `rounds` children under the CLI and returns the monitor's descriptors
 * once it is idle: the program has reaped its last child and waits on its stdin, and the monitor
 * is back in waitpid(-1). A traced child's death reaches its parent only once its tracer has
 * reaped it; the monitor handles a death (and lets go of that child's files) on the thread that
 * reaped it before it waits again. So once "done" is out and the monitor waits, every death has
 * been handled, and what it holds is what it keeps. */
async function idleDescriptors(cliArgs: readonly string[], rounds: number): Promise<string[]> {
  const tag = marker();
  const dir = join(tempDir(), tag);
  mkdirSync(dir);
  const run = start([program, `/unreal${dir}`, String(rounds)], cliArgs, { stdin: true });
  const monitor = run.child.pid!;
  await run.line(/^done \d+$/);
  expect(run.stdout()).toBe(`start\ndone ${rounds}\n`);
  await until('the monitor back in waitpid(-1)', () => readFileSync(`/proc/${monitor}/syscall`, 'latin1').split(' '), ([nr, pid]) => Number(nr) === WAIT4 && (BigInt(pid!) & 0xffffffffn) === 0xffffffffn);
  const fds = descriptors(monitor, dir);
  run.child.stdin!.end();
  expect(await run.exited).toEqual({ code: 0, signal: null });
  expect(run.stderr()).toBe('');
  await noLeftovers(tag);
  return fds;
}

describe('the monitor does not leak', () => {
  it.each([
    ['proxy, seccomp', ['-m', 'unreal,mode=proxy']],
    ['proxy, syscall', ['-m', 'unreal,mode=proxy', '--trace=syscall']],
  ])('file descriptors when tracees are killed mid-call (%s)', async (_label, cliArgs) => {
    // Side by side, idle: a run whose program kills no child, and one that kills `rounds` of
    // them while they open, dup and close files through the proxy. The same descriptors.
    const peer = await idleDescriptors(cliArgs, 0);
    const after = await idleDescriptors(cliArgs, iterations(40));
    expect(after).toEqual(peer);
    expect(after.filter((target) => target.includes('$DIR'))).toEqual([]);
  });
});

describe('the monitor lets go of ended tracees', () => {
  it('150 children and 150 threads that ended: their Tracee objects are gone from the heap during the run', async () => {
    let calls = 0;
    let traceesInHeap: Record<string, number> = {};
    const probe: UmviewModule = {
      name: 'tracee-probe',
      syscalls: ['getppid'],
      handleSyscall(call) {
        // 150 children and 150 threads make one call each, and the module reads their memory
        // (as a module serving a path would); then the parent makes its last call, and the
        // heap is counted there (a snapshot collects garbage first).
        if (++calls <= 300) {
          call.io.read(call.tracee.getRegisters().sp, 64);
          return;
        }
        traceesInHeap = countObjects(readFileSync(writeHeapSnapshot(join(tempDir(), 'heap.heapsnapshot')), 'utf8'), ['Tracee', 'TraceeIO']);
      },
    };
    const result = await run([fixture('fork-getppid', ['-O1', '-pthread']), '150'], { modules: [probe], spawn: { stdout: 'ignore' } });
    expect(result.exitStatus).toBe(0);
    expect(calls).toBe(301);
    // The parent, and a few threads whose exit the tracer has not collected yet.
    expect(traceesInHeap.Tracee).toBeGreaterThanOrEqual(1);
    expect(traceesInHeap.Tracee).toBeLessThan(20);
    expect(traceesInHeap.TraceeIO).toBeLessThan(20);
  });
});

/** Objects of the classes `names` in a V8 heap snapshot, by class. */
function countObjects(snapshotText: string, names: string[]): Record<string, number> {
  const snapshot = JSON.parse(snapshotText) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const nameAt = fields.indexOf('name');
  const typeAt = fields.indexOf('type');
  const objectType = snapshot.snapshot.meta.node_types[0].indexOf('object');
  const counts: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const name = snapshot.strings[snapshot.nodes[i + nameAt]!]!;
    if (snapshot.nodes[i + typeAt] === objectType && name in counts) counts[name]!++;
  }
  return counts;
}
