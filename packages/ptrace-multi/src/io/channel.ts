// Per-tracee state that outlives a batch: the counted system call port, the register cache and
// the cumulative counters. One per Tracee object, shared by ptraceMulti(), Batch and TraceeIO,
// so counters add up whatever front end ran. (The buffers a batch borrows are per thread: see
// workspace.ts.)
import type { Tracee } from '@umview/ptrace-core';
import type { TraceeCounters } from '../stats/counters.js';
import { Kernel } from './kernel.js';
import { procMemFd } from './proc-mem.js';
import { RegisterFile } from './register-file.js';
import { VmStream } from './vm-stream.js';
import { workspace, type Workspace } from './workspace.js';

export class TraceeChannel {
  readonly kernel: Kernel;
  private vmStream: VmStream | undefined;
  private registerFile: RegisterFile | undefined;
  readonly workspace: Workspace = workspace();
  readonly counters: TraceeCounters = { batches: 0, ops: 0, syscalls: 0, bytes: 0, oneByOneSyscalls: 0 };

  constructor(readonly tracee: Tracee) {
    this.kernel = new Kernel(tracee.tid);
  }

  /** Made at the first batch: a shell loop's short-lived children only take single ops. */
  get stream(): VmStream {
    return this.vmStream ??= new VmStream(this.kernel, this.workspace, () => this.procMem());
  }

  /** Made at the first batch that touches registers (three pinned buffers: most tracees'
   * batches only move memory). */
  get registers(): RegisterFile {
    return this.registerFile ??= new RegisterFile(this.kernel);
  }

  /** The /proc/PID/mem descriptor; its first open counts as a system call. */
  procMem(): number {
    const { fd, opened } = procMemFd(this.tracee);
    if (opened) this.kernel.syscalls++;
    return fd;
  }
}

const channels = new WeakMap<Tracee, TraceeChannel>();

export function channelFor(tracee: Tracee): TraceeChannel {
  let channel = channels.get(tracee);
  if (!channel) {
    channel = new TraceeChannel(tracee);
    channels.set(tracee, channel);
  }
  return channel;
}
