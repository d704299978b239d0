// Runs a command traced and counts its system calls by name, following its children and
// threads; prints the counts, most frequent first, and exits with the command's status.
//   node examples/syscall-count.mjs ls -l /
import { Tracer, isTraceeGone, shellExitCode, syscallName } from '@umview/ptrace-core';

const [program = 'ls', ...args] = process.argv.slice(2);
const tracer = new Tracer();
const root = tracer.spawn(program, args, { stdout: 'ignore' }); // stopped at exec, not one instruction run
root.syscall();                                                  // run it to its next syscall stop
const counts = new Map();
let status = 0;
for (const stop of tracer.stops()) {                             // until every traced thread is gone
  if (stop.kind === 'syscall-enter') {
    const name = syscallName(stop.nr);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  if (stop.kind === 'exited' || stop.kind === 'killed') {
    if (stop.tid === root.tid) status = shellExitCode(stop.status);
    continue;
  }
  try {
    stop.tracee.syscall(stop.kind === 'signal' ? stop.signal : 0); // deliver signals, nothing else
  } catch (error) {
    if (!isTraceeGone(error)) throw error;                         // a thread that vanished: its exit follows
  }
}
for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(6)} ${name}`);
process.exit(status);
