// Turns per-op outcomes into the result both executors return, with the batch's counters.
import { oneByOneCost } from '../ops/cost.js';
import type { Intent } from '../ops/intents.js';
import type { ExecResult, OpFailure } from './result.js';

function isMemory(intent: Intent): boolean {
  return intent.kind === 'read' || intent.kind === 'write' || intent.kind === 'string';
}

export function finish(
  intents: readonly Intent[], moved: number[], returns: (number | undefined)[],
  failure: OpFailure | undefined, syscalls: number,
): ExecResult {
  const completed = failure ? failure.index : intents.length;
  const ran = failure ? failure.index + 1 : intents.length;
  let bytes = 0;
  let oneByOneSyscalls = 0;
  for (let k = 0; k < ran; k++) {
    const intent = intents[k]!;
    if (isMemory(intent)) bytes += moved[k]!;
    oneByOneSyscalls += oneByOneCost(intent, moved[k]!, k === failure?.index ? failure.error : undefined);
  }
  for (let k = ran; k < intents.length; k++) {
    moved[k] = 0;
    returns[k] = undefined;
  }
  return { completed, failure, moved, returns, stats: { ops: ran, syscalls, bytes, oneByOneSyscalls } };
}

/** The earlier of two failures (program order decides which one one-by-one would hit). */
export function earliest(a: OpFailure | undefined, b: OpFailure | undefined): OpFailure | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.index < a.index ? b : a;
}
