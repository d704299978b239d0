// Tracee memory for the monitor: ptrace-multi's TraceeIO, batched (PTRACE_MULTI) or the 2006
// way (one PEEK/POKE per word, --no-multi), with counters summed over every tracee.
//
// One TraceeIO per live thread: when a thread exits (or an exec replaces it), its counters are
// added to the retired totals and the objects are let go. (Keeping every TraceeIO for the stats,
// as this once did, kept every Tracee of a long run alive: the soak's monitor grew by ~9 MiB a
// minute; and a thread that exec'd was counted twice, its two TraceeIOs sharing one tracee's
// counters.)
import type { Tracee } from '@umview/ptrace-core';
import { TraceeIO } from '@umview/ptrace-multi';
import type { DataIO, DataIOFactory } from '@umview/sysvm';

export interface MemoryCounters {
  memorySyscalls: number;
  memoryBytes: number;
  memorySyscallsOneByOne: number;
}

export class MonitorMemory {
  private readonly live = new Map<number, TraceeIO>();
  private readonly retired: MemoryCounters = { memorySyscalls: 0, memoryBytes: 0, memorySyscallsOneByOne: 0 };

  constructor(private readonly batching: boolean) {}

  readonly factory: DataIOFactory = (tracee: Tracee): DataIO => {
    const known = this.live.get(tracee.tid);
    // sysvm asks again after an exec: the same Tracee (and counters) goes on.
    if (known !== undefined && known.tracee === tracee) return known;
    if (known !== undefined) this.retire(tracee.tid);
    const io = new TraceeIO(tracee, { batching: this.batching });
    this.live.set(tracee.tid, io);
    return io;
  };

  /** A thread is gone: its counters join the totals, its objects are let go. */
  retire(tid: number): void {
    const io = this.live.get(tid);
    if (io === undefined) return;
    this.live.delete(tid);
    add(this.retired, io);
  }

  /** Threads whose TraceeIO is held (the live ones). */
  get liveCount(): number {
    return this.live.size;
  }

  /** System calls and bytes spent on tracee memory, by every TraceeIO made here. */
  counters(): MemoryCounters {
    const totals: MemoryCounters = { ...this.retired };
    for (const io of this.live.values()) add(totals, io);
    return totals;
  }
}

function add(totals: MemoryCounters, io: TraceeIO): void {
  const c = io.counters;
  totals.memorySyscalls += c.syscalls;
  totals.memoryBytes += c.bytes;
  totals.memorySyscallsOneByOne += c.oneByOneSyscalls;
}
