// Program order is the contract. The planner cuts a batch into groups that can each be executed
// as "every read first, then the writes" without anyone noticing the reordering:
//
//   - a read that overlaps a memory write earlier in the group starts a new group (it must see
//     the written bytes, and reads run before writes);
//   - a register read of a word written earlier in the group, or of a word whose value such a
//     write may change (fs_base after fs, gs_base after gs, on CPUs without FSGSBASE), starts a
//     new group (the kernel may normalise what was written, e.g. eflags, so the value must come
//     back from the kernel);
//   - a register write to a word already written in the group starts a new group (each value
//     must reach the kernel, which validates it, in its turn);
//   - memory writes and register writes never share a group, so that the side effects of a
//     group all come from one system call stream and stop together at the first failure;
//   - an op whose buffer of ours overlaps the buffer of an earlier op in the group, where either
//     one is filled by us (a read's target), starts a new group: reads land in address order
//     and before writes, so the last word on that buffer would otherwise change hands;
//   - a barrier (any other ptrace request, or PEEKUSER/POKEUSER outside the registers) is a
//     group of its own: it may resume the tracee or depend on anything before it.
//
// Reads have no side effects, so running them early is invisible; writes keep their order.
import { REGISTER_READ_DEPENDENTS, USER_REGS_WORDS } from '../arch/x86_64.js';
import { isBarrier, readExtent, type Intent } from '../ops/intents.js';
import { IntervalSet } from './interval-set.js';
import { LocalBuffers } from './local-buffers.js';

/** Bit mask of the register words an op touches (27 words fit in 32 bits). */
export function registerMask(first: number, count: number): number {
  if (count >= USER_REGS_WORDS) return (2 ** USER_REGS_WORDS - 1) >>> 0;
  return (((2 ** count) - 1) * 2 ** first) >>> 0;
}

/** The words that have dependents (a bit each): most writes touch none and skip the lookup. */
const WORDS_WITH_DEPENDENTS = [...REGISTER_READ_DEPENDENTS.keys()].reduce((bits, word) => (bits | registerMask(word, 1)) >>> 0, 0);

/** The register words whose read-back value a write of the words in `written` (a mask) may
 * change: those words and their dependents (REGISTER_READ_DEPENDENTS). */
export function registerWriteShadow(written: number): number {
  if ((written & WORDS_WITH_DEPENDENTS) === 0) return written;
  let mask = written;
  for (const [word, dependents] of REGISTER_READ_DEPENDENTS) {
    if (written & registerMask(word, 1)) {
      for (const dependent of dependents) mask = (mask | registerMask(dependent, 1)) >>> 0;
    }
  }
  return mask;
}

/** Records the buffers of ours an op uses (for checks across groups). */
export function recordBuffers(intent: Intent, buffers: LocalBuffers): void {
  switch (intent.kind) {
    case 'read':
      if (!intent.ownTarget) buffers.addTarget(intent.target);
      break;
    case 'string':
    case 'reg-read':
      buffers.addTarget(intent.target);
      break;
    case 'write':
      buffers.addSource(intent.data);
      break;
    case 'reg-write':
      buffers.addSource(intent.source);
      break;
    case 'user-area':
      buffers.addTarget(intent.buffer);
      break;
    case 'passthrough':
      if (intent.data instanceof Uint8Array) buffers.addTarget(intent.data);
      break;
    case 'invalid':
      break;
  }
}

/** The end (exclusive) of the group that starts at `start`. */
export function groupEnd(intents: readonly Intent[], start: number): number {
  if (isBarrier(intents[start]!)) return start + 1;
  const written = new IntervalSet();
  const local = new LocalBuffers();
  let memoryWrites = false;
  let registerWrites = false;
  let registersWritten = 0;
  let registersChanged = 0; // written words and the words whose read-back they may change
  for (let i = start; i < intents.length; i++) {
    const intent = intents[i]!;
    switch (intent.kind) {
      case 'passthrough':
      case 'user-area':
      case 'invalid':
        return i === start ? start + 1 : i;
      case 'read':
      case 'string':
        if (written.size > 0 && written.overlaps(intent.addr, readExtent(intent))) return i;
        if (local.conflictsAsTarget(intent.target)) return i;
        local.addTarget(intent.target);
        break;
      case 'write':
        if (intent.data.length === 0) break;
        if (registerWrites) return i;
        if (local.conflictsAsSource(intent.data)) return i;
        memoryWrites = true;
        written.add(intent.addr, intent.data.length);
        local.addSource(intent.data);
        break;
      case 'reg-read':
        if (registersChanged & registerMask(intent.first, intent.count)) return i;
        if (local.conflictsAsTarget(intent.target)) return i;
        local.addTarget(intent.target);
        break;
      case 'reg-write': {
        const mask = registerMask(intent.first, intent.count);
        if (memoryWrites || (registersWritten & mask)) return i;
        if (local.conflictsAsSource(intent.source)) return i;
        registerWrites = true;
        registersWritten = (registersWritten | mask) >>> 0;
        registersChanged = (registersChanged | registerWriteShadow(mask)) >>> 0;
        local.addSource(intent.source);
        break;
      }
    }
  }
  return intents.length;
}
