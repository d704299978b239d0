// What an op costs when issued the 2006 way, one ptrace call per word or request: the
// `oneByOneSyscalls` counter, and exactly what the no-batching mode issues (its tests check it).
// Runs for every op of every batch: plain arithmetic, no helpers.
import { StringTooLongError } from '../errors.js';
import type { Intent } from './intents.js';

/** Aligned words that cover [address, address + length). */
function words(address: number, length: number): number {
  return length <= 0 ? 0 : Math.ceil((address + length) / 8) - Math.floor(address / 8);
}

/** PEEK+POKE for a partly covered word (read-modify-write), POKE for a whole one. */
function byteWriteCalls(address: number, length: number): number {
  if (length <= 0) return 0;
  const n = words(address, length);
  const head = address % 8 !== 0 ? 1 : 0;
  const tail = (address + length) % 8 !== 0 ? 1 : 0;
  if (n === 1) return head || tail ? 2 : 1;
  return n + head + tail;
}

/** Calls up to and including the word that failed at `address + moved`. */
function callsToFault(address: number, moved: number): number {
  return Math.floor((address + moved) / 8) - Math.floor(address / 8) + 1;
}

/**
 * @param moved bytes the op moved (for register and PEEKUSER ops: 8 per word done)
 * @param error the op's error if it failed
 */
export function oneByOneCost(intent: Intent, moved: number, error: Error | undefined): number {
  switch (intent.kind) {
    case 'read':
      if (error === undefined && moved === intent.length) {
        return intent.granule === 8 ? intent.length / 8 : words(intent.addr, intent.length);
      }
      return intent.granule === 8 ? moved / 8 + 1 : callsToFault(intent.addr, moved);
    case 'write':
      if (intent.granule === 8) return error ? moved / 8 + 1 : intent.data.length / 8;
      return error ? byteWriteCalls(intent.addr, moved) + 1 : byteWriteCalls(intent.addr, intent.data.length);
    case 'string':
      if (error && !(error instanceof StringTooLongError)) return callsToFault(intent.addr, moved);
      return words(intent.addr, moved);
    case 'reg-read':
    case 'reg-write':
      if (intent.whole) return 1;
      return error ? moved / 8 + 1 : intent.count;
    case 'user-area':
      return error ? moved / 8 + 1 : intent.count;
    case 'passthrough':
      return 1;
    case 'invalid':
      return 0;
  }
}
