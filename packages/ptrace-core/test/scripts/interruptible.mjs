// A tracer on the main thread that forwards SIGTERM to its tracee: its blocking wait is
// interrupted by the signal, it lets the event loop run the handler, then goes on waiting.
import { Tracer, makeSignalsInterruptWait, SIGNALS } from '@umview/ptrace-core';

const tracer = new Tracer();
const tracee = tracer.spawn(process.argv[2], [], { stdout: 'ignore' });
let forwarded = false;
process.on('SIGTERM', () => {
  forwarded = true;
  tracee.signal('SIGTERM');
});
console.log(JSON.stringify({ changed: makeSignalsInterruptWait([SIGNALS.SIGTERM]), pid: tracee.pid }));
tracee.cont();
for (;;) {
  const stop = tracer.wait({ interruptible: true });
  if (stop === 'interrupted') {
    // Two hops: the signal's message is read in a poll phase, which a single immediate (queued
    // from inside the current poll phase) may not wait for.
    await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
    continue;
  }
  if (!stop) break;
  if (stop.kind === 'killed' || stop.kind === 'exited') {
    console.log(JSON.stringify({ forwarded, kind: stop.kind, signal: stop.signal }));
    continue;
  }
  stop.tracee.cont(stop.kind === 'signal' ? stop.signal : 0);
}
