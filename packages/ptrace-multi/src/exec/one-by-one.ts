// The 2006 way, with no batching: one PTRACE_PEEK/POKE per word (a partly written word is read,
// modified and written back, as umview did before PTRACE_MULTI), one ptrace call per register or
// other request. umview-lite's --no-multi runs this to reproduce the seed's first row; the tests
// hold the batched executor to its results.
import { ERRNO, MemoryAccessError, PTRACE } from '@umview/ptrace-core';
import { WORD_SIZE } from '../arch/x86_64.js';
import { StringTooLongError, memoryFault, notStopped, syscallError } from '../errors.js';
import type { TraceeChannel } from '../io/channel.js';
import {
  isBarrier, type Intent, type ReadIntent, type StringIntent, type WriteIntent,
} from '../ops/intents.js';
import { floorWord } from '../ops/words.js';
import { runBarrier } from './barrier.js';
import { finish } from './finish.js';
import type { ExecResult, OpFailure } from './result.js';

export function executeOneByOne(channel: TraceeChannel, intents: readonly Intent[]): ExecResult {
  const n = intents.length;
  const moved = new Array<number>(n).fill(0);
  const returns = new Array<number | undefined>(n).fill(undefined);
  const before = channel.kernel.syscalls;
  const words = new WordIo(channel);
  let failure: OpFailure | undefined;
  for (let i = 0; i < n && !failure; i++) {
    const intent = intents[i]!;
    if (isBarrier(intent)) {
      const out = runBarrier(channel, intent);
      moved[i] = out.moved;
      returns[i] = out.returned;
      if (out.error) failure = { index: i, error: out.error };
      continue;
    }
    if (channel.tracee.state !== 'stopped') { failure = { index: i, error: notStopped(channel.tracee.tid) }; break; }
    const out = words.run(intent);
    moved[i] = out.moved;
    if (out.error) failure = { index: i, error: out.error };
  }
  return finish(intents, moved, returns, failure, channel.kernel.syscalls - before);
}

interface Outcome {
  readonly moved: number;
  readonly error?: Error;
}

/** Memory and register ops, a word at a time. */
class WordIo {
  private readonly tid: number;

  constructor(private readonly channel: TraceeChannel) {
    this.tid = channel.tracee.tid;
  }

  run(intent: Exclude<Intent, { kind: 'passthrough' | 'user-area' | 'invalid' }>): Outcome {
    switch (intent.kind) {
      case 'read': return intent.granule === WORD_SIZE ? this.peekWords(intent) : this.peekBytes(intent);
      case 'write': return intent.granule === WORD_SIZE ? this.pokeWords(intent) : this.pokeBytes(intent);
      case 'string': return this.peekString(intent);
      case 'reg-read': {
        const failed = this.channel.registers.readOneByOne(intent.first, intent.count, intent.whole, intent.target);
        if (!failed) return { moved: intent.count * WORD_SIZE };
        return { moved: failed.wordsDone * WORD_SIZE, error: syscallError(failed.operation, failed.errno, this.tid) };
      }
      case 'reg-write': {
        const failed = this.channel.registers.writeOneByOne(intent);
        if (!failed) return { moved: intent.count * WORD_SIZE };
        return { moved: failed.wordsDone * WORD_SIZE, error: syscallError(failed.operation, failed.errno, this.tid) };
      }
    }
  }

  /** The error for a failed PEEK/POKE: a memory fault (EIO, EFAULT) or the tracee's state. */
  private failure(direction: 'read' | 'write', operation: string, at: number, moved: number): Outcome {
    const errno = this.channel.kernel.errno();
    if (errno === ERRNO.EIO || errno === ERRNO.EFAULT) return { moved, error: memoryFault(direction, at, moved, this.tid) };
    return { moved, error: syscallError(operation, errno, this.tid) };
  }

  /** PEEKDATA over `length / 8` words at addr, addr + 8... straight into the target. */
  private peekWords(intent: ReadIntent): Outcome {
    const kernel = this.channel.kernel;
    const target = (intent.target ??= Buffer.allocUnsafe(intent.length));
    if (intent.length === 0) return { moved: 0 };
    const dest = kernel.address(target);
    for (let at = 0; at < intent.length; at += WORD_SIZE) {
      if (kernel.peek(intent.peekRequest, intent.addr + at, dest + at) === -1) {
        return this.failure('read', 'PTRACE_PEEKDATA', intent.addr + at, at);
      }
    }
    return { moved: intent.length };
  }

  /** Aligned PEEKDATA over the words covering the range; whole words land in place, the edges
   * through a word buffer. */
  private peekBytes(intent: ReadIntent): Outcome {
    const { kernel } = this.channel;
    const { word, wordAddress } = this.channel.workspace;
    const target = (intent.target ??= Buffer.allocUnsafe(intent.length));
    if (intent.length === 0) return { moved: 0 };
    const dest = kernel.address(target);
    const start = intent.addr;
    const end = start + intent.length;
    for (let w = floorWord(start); w < end; w += WORD_SIZE) {
      const inside = w >= start && w + WORD_SIZE <= end;
      if (kernel.peek(intent.peekRequest, w, inside ? dest + (w - start) : wordAddress) === -1) {
        const at = Math.max(start, w);
        const out = this.failure('read', 'PTRACE_PEEKDATA', at, at - start);
        // A partial read ends at a fault without failing.
        return intent.partial && out.error instanceof MemoryAccessError ? { moved: at - start } : out;
      }
      if (!inside) {
        const from = Math.max(start, w);
        const to = Math.min(end, w + WORD_SIZE);
        target.set(word.subarray(from - w, to - w), from - start);
      }
    }
    return { moved: intent.length };
  }

  /** POKEDATA of `length / 8` words taken from the op's data. */
  private pokeWords(intent: WriteIntent): Outcome {
    const kernel = this.channel.kernel;
    const data = intent.data;
    const view = new DataView(data.buffer, data.byteOffset, data.length);
    for (let at = 0; at < data.length; at += WORD_SIZE) {
      if (kernel.poke(intent.pokeRequest, intent.addr + at, view.getBigUint64(at, true)) === -1) {
        return this.failure('write', 'PTRACE_POKEDATA', intent.addr + at, at);
      }
    }
    return { moved: data.length };
  }

  /** Aligned POKEDATA; a partly covered word is PEEKed, patched and POKEd back. */
  private pokeBytes(intent: WriteIntent): Outcome {
    const { kernel } = this.channel;
    const { word, wordAddress } = this.channel.workspace;
    const data = intent.data;
    const view = new DataView(data.buffer, data.byteOffset, data.length);
    const wordView = new DataView(word.buffer, word.byteOffset, WORD_SIZE);
    const start = intent.addr;
    const end = start + data.length;
    const peekRequest = intent.pokeRequest === PTRACE.POKETEXT ? PTRACE.PEEKTEXT : PTRACE.PEEKDATA;
    if (data.length === 0) return { moved: 0 };
    for (let w = floorWord(start); w < end; w += WORD_SIZE) {
      const at = Math.max(start, w);
      let value: bigint;
      if (w >= start && w + WORD_SIZE <= end) {
        value = view.getBigUint64(w - start, true);
      } else {
        if (kernel.peek(peekRequest, w, wordAddress) === -1) return this.failure('write', 'PTRACE_PEEKDATA', at, at - start);
        const to = Math.min(end, w + WORD_SIZE);
        word.set(data.subarray(at - start, to - start), at - w);
        value = wordView.getBigUint64(0, true);
      }
      if (kernel.poke(intent.pokeRequest, w, value) === -1) return this.failure('write', 'PTRACE_POKEDATA', at, at - start);
    }
    return { moved: data.length };
  }

  /** Aligned PEEKDATA until a word holds the NUL, or `limit` bytes. */
  private peekString(intent: StringIntent): Outcome {
    const { kernel } = this.channel;
    const { word, wordAddress } = this.channel.workspace;
    const start = intent.addr;
    const end = start + intent.limit;
    const bytes = Buffer.allocUnsafe(intent.limit);
    let got = 0;
    const settle = (length: number): void => {
      intent.result = Buffer.from(bytes.subarray(0, length));
      intent.target?.set(intent.result);
    };
    for (let w = floorWord(start); got < intent.limit; w += WORD_SIZE) {
      if (kernel.peek(intent.peekRequest, w, wordAddress) === -1) {
        settle(got);
        return this.failure('read', 'PTRACE_PEEKDATA', start + got, got);
      }
      for (let b = Math.max(start, w); b < Math.min(end, w + WORD_SIZE); b++) {
        const byte = word[b - w]!;
        bytes[got++] = byte;
        if (byte === 0) {
          settle(got);
          return { moved: got };
        }
      }
    }
    settle(got);
    if (intent.onNoNul === 'truncate') return { moved: got };
    return { moved: got, error: new StringTooLongError(BigInt(start), intent.limit - 1) };
  }
}
