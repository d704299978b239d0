// Ops that run alone and the same way in both modes: any other ptrace request, PEEKUSER and
// POKEUSER outside the general registers, and malformed ops.
import { PTRACE } from '@umview/ptrace-core';
import { WORD_SIZE } from '../arch/x86_64.js';
import { syscallError } from '../errors.js';
import type { TraceeChannel } from '../io/channel.js';
import type { BarrierIntent } from '../ops/intents.js';
import { requestName } from '../abi/requests.js';
import { afterRequest } from './resume-bookkeeping.js';

export interface BarrierOutcome {
  readonly error?: Error;
  readonly moved: number;
  readonly returned?: number;
}

export function runBarrier(channel: TraceeChannel, intent: BarrierIntent): BarrierOutcome {
  const { kernel, tracee } = channel;
  switch (intent.kind) {
    case 'invalid':
      return { error: intent.error, moved: 0 };
    case 'passthrough': {
      const r = kernel.ptrace(intent.request, intent.addr, intent.data);
      if (r === -1) return { error: syscallError(requestName(intent.request), kernel.errno(), tracee.tid), moved: 0 };
      afterRequest(tracee, intent.request);
      return { moved: 0, returned: r };
    }
    case 'user-area': {
      const base = BigInt(intent.offset);
      if (intent.direction === 'peek') {
        const dest = kernel.address(intent.buffer);
        for (let j = 0; j < intent.count; j++) {
          if (kernel.peek(PTRACE.PEEKUSER, base + BigInt(j * WORD_SIZE), dest + j * WORD_SIZE) === -1) {
            return { error: syscallError('PTRACE_PEEKUSER', kernel.errno(), tracee.tid), moved: j * WORD_SIZE };
          }
        }
      } else {
        const view = new DataView(intent.buffer.buffer, intent.buffer.byteOffset, intent.count * WORD_SIZE);
        for (let j = 0; j < intent.count; j++) {
          const value = view.getBigUint64(j * WORD_SIZE, true);
          if (kernel.poke(PTRACE.POKEUSER, base + BigInt(j * WORD_SIZE), value) === -1) {
            return { error: syscallError('PTRACE_POKEUSER', kernel.errno(), tracee.tid), moved: j * WORD_SIZE };
          }
        }
      }
      return { moved: intent.count * WORD_SIZE };
    }
  }
}
