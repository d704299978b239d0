// The fluent batch builder: queue reads, writes and register ops, run() once, read each
// handle's typed value. What sysvm, umview-lite and the DAP server call.
//
//   const b = new Batch(tracee);
//   const regs = b.getRegisters();
//   const path = b.readCString(pathAddress);
//   const buf = b.read(bufferAddress, 64);
//   b.run();                        // one GETREGS and one process_vm_readv
//   regs.value.rdi; path.value; buf.value;
import { PTRACE, Registers, arch, type RegisterName, type Tracee } from '@umview/ptrace-core';
import { USER_REGS_SIZE, USER_REGS_WORDS, WORD_SIZE } from '../arch/x86_64.js';
import { address, translate } from '../abi/translate.js';
import { execute } from '../exec/execute.js';
import type { ExecResult } from '../exec/result.js';
import { readIntent, stringIntent, writeIntent, type Intent, type ReadIntent, type StringIntent } from '../ops/intents.js';
import type { BatchStats } from '../stats/counters.js';
import { OpHandle, type Handle } from './handle.js';
import { IOVEC, type StructLayout } from './struct-layout.js';

export interface BatchOptions {
  /** true (default): as few system calls as the kernel allows; false: the 2006 way, one ptrace
   * call per word or request (umview-lite's --no-multi). */
  batching?: boolean;
}

export interface BatchResult {
  readonly ok: boolean;
  /** Ops that completed, in queue order. */
  readonly completed: number;
  /** The op that failed: the ones before it completed, the ones after did not run. */
  readonly failedIndex?: number;
  readonly error?: Error;
  readonly stats: BatchStats;
}

export type Address = bigint | number;

interface Entry {
  readonly intent: Intent;
  readonly handle: OpHandle<unknown>;
  /** Turns the executed op into its handle's value. */
  readonly settle: (run: ExecResult, index: number) => unknown;
}

export class Batch {
  private readonly entries: Entry[] = [];
  private result: BatchResult | undefined;

  constructor(readonly tracee: Tracee, private readonly options: BatchOptions = {}) {}

  /** Ops queued so far. */
  get size(): number {
    return this.entries.length;
  }

  // ---- memory reads ----

  /** `length` bytes; fails at the first byte that cannot be read. */
  read(addr: Address, length: number): Handle<Buffer> {
    const intent = this.readOp(addr, length, undefined, 1, false);
    return this.push(intent, 'read', () => (intent as ReadIntent).target as Buffer);
  }

  /** Fills `target`; its value is the bytes read. With `partial`, a fault ends the read without
   * failing the op (the count says how far it got). */
  readInto(addr: Address, target: Uint8Array, options: { partial?: boolean } = {}): Handle<number> {
    const intent = this.readOp(addr, target.length, target, 1, options.partial ?? false);
    return this.push(intent, 'readInto', (run, i) => run.moved[i]!);
  }

  /** One word, as PTRACE_PEEKDATA reads it (fails unless all 8 bytes are readable). */
  readWord(addr: Address): Handle<bigint> {
    const intent = this.readOp(addr, WORD_SIZE, undefined, WORD_SIZE, false);
    return this.push(intent, 'readWord', () => ((intent as ReadIntent).target as Buffer).readBigUInt64LE(0));
  }

  /** A NUL-terminated string of at most `maxLength` bytes (NUL excluded), decoded as UTF-8.
   * Fails with StringTooLongError if no NUL comes within `maxLength` + 1 bytes. */
  readCString(addr: Address, maxLength = 4096): Handle<string> {
    const intent = this.stringOp(addr, maxLength);
    return this.push(intent, 'readCString', () => stringBytes(intent).toString('utf8'));
  }

  /** readCString's bytes, NUL excluded. */
  readCStringBytes(addr: Address, maxLength = 4096): Handle<Buffer> {
    const intent = this.stringOp(addr, maxLength);
    return this.push(intent, 'readCStringBytes', () => stringBytes(intent));
  }

  /** `count` struct iovecs (readv/writev/process_vm_* arguments). */
  readIovecs(addr: Address, count: number): Handle<{ base: bigint; length: bigint }[]> {
    const intent = this.readOp(addr, count * IOVEC.size, undefined, 1, false);
    return this.push(intent, 'readIovecs', () => {
      const bytes = (intent as ReadIntent).target as Buffer;
      const out: { base: bigint; length: bigint }[] = [];
      for (let k = 0; k < count; k++) out.push(IOVEC.decode(bytes.subarray(k * IOVEC.size)));
      return out;
    });
  }

  /** A struct described by a layout (see `struct()`). */
  readStruct<T>(addr: Address, layout: StructLayout<T>): Handle<T> {
    const intent = this.readOp(addr, layout.size, undefined, 1, false);
    return this.push(intent, 'readStruct', () => layout.decode((intent as ReadIntent).target as Buffer));
  }

  // ---- memory writes ----

  /** Writes `data` (read at run() time: do not change it before). Read-only pages are written
   * too, as PTRACE_POKEDATA would. */
  write(addr: Address, data: Uint8Array): Handle<void> {
    const at = address(addr, 'write', this.tracee.tid);
    const intent: Intent = typeof at === 'number'
      ? writeIntent(at, data, 1, PTRACE.POKEDATA)
      : at;
    return this.push(intent, 'write', () => undefined);
  }

  /** One word, as PTRACE_POKEDATA writes it. */
  writeWord(addr: Address, value: bigint): Handle<void> {
    const data = Buffer.alloc(WORD_SIZE);
    data.writeBigUInt64LE(BigInt.asUintN(64, value));
    const at = address(addr, 'write', this.tracee.tid);
    const intent: Intent = typeof at === 'number'
      ? writeIntent(at, data, WORD_SIZE, PTRACE.POKEDATA)
      : at;
    return this.push(intent, 'writeWord', () => undefined);
  }

  /** Encodes and writes a struct. */
  writeStruct<T>(addr: Address, layout: StructLayout<T>, value: T): Handle<void> {
    return this.write(addr, layout.encode(value));
  }

  // ---- registers ----

  /** The general registers (fetched once per batch, between barriers, however many register
   * reads are queued). The value is a Registers of its own, safe to keep. */
  getRegisters(): Handle<Registers> {
    const target = Buffer.alloc(USER_REGS_SIZE);
    const intent: Intent = { kind: 'reg-read', first: 0, count: USER_REGS_WORDS, target, whole: true };
    return this.push(intent, 'getRegisters', () => new Registers(target));
  }

  /** Sets every general register (copied now: `regs` may be reused). */
  setRegisters(regs: Registers): Handle<void> {
    const source = Buffer.from(regs.bytes.subarray(0, USER_REGS_SIZE));
    const intent: Intent = { kind: 'reg-write', first: 0, count: USER_REGS_WORDS, source, whole: true };
    return this.push(intent, 'setRegisters', () => undefined);
  }

  /** One general register by name. */
  getRegister(name: RegisterName): Handle<bigint> {
    return this.peekUser(arch.REGISTER_INDEX[name] * WORD_SIZE);
  }

  /** Sets one general register; the others are kept. */
  setRegister(name: RegisterName, value: bigint): Handle<void> {
    return this.pokeUser(arch.REGISTER_INDEX[name] * WORD_SIZE, value);
  }

  /** PTRACE_PEEKUSER: a word of `struct user`. General registers come from the batch's register
   * fetch; other offsets (debug registers at 848...) are their own call. */
  peekUser(offset: number): Handle<bigint> {
    const bytes = Buffer.alloc(WORD_SIZE);
    const intent = translate({ request: PTRACE.PEEKUSER, addr: offset, localaddr: bytes, length: 1 }, this.tracee.tid);
    return this.push(intent, 'peekUser', () => bytes.readBigUInt64LE(0));
  }

  /** PTRACE_POKEUSER. */
  pokeUser(offset: number, value: bigint): Handle<void> {
    const intent = translate({ request: PTRACE.POKEUSER, addr: offset, localaddr: BigInt.asUintN(64, value), length: 1 }, this.tracee.tid);
    return this.push(intent, 'pokeUser', () => undefined);
  }

  // ---- anything else ----

  /** Any other ptrace request, issued in its turn: a barrier (nothing is moved across it).
   * `data` is an integer (a signal, options) or a buffer whose address is passed. The value is
   * what ptrace returned. A resuming request (CONT, SYSCALL...) ends what later memory and
   * register ops can do: they fail with ESRCH. */
  request(ptraceRequest: number, addr: Address, data: bigint | number | Uint8Array): Handle<number> {
    const intent = translate({ request: ptraceRequest, addr, localaddr: data, length: 0 }, this.tracee.tid);
    return this.push(intent, 'request', (run, i) => run.returns[i] ?? 0);
  }

  // ---- running ----

  /** Executes every queued op, in order, in as few system calls as the kernel allows (or one
   * by one). Never throws for an op's own failure: the failing op's handle holds the error and
   * the ops after it do not run. A batch runs once. */
  run(): BatchResult {
    if (this.result) throw new Error('this batch has already run');
    const intents = this.entries.map((e) => e.intent);
    const run = execute(this.tracee, intents, this.options);
    const failure = run.failure;
    for (let k = 0; k < this.entries.length; k++) {
      const entry = this.entries[k]!;
      if (k < run.completed) {
        try {
          entry.handle.resolve(entry.settle(run, k));
        } catch (error) {
          entry.handle.reject(error as Error);
        }
      } else if (k === failure?.index) {
        entry.handle.reject(failure.error);
      } else {
        entry.handle.skip(failure!.index);
      }
    }
    this.result = failure
      ? { ok: false, completed: run.completed, failedIndex: failure.index, error: failure.error, stats: run.stats }
      : { ok: true, completed: run.completed, stats: run.stats };
    return this.result;
  }

  private push<T>(intent: Intent, method: string, settle: (run: ExecResult, index: number) => T): Handle<T> {
    if (this.result) throw new Error('this batch has already run: start a new one');
    const handle = new OpHandle<T>(method, this.entries.length);
    this.entries.push({ intent, handle: handle as OpHandle<unknown>, settle });
    return handle;
  }

  private readOp(addr: Address, length: number, target: Uint8Array | undefined, granule: 1 | 8, partial: boolean): Intent {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`length ${length} is not a byte count`);
    const at = address(addr, 'read', this.tracee.tid);
    if (typeof at !== 'number') return at;
    return readIntent(at, length, target, granule, partial, PTRACE.PEEKDATA);
  }

  private stringOp(addr: Address, maxLength: number): Intent {
    if (!Number.isSafeInteger(maxLength) || maxLength < 0) throw new RangeError(`maxLength ${maxLength} is not a byte count`);
    const at = address(addr, 'read', this.tracee.tid);
    if (typeof at !== 'number') return at;
    // maxLength characters and the NUL.
    return stringIntent(at, maxLength + 1, undefined, 'fail', PTRACE.PEEKDATA);
  }
}

/** The string's bytes without its NUL. */
function stringBytes(intent: Intent): Buffer {
  const bytes = (intent as StringIntent).result!;
  return bytes.subarray(0, bytes.length - 1);
}
