// Tracee memory for the monitor: ptrace-multi's TraceeIO, batched (PTRACE_MULTI) or the 2006
// way (one PEEK/POKE per word, --no-multi), with counters summed over every tracee.
import type { Tracee } from '@umview/ptrace-core';
import { TraceeIO } from '@umview/ptrace-multi';
import type { DataIO, DataIOFactory } from '@umview/sysvm';

export interface MemoryCounters {
  memorySyscalls: number;
  memoryBytes: number;
  memorySyscallsOneByOne: number;
}

export class MonitorMemory {
  private readonly ios: TraceeIO[] = [];

  constructor(private readonly batching: boolean) {}

  readonly factory: DataIOFactory = (tracee: Tracee): DataIO => {
    const io = new TraceeIO(tracee, { batching: this.batching });
    this.ios.push(io);
    return io;
  };

  /** System calls and bytes spent on tracee memory, by every TraceeIO made here. */
  counters(): MemoryCounters {
    const totals: MemoryCounters = { memorySyscalls: 0, memoryBytes: 0, memorySyscallsOneByOne: 0 };
    for (const io of this.ios) {
      const c = io.counters;
      totals.memorySyscalls += c.syscalls;
      totals.memoryBytes += c.bytes;
      totals.memorySyscallsOneByOne += c.oneByOneSyscalls;
    }
    return totals;
  }
}
