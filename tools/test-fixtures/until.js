// Waiting for the state that proves what a test needs, instead of a sleep long enough on an idle
// machine. A state with no event of its own (a process that is not our child going away, a
// thread blocking in a call: read from /proc) is polled with no deadline of its own: vitest's
// per-test timeout is the hang guard, and a test that fails while a wait is on prints what the
// wait saw last.
import { onTestFailed, onTestFinished } from 'vitest';

export async function until(what, probe, done = Boolean, options = {}) {
  let last;
  let waiting = true;
  let finished = false;
  try {
    onTestFailed(() => {
      if (!waiting) return;
      console.error(`still waiting for ${what}; last seen: ${JSON.stringify(last)}`);
      if (last !== undefined) options.onFail?.(last);
    });
    onTestFinished(() => {
      finished = true;
    });
  } catch {
    // Called from a hook, outside a test: the hook's own timeout is the guard.
  }
  for (;;) {
    last = probe();
    if (done(last)) {
      waiting = false;
      return last;
    }
    if (finished) return new Promise(() => {}); // the test is over: nobody is waiting
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 5));
  }
}
