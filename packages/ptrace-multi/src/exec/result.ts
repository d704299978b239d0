// What executing a batch of intents yields, the same shape in both modes.
import type { BatchStats } from '../stats/counters.js';

export interface OpFailure {
  readonly index: number;
  readonly error: Error;
}

export interface ExecResult {
  /** Ops that completed: every op before `failure.index` (or all). */
  readonly completed: number;
  readonly failure: OpFailure | undefined;
  /** Per op: bytes moved (memory ops; the failing op's partial count too), 8 per register or
   * PEEKUSER word; 0 for ops that did not run. */
  readonly moved: number[];
  /** Per op: what a passthrough request returned. */
  readonly returns: (number | undefined)[];
  readonly stats: BatchStats;
}
