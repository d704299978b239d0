// Runs intents in the chosen mode and adds the batch to the tracee's counters.
import type { Tracee } from '@umview/ptrace-core';
import { channelFor } from '../io/channel.js';
import type { Intent } from '../ops/intents.js';
import { accumulate } from '../stats/counters.js';
import { executeBatched } from './batched.js';
import { executeOneByOne } from './one-by-one.js';
import type { ExecResult } from './result.js';

export interface ExecuteOptions {
  /** true (default): as few system calls as the kernel allows; false: the 2006 way, one call
   * per word or request. */
  batching?: boolean;
}

export function execute(tracee: Tracee, intents: readonly Intent[], options: ExecuteOptions = {}): ExecResult {
  const channel = channelFor(tracee);
  const result = options.batching === false ? executeOneByOne(channel, intents) : executeBatched(channel, intents);
  accumulate(channel.counters, result.stats);
  return result;
}
