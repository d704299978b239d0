// The batched executor: each group (planner/groups.ts) runs as
//   1. every memory read of the group in one process_vm_readv stream (C strings: the rest of the
//      page first, one follow-up stream for those whose NUL was not there), and one
//      PTRACE_GETREGS if a register op needs the registers and none are cached;
//   2. the side effects of the ops before the first failing read, in program order: the memory
//      writes as one process_vm_writev stream, or the register writes as one PTRACE_SETREGS;
//   3. the first failure in program order ends the batch; ops after it are not run.
// A barrier runs alone and drops the register cache.
//
// Reads of a group run before anyone knows whether an earlier op of the group fails, so a read
// lands straight in its op's buffer only when that buffer is its own: one that an earlier op of
// the batch also used is read aside and copied once the op is known to have run (one by one, an
// op that did not run leaves every buffer as it was).
import { PAGE_SIZE, WORD_SIZE } from '../arch/x86_64.js';
import { StringTooLongError, memoryFault, notStopped, syscallError } from '../errors.js';
import type { TraceeChannel } from '../io/channel.js';
import { TraceeVanished } from '../io/vm-stream.js';
import {
  isBarrier, type Intent, type ReadIntent, type RegisterWriteIntent, type StringIntent, type WriteIntent,
} from '../ops/intents.js';
import { groupEnd, recordBuffers } from '../planner/groups.js';
import { LocalBuffers } from '../planner/local-buffers.js';
import { planReads, planWrites } from '../planner/stream-plan.js';
import { runBarrier } from './barrier.js';
import { earliest, finish } from './finish.js';
import type { ExecResult, OpFailure } from './result.js';

export function executeBatched(channel: TraceeChannel, intents: readonly Intent[]): ExecResult {
  const n = intents.length;
  const moved = new Array<number>(n).fill(0);
  const returns = new Array<number | undefined>(n).fill(undefined);
  const before = channel.kernel.syscalls;
  // Buffers of ours used by the groups run so far.
  const used = new LocalBuffers();
  // The tracee may have run since the last batch: never trust registers from before this one.
  channel.registers.invalidate();
  let failure: OpFailure | undefined;
  for (let i = 0; i < n;) {
    const intent = intents[i]!;
    if (isBarrier(intent)) {
      channel.registers.invalidate();
      const out = runBarrier(channel, intent);
      moved[i] = out.moved;
      returns[i] = out.returned;
      if (out.error) { failure = { index: i, error: out.error }; break; }
      recordBuffers(intent, used);
      i++;
      continue;
    }
    if (channel.tracee.state !== 'stopped') { failure = { index: i, error: notStopped(channel.tracee.tid) }; break; }
    const end = groupEnd(intents, i);
    failure = new GroupRun(channel, intents, i, end, moved, used).run();
    if (failure) break;
    if (end < n) for (let k = i; k < end; k++) recordBuffers(intents[k]!, used);
    i = end;
  }
  return finish(intents, moved, returns, failure, channel.kernel.syscalls - before);
}

/** Bytes read aside, to be copied into an op's buffer if the op turns out to have run. */
interface Delivery {
  readonly index: number;
  readonly target: Uint8Array;
  readonly bytes: Uint8Array;
}

const EMPTY = Buffer.alloc(0);

class GroupRun {
  private readonly tid: number;
  private readonly deliveries: Delivery[] = [];
  // The reads of the group, as parallel arrays (one entry per read or string op): the op's
  // index; where its bytes go (>= 0: that offset of the scratch area; -1: straight to the
  // buffer the caller gave; <= -2: straight to our arena, at address -2 - value); and for
  // strings, the bytes asked for so far (the first chunk ends at the end of the page).
  private readonly readIndex: number[] = [];
  private readonly readScratch: number[] = [];
  private readonly stringChunk: number[] = [];

  constructor(
    private readonly channel: TraceeChannel,
    private readonly intents: readonly Intent[],
    private readonly start: number,
    private readonly end: number,
    private readonly moved: number[],
    private readonly used: LocalBuffers,
  ) {
    this.tid = channel.tracee.tid;
  }

  run(): OpFailure | undefined {
    let memoryReads = false;
    let registerOps = false;
    let memoryWrites = false;
    for (let k = this.start; k < this.end; k++) {
      const kind = this.intents[k]!.kind;
      if (kind === 'read' || kind === 'string') memoryReads = true;
      else if (kind === 'write') memoryWrites = true;
      else registerOps = true;
    }
    let failure = memoryReads ? this.reads() : undefined;
    if (registerOps) failure = earliest(failure, this.fetchRegisters(failure?.index ?? this.end));
    if (memoryWrites) failure = earliest(failure, this.memoryWrites(failure?.index ?? this.end));
    if (registerOps) failure = earliest(failure, this.registerWrites(failure?.index ?? this.end));
    // Within a group no write takes its bytes from a buffer a read fills (groups.ts cuts
    // there), so these copies may come after the writes; they wait to know which ops ran.
    if (registerOps) this.registerReads(failure ? failure.index : this.end);
    const last = failure ? failure.index : this.end - 1;
    for (const d of this.deliveries) if (d.index <= last) d.target.set(d.bytes);
    return failure;
  }

  // ---- memory reads ----

  private reads(): OpFailure | undefined {
    const { intents, readIndex, readScratch, stringChunk } = this;
    const kernel = this.channel.kernel;
    // Sizes first: builder reads get their buffers from one allocation (one address lookup for
    // all), and what goes aside gets a place in the reusable scratch area.
    let arenaBytes = 0;
    let scratchBytes = 0;
    for (let k = this.start; k < this.end; k++) {
      const intent = intents[k]!;
      if (intent.kind === 'read') {
        if (intent.target === undefined) {
          arenaBytes += intent.length;
        } else if (intent.length > 0) {
          // A buffer the caller gave may be shared with an earlier op of the batch; an unaligned
          // word read may fault in the middle of a word, whose first bytes one-by-one PEEKDATA
          // never delivers. Both go aside, and only what the op delivers is copied.
          const aside = (intent.granule === WORD_SIZE && intent.addr % WORD_SIZE !== 0) || this.used.conflictsAsTarget(intent.target);
          readIndex.push(k);
          readScratch.push(aside ? scratchBytes : -1);
          stringChunk.push(0);
          if (aside) scratchBytes += intent.length;
        }
      } else if (intent.kind === 'string') {
        if (intent.limit === 0) { intent.result = EMPTY; continue; }
        // Strings always go aside: only the bytes up to the NUL may reach the op's buffer.
        readIndex.push(k);
        readScratch.push(scratchBytes);
        stringChunk.push(0);
        scratchBytes += intent.limit;
      }
    }
    {
      // The reads into buffers we allocate (builder reads): no one else can hold them.
      const arena = arenaBytes > 0 ? Buffer.allocUnsafe(arenaBytes) : EMPTY;
      const arenaAddress = arenaBytes > 0 ? kernel.address(arena) : 0;
      let used = 0;
      for (let k = this.start; k < this.end; k++) {
        const intent = intents[k]!;
        if (intent.kind !== 'read' || intent.target !== undefined) continue;
        intent.target = intent.length > 0 ? arena.subarray(used, used + intent.length) : EMPTY;
        intent.ownTarget = true;
        if (intent.length > 0) {
          readIndex.push(k);
          readScratch.push(-2 - (arenaAddress + used)); // our arena: the address, encoded below -1
          stringChunk.push(0);
        }
        used += intent.length;
      }
    }
    const slots = readIndex.length;
    if (slots === 0) return undefined;
    const { buffer: scratch, address: scratchAddress } = this.channel.workspace.scratch(scratchBytes);

    // Round 1: plain reads whole, strings to the end of their first page. Segment s is slot s.
    const segments = this.channel.workspace.segments;
    segments.clear();
    for (let s = 0; s < slots; s++) {
      const intent = intents[readIndex[s]!] as ReadIntent | StringIntent;
      const place = readScratch[s]!;
      if (intent.kind === 'read') {
        const local = place >= 0 ? scratchAddress + place : place === -1 ? kernel.address(intent.target!) : -2 - place;
        segments.push(intent.addr, intent.length, local);
      } else {
        const chunk = Math.min(intent.limit, PAGE_SIZE - (intent.addr % PAGE_SIZE));
        stringChunk[s] = chunk;
        segments.push(intent.addr, chunk, scratchAddress + place);
      }
    }
    if (!this.stream()) return this.gone(Math.min(...readIndex));

    let failure: OpFailure | undefined;
    let pending: number[] = [];
    for (let s = 0; s < slots; s++) {
      const intent = intents[readIndex[s]!]!;
      const available = segments.available[s]!;
      if (intent.kind === 'read') failure = earliest(failure, this.settleRead(intent, s, available, scratch));
      else if (intent.kind === 'string') {
        const f = this.scanString(intent, s, 0, available, scratch);
        if (f === 'more') pending.push(s);
        else failure = earliest(failure, f);
      }
    }

    // Then one more stream for the strings whose NUL has not come yet, over their next page:
    // almost always the last (a path crossing a page end). Longer strings get twice as many
    // pages each further round. Never more than a page at first: the pages after the NUL may
    // be unreadable, and reading them would cost calls for nothing.
    for (let pages = 1; pending.length > 0; pages *= 2) {
      segments.clear();
      const from: number[] = [];
      for (const s of pending) {
        const intent = intents[readIndex[s]!] as StringIntent;
        const at = stringChunk[s]!;
        const length = Math.min(pages * PAGE_SIZE, intent.limit - at);
        from.push(at);
        segments.push(intent.addr + at, length, scratchAddress + readScratch[s]! + at);
        stringChunk[s] = at + length;
      }
      if (!this.stream()) return earliest(failure, this.gone(readIndex[pending[0]!]!));
      const round = pending;
      pending = [];
      round.forEach((s, segment) => {
        const f = this.scanString(intents[readIndex[s]!] as StringIntent, s, from[segment]!, segments.available[segment]!, scratch);
        if (f === 'more') pending.push(s);
        else failure = earliest(failure, f);
      });
    }
    return failure;
  }

  /** Looks for the NUL in the `available` bytes read at offset `from` of string slot `s`;
   * settles the string (found, fault, or limit reached) or asks for the next page. */
  private scanString(intent: StringIntent, s: number, from: number, available: number, scratch: Buffer): OpFailure | undefined | 'more' {
    const at = this.readScratch[s]! + from;
    const nul = scratch.subarray(at, at + available).indexOf(0);
    if (nul >= 0) {
      this.settleString(intent, s, from + nul + 1, scratch);
      return undefined;
    }
    if (available < this.stringChunk[s]! - from) return this.stringFault(intent, s, from + available, scratch);
    if (this.stringChunk[s] === intent.limit) return this.stringUnterminated(intent, s, scratch);
    return 'more';
  }

  /** Runs the read stream of the channel's segments (their `available` is filled); false if
   * the tracee vanished. */
  private stream(): boolean {
    const { segments, plan, discard } = this.channel.workspace;
    try {
      this.channel.stream.read(planReads(segments, discard, plan), segments.available);
    } catch (error) {
      if (error instanceof TraceeVanished) return false;
      throw error;
    }
    return true;
  }

  private settleRead(intent: ReadIntent, s: number, available: number, scratch: Buffer): OpFailure | undefined {
    const index = this.readIndex[s]!;
    const whole = available === intent.length;
    const delivered = whole || intent.partial ? available : available - (available % intent.granule);
    const place = this.readScratch[s]!;
    if (place >= 0) {
      // Copied now: the scratch area is reused by the next group.
      const bytes = Buffer.from(scratch.subarray(place, place + delivered));
      this.deliveries.push({ index, target: intent.target!, bytes });
    }
    this.moved[index] = delivered;
    if (whole || intent.partial) return undefined;
    return { index, error: memoryFault('read', intent.addr + delivered, delivered, this.tid) };
  }

  private settleString(intent: StringIntent, s: number, length: number, scratch: Buffer): void {
    const index = this.readIndex[s]!;
    const place = this.readScratch[s]!;
    const bytes = Buffer.from(scratch.subarray(place, place + length));
    intent.result = bytes;
    if (intent.target) this.deliveries.push({ index, target: intent.target, bytes });
    this.moved[index] = length;
  }

  private stringFault(intent: StringIntent, s: number, available: number, scratch: Buffer): OpFailure {
    this.settleString(intent, s, available, scratch);
    return { index: this.readIndex[s]!, error: memoryFault('read', intent.addr + available, available, this.tid) };
  }

  private stringUnterminated(intent: StringIntent, s: number, scratch: Buffer): OpFailure | undefined {
    this.settleString(intent, s, intent.limit, scratch);
    if (intent.onNoNul === 'truncate') return undefined;
    return { index: this.readIndex[s]!, error: new StringTooLongError(BigInt(intent.addr), intent.limit - 1) };
  }

  private gone(index: number): OpFailure {
    return { index, error: syscallError('process_vm_readv', 3, this.tid) };
  }

  // ---- registers ----

  private fetchRegisters(limit: number): OpFailure | undefined {
    const registers = this.channel.registers;
    if (registers.isValid) return undefined;
    for (let k = this.start; k < limit; k++) {
      const intent = this.intents[k]!;
      if (intent.kind === 'reg-read' || (intent.kind === 'reg-write' && !intent.whole)) {
        const errno = registers.fetch();
        return errno === 0 ? undefined : { index: k, error: syscallError('PTRACE_GETREGS', errno, this.tid) };
      }
    }
    return undefined;
  }

  /** Register reads of the ops that ran, from the snapshot taken at the group's start (a flush
   * drops the cache but leaves the snapshot as fetched). */
  private registerReads(limit: number): void {
    for (let k = this.start; k < limit; k++) {
      const intent = this.intents[k]!;
      if (intent.kind !== 'reg-read') continue;
      this.channel.registers.read(intent.first, intent.count, intent.target);
      this.moved[k] = intent.count * WORD_SIZE;
    }
  }

  private registerWrites(limit: number): OpFailure | undefined {
    const indexes: number[] = [];
    const writes: RegisterWriteIntent[] = [];
    for (let k = this.start; k < limit; k++) {
      const intent = this.intents[k]!;
      if (intent.kind !== 'reg-write') continue;
      indexes.push(k);
      writes.push(intent);
      this.moved[k] = intent.count * WORD_SIZE;
    }
    const failed = this.channel.registers.flush(writes);
    if (!failed) return undefined;
    const index = indexes[failed.position]!;
    this.moved[index] = failed.wordsDone * WORD_SIZE;
    return { index, error: syscallError(failed.operation, failed.errno, this.tid) };
  }

  // ---- memory writes ----

  private memoryWrites(limit: number): OpFailure | undefined {
    const { kernel } = this.channel;
    const { segments, plan } = this.channel.workspace;
    const indexes: number[] = [];
    segments.clear();
    for (let k = this.start; k < limit; k++) {
      const intent = this.intents[k]!;
      if (intent.kind !== 'write' || intent.data.length === 0) continue;
      indexes.push(k);
      segments.push(intent.addr, intent.data.length, kernel.address(intent.data));
      this.moved[k] = intent.data.length;
    }
    if (segments.count === 0) return undefined;
    let fault;
    try {
      fault = this.channel.stream.write(planWrites(segments, plan));
    } catch (error) {
      if (error instanceof TraceeVanished) return { index: indexes[0]!, error: syscallError('process_vm_writev', error.errno, this.tid) };
      throw error;
    }
    if (!fault) return undefined;
    const index = indexes[fault.owner]!;
    const intent = this.intents[index] as WriteIntent;
    const delivered = fault.written - (fault.written % intent.granule);
    this.moved[index] = delivered;
    return { index, error: memoryFault('write', intent.addr + delivered, delivered, this.tid) };
  }
}
