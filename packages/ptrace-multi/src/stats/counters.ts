// Counters: what a batch did and what the 2006 way would have cost.

/** One batch. */
export interface BatchStats {
  /** Ops that ran: the completed ones and the failing one. */
  ops: number;
  /** System calls issued: each process_vm_readv/writev, preadv/pwritev, ptrace call, and the
   * first open of /proc/PID/mem. */
  syscalls: number;
  /** Tracee memory bytes moved by the ops (reads and writes; gap bytes the planner read in
   * passing are not counted). */
  bytes: number;
  /** System calls the same ops would have needed one by one: a PEEK/POKE per word (PEEK+POKE
   * for a partly written word), one call per register or other request. */
  oneByOneSyscalls: number;
}

/** Cumulative over every batch of one tracee, whichever front end ran it. */
export interface TraceeCounters extends BatchStats {
  batches: number;
}

export function emptyStats(): BatchStats {
  return { ops: 0, syscalls: 0, bytes: 0, oneByOneSyscalls: 0 };
}

export function accumulate(into: TraceeCounters, stats: BatchStats): void {
  addBatch(into, stats.ops, stats.syscalls, stats.bytes, stats.oneByOneSyscalls);
}

/** accumulate() without a BatchStats object, for the single ops that run at nearly every stop. */
export function addBatch(into: TraceeCounters, ops: number, syscalls: number, bytes: number, oneByOneSyscalls: number): void {
  into.batches++;
  into.ops += ops;
  into.syscalls += syscalls;
  into.bytes += bytes;
  into.oneByOneSyscalls += oneByOneSyscalls;
}
