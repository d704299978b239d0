import { syscallName } from './arch/index.js';
import { signalName } from './native/signals.js';
import type { Stop } from './stops.js';

/** A one-line description of a stop, for logs and error messages. */
export function describeStop(stop: Stop): string {
  const head = `${stop.tid} ${stop.kind}`;
  switch (stop.kind) {
    case 'syscall-enter':
    case 'seccomp':
      return `${head} ${syscallName(stop.nr)}`;
    case 'syscall-exit':
      return `${head} ${syscallName(stop.nr)} = ${stop.result}`;
    case 'signal':
    case 'group-stop':
    case 'killed':
      return `${head} ${signalName(stop.signal)}`;
    case 'interrupt':
      return `${head} (${stop.cause})`;
    case 'exec':
      return stop.formerTid === stop.tid ? head : `${head} (from ${stop.formerTid})`;
    case 'fork':
    case 'vfork':
    case 'clone':
      return `${head} child ${stop.child.tid}`;
    case 'vfork-done':
      return `${head} child ${stop.childTid}`;
    case 'exiting':
      return `${head} status 0x${stop.exitStatus.toString(16)}`;
    case 'exited':
      return `${head} ${stop.code}`;
  }
}
