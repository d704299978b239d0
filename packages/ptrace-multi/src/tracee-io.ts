// One object per tracee for sysvm and umview-lite: single operations as batches of one, the
// batching policy in one place, and the tracee's cumulative counters.
import type { Tracee } from '@umview/ptrace-core';
import { Batch, type Address, type BatchOptions } from './batch/batch.js';
import { channelFor, type TraceeChannel } from './io/channel.js';
import { quickCString, quickCStringBytes, quickRead, quickWord, quickWrite } from './io/single-op.js';

/** Single ops up to this size skip the planner (one system call when they complete). */
const QUICK_LIMIT = 1 << 20;
const DEFAULT_STRING_MAX = 4096;
import type { TraceeCounters } from './stats/counters.js';

export class TraceeIO {
  /** The last string readCStringBytes read, while the thread has not run since and nothing was
   * written through this object: a readCString of it decodes these bytes instead of reading
   * them again (a tracer that looks at a path before deciding to handle the call reads it
   * once). */
  private lastAddress = -1;
  private lastResumes = -1;
  private lastBytes: Buffer | undefined;
  /** Whether batches of this tracee are planned (false: the 2006 way). */
  readonly batching: boolean;
  /** The tracee's channel, looked up once (single ops run at nearly every stop). */
  private readonly channel: TraceeChannel;

  constructor(readonly tracee: Tracee, private readonly options: BatchOptions = {}) {
    this.batching = options.batching !== false;
    this.channel = channelFor(tracee);
  }

  /** A new batch with this object's policy. */
  batch(): Batch {
    this.lastBytes = undefined; // it may write
    return new Batch(this.tracee, this.options);
  }

  read(addr: Address, length: number): Buffer {
    if (this.batching && length <= QUICK_LIMIT) {
      const quick = quickRead(this.channel, Number(addr), length);
      if (quick) return quick;
    }
    return this.one((b) => b.read(addr, length));
  }

  readCString(addr: Address, maxLength?: number): string {
    const last = this.lastBytes;
    if (last !== undefined && Number(addr) === this.lastAddress && this.tracee.resumes === this.lastResumes && last.length <= (maxLength ?? DEFAULT_STRING_MAX)) {
      return last.toString('utf8');
    }
    if (this.batching) {
      const quick = quickCString(this.channel, Number(addr), maxLength ?? DEFAULT_STRING_MAX);
      if (quick !== undefined) return quick;
    }
    return this.one((b) => b.readCString(addr, maxLength));
  }

  /** readCString's bytes (NUL excluded), undecoded: for a caller that only inspects them (and
   * does not modify them: a readCString of the same string at the same stop decodes them). */
  readCStringBytes(addr: Address, maxLength?: number): Buffer {
    if (this.batching) {
      const quick = quickCStringBytes(this.channel, Number(addr), maxLength ?? DEFAULT_STRING_MAX);
      if (quick !== undefined) {
        this.lastAddress = Number(addr);
        this.lastResumes = this.tracee.resumes;
        this.lastBytes = quick;
        return quick;
      }
    }
    return this.one((b) => b.readCStringBytes(addr, maxLength));
  }

  readWord(addr: Address): bigint {
    if (this.batching) {
      const quick = quickWord(this.channel, Number(addr));
      if (quick !== undefined) return quick;
    }
    return this.one((b) => b.readWord(addr));
  }

  write(addr: Address, data: Uint8Array): void {
    this.lastBytes = undefined;
    if (this.batching && data.length <= QUICK_LIMIT && quickWrite(this.channel, Number(addr), data)) return;
    this.one((b) => b.write(addr, data));
  }

  writeWord(addr: Address, value: bigint): void {
    this.one((b) => b.writeWord(addr, value));
  }

  /** Fills as much of `target` as is readable from `addr` on and returns the count (a fault
   * ends the read, it is not an error): one process_vm_readv, or PEEKs in the 2006 mode. */
  readInto(addr: Address, target: Uint8Array): number {
    return this.one((b) => b.readInto(addr, target, { partial: true }));
  }

  /** Cumulative over every batch of this tracee, whatever ran it. */
  get counters(): Readonly<TraceeCounters> {
    return this.channel.counters;
  }

  /** Runs a batch of one op and returns its value, or throws its error. */
  private one<T>(queue: (batch: Batch) => { readonly value: T }): T {
    const batch = this.batch();
    const handle = queue(batch);
    batch.run();
    return handle.value;
  }
}

/** The cumulative counters of a tracee: every batch that ran on it, through ptraceMulti(),
 * Batch or TraceeIO. */
export function countersFor(tracee: Tracee): Readonly<TraceeCounters> {
  return channelFor(tracee).counters;
}
