// `stepOut`: run to the return address of the current frame (from CFI: it works in frameless
// -O2 code and in libc), accepted only once the stack pointer is above the frame, so that a
// recursive call returning to the same address does not end it. It stops right after the
// return, in the middle of the caller's line, as gdb's `finish` and lldb's step-out do.
import type { StepContext } from './line-step.js';
import type { ThreadState } from '../engine/thread-state.js';
import { callerOf } from '../stack/call-stack.js';

export function stepOut(context: StepContext, thread: ThreadState): void {
  const frames = callerOf(thread.tracee, context.modules);
  const cfa = frames?.frame.cfa;
  if (frames === undefined || cfa === undefined) throw new Error('cannot step out: the caller of this frame is unknown');
  context.run.runUntil({
    thread, address: frames.caller.pc, accept: (registers) => registers.rsp >= cfa,
    reached: () => context.run.report({ reason: 'step', thread }),
  });
}
