// A tracer for the "tracer killed at a random point" tests: spawns PROGRAM ARGS... with every
// fork, clone and exec followed, resumes every stop with PTRACE_SYSCALL (or holds them: MODE
// 'hold' leaves every new stop in its ptrace-stop), and prints "traced N" for each new pid,
// until it is killed.
import { Tracer, isTraceeGone } from '@umview/ptrace-core';

const [mode, program, ...args] = process.argv.slice(2);
const tracer = new Tracer();
const root = tracer.spawn(program, args, { stdout: 'ignore' });
console.log(`traced ${root.pid}`);
root.syscall();
for (const stop of tracer.stops()) {
  if (stop.kind === 'fork' || stop.kind === 'vfork' || stop.kind === 'clone') console.log(`traced ${stop.child.pid}`);
  if (stop.kind === 'exited' || stop.kind === 'killed') continue;
  if (mode === 'hold' && Math.random() < 0.01) continue; // left in its stop
  try {
    stop.tracee.syscall(stop.kind === 'signal' ? stop.signal : 0);
  } catch (error) {
    if (!isTraceeGone(error)) throw error;
  }
}
