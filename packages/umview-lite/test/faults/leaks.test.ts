// Nothing leaks in the monitor: children killed while they open, dup and close files through a
// proxy module leave the monitor with the file descriptors it had before them (a thread killed
// between a proxied open and its return used to leave the real file open in the monitor for
// good: the return hook that hands it to the table never ran, or threw half-way); and the
// objects of threads that ended are let go (the monitor's memory counters used to keep every
// tracee of the run alive: ~9 MiB a minute in the soak).
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { run, type UmviewModule } from '@umview/umview-lite';
import { fixture, tempDir } from '../helpers.js';
import { iterations, leftovers, marker, start } from './fault-helpers.js';

const program = fixture('kill-openers');

function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

describe('the monitor does not leak', () => {
  it.each([
    ['proxy, seccomp', ['-m', 'unreal,mode=proxy']],
    ['proxy, syscall', ['-m', 'unreal,mode=proxy', '--trace=syscall']],
  ])('file descriptors when tracees are killed mid-call (%s)', async (_label, cliArgs) => {
    const tag = marker();
    const dir = join(tempDir(), tag);
    mkdirSync(dir);
    const rounds = iterations(40);
    const run = start([program, `/unreal${dir}`, String(rounds)], cliArgs, { stdin: true });
    await run.line(/^start$/);
    const monitor = run.child.pid!;
    // A count is a snapshot (Node opens a descriptor of its own now and then): the lowest of a
    // few before, and after, a count that comes back down to it.
    let before = fdCount(monitor);
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      before = Math.min(before, fdCount(monitor));
    }
    await run.line(/^done \d+$/, 60_000);
    // The last child's death may still be on its way through the monitor (the parent learns of
    // it first): a leak is a count that never comes back down.
    let after = fdCount(monitor);
    for (let i = 0; i < 100 && after > before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = fdCount(monitor);
    }
    expect(run.stdout()).toContain(`done ${rounds}\n`);
    run.child.stdin!.end();
    expect(after).toBeLessThanOrEqual(before);
    expect((await run.exited).code).toBe(0);
    expect(await leftovers(tag)).toEqual([]);
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
