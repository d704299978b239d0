// Prints the path of every open/openat/execve/stat-like call a program makes, reading each
// path with a batch, then the counters: system calls issued against those the 2006 way needed.
//   node examples/open-paths.mjs [--no-multi] -- /bin/ls /usr
import { Tracer, syscallName } from '@umview/ptrace-core';
import { Batch, countersFor } from '@umview/ptrace-multi';

const argv = process.argv.slice(2);
const batching = !argv.includes('--no-multi');
const dash = argv.indexOf('--');
const [program = '/bin/ls', ...args] = dash >= 0 ? argv.slice(dash + 1) : ['/bin/ls', '/'];

// Which argument holds a path, by syscall name.
const PATH_ARG = { open: 0, openat: 1, execve: 0, stat: 0, lstat: 0, newfstatat: 1, access: 0, faccessat: 1, faccessat2: 1, readlink: 0, statx: 1 };

const tracer = new Tracer();
const tracee = tracer.spawn(program, args, { stdout: 'ignore' });
tracee.syscall();
for (const stop of tracer.stops()) {
  if (stop.kind === 'syscall-enter') {
    const name = syscallName(stop.nr);
    const index = PATH_ARG[name];
    if (index !== undefined) {
      const batch = new Batch(stop.tracee, { batching });
      const path = batch.readCString(stop.args[index]);
      const rip = batch.getRegister('rip');
      batch.run();
      console.error(`${name}(${path.ok ? JSON.stringify(path.value) : path.error.message}) at 0x${rip.value.toString(16)}`);
    }
  }
  if (stop.kind !== 'exited' && stop.kind !== 'killed') stop.tracee.syscall(stop.kind === 'signal' ? stop.signal : 0);
}
const c = countersFor(tracee);
console.error(`${c.batches} batches, ${c.ops} ops: ${c.syscalls} system calls issued, ${c.oneByOneSyscalls} the 2006 way (${batching ? 'batched' : 'no batching'})`);
