// A tracer-worker extension for the async tests: counts syscall stops on the tracer thread,
// resuming them itself, and reports exits as events.
import { workerData } from 'node:worker_threads';
import { hostTracer } from '@umview/ptrace-core';

const counts = new Map();
hostTracer(workerData, {
  init(context) {
    context.emit({ ready: true, data: context.data });
  },
  commands: {
    count: (_context, tid) => counts.get(tid) ?? 0,
  },
  onStop(stop, context) {
    if (stop.kind === 'syscall-enter') {
      counts.set(stop.tid, (counts.get(stop.tid) ?? 0) + 1);
      stop.tracee.syscall();
      return true;
    }
    if (stop.kind === 'syscall-exit') {
      stop.tracee.syscall();
      return true;
    }
    if (stop.kind === 'exited') context.emit({ exited: stop.tid, code: stop.code });
    return false;
  },
});
