// A tracer process for the "tracer killed" test: spawns a multithreaded tracee that forks a
// child, prints every pid it traces, then either keeps them running (blocked in wait) or keeps
// them in a ptrace-stop, until it is killed.
import { Tracer } from '@umview/ptrace-core';

const [program, mode] = process.argv.slice(2);
const tracer = new Tracer();
const root = tracer.spawn('/bin/sh', ['-c', `"${program}" & "${program}"`], { stdout: 'ignore' });
root.cont();
const pids = new Set([root.pid]);
for (const stop of tracer.stops()) {
  if (stop.kind === 'fork' || stop.kind === 'vfork' || stop.kind === 'clone') pids.add(stop.child.pid);
  if (pids.size >= 3 && stop.kind === 'interrupt') {
    console.log(JSON.stringify([...pids]));
    if (mode === 'stopped') {
      for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); // hold the stops
    }
  }
  if (stop.kind !== 'exited' && stop.kind !== 'killed') stop.tracee.cont(stop.kind === 'signal' ? stop.signal : 0);
}
