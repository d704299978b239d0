// ptraceMulti(): the PTRACE_MULTI request array of the 2006 patch, executed on a stock kernel.
import { PtraceError, type Tracee } from '@umview/ptrace-core';
import { WORD_SIZE } from '../arch/x86_64.js';
import { execute } from '../exec/execute.js';
import type { Intent } from '../ops/intents.js';
import type { BatchStats } from '../stats/counters.js';
import { PTRACE_PEEKCHARDATA, PTRACE_PEEKSTRINGDATA, PTRACE_POKECHARDATA } from './requests.js';
import { translate, type PtraceMultiOp } from './translate.js';

export type { PtraceMultiOp };

export interface PtraceMultiFailure {
  /** Index of the op that failed; the ops before it completed, the ones after did not run. */
  readonly index: number;
  readonly errno: number;
  /** errno's name, e.g. 'EIO'. */
  readonly code: string;
  /** The typed error (MemoryAccessError with the fault address, TraceeGoneError...). */
  readonly error: Error;
}

export interface PtraceMultiResult {
  /** Ops that completed (all of them, or the index of the failing one). */
  readonly completed: number;
  readonly failed?: PtraceMultiFailure;
  /** Per op: the bytes moved for PEEKCHARDATA/POKECHARDATA/PEEKSTRINGDATA (also for the failing
   * op: the bytes before the fault), the first word for PEEK* (all words are in localaddr), what
   * ptrace returned otherwise (0 for POKE*, GETREGS, SETREGS); undefined for ops that did not
   * complete. */
  readonly results: (number | bigint | undefined)[];
  readonly stats: BatchStats;
}

export interface PtraceMultiOptions {
  /** false: the 2006 way, one ptrace call per word or request (default true). */
  batching?: boolean;
}

/**
 * Executes a PTRACE_MULTI request array against a tracee in a ptrace-stop, in order, stopping
 * at the first op that fails (as the patch did). Never throws for an op's failure: it is
 * reported in `failed`.
 */
export function ptraceMulti(tracee: Tracee, ops: readonly PtraceMultiOp[], options: PtraceMultiOptions = {}): PtraceMultiResult {
  const intents: Intent[] = ops.map((op) => translate(op, tracee.tid));
  const run = execute(tracee, intents, options);
  const results: (number | bigint | undefined)[] = new Array(ops.length).fill(undefined);
  for (let k = 0; k < ops.length; k++) {
    const failed = k === run.failure?.index;
    if (k > run.completed) break;
    results[k] = resultOf(ops[k]!, intents[k]!, run.moved[k]!, run.returns[k], failed);
  }
  const out: PtraceMultiResult = { completed: run.completed, results, stats: run.stats };
  if (!run.failure) return out;
  const error = run.failure.error;
  const errno = error instanceof PtraceError ? error.errno : 0;
  const code = error instanceof PtraceError ? error.code : error.name;
  return { ...out, failed: { index: run.failure.index, errno, code, error } };
}

function resultOf(op: PtraceMultiOp, intent: Intent, moved: number, returned: number | undefined, failed: boolean): number | bigint | undefined {
  switch (op.request) {
    case PTRACE_PEEKCHARDATA:
    case PTRACE_POKECHARDATA:
    case PTRACE_PEEKSTRINGDATA:
      return moved;
  }
  if (failed) return undefined;
  switch (intent.kind) {
    case 'read': return firstWord(intent.target!);
    case 'reg-read': return intent.whole ? 0 : firstWord(intent.target);
    case 'user-area': return intent.direction === 'peek' ? firstWord(intent.buffer) : 0;
    case 'passthrough': return returned;
    default: return 0; // POKE*, POKEUSER, SETREGS, GETREGS: ptrace returns 0
  }
}

function firstWord(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, WORD_SIZE).getBigUint64(0, true);
}
