// The contract: a batch gives exactly what the same requests issued one by one give. Random
// request sequences over a region with a hole, a read-only page and a PROT_NONE page (strings
// that end before a page end and strings that run into one, reads and writes that overlap and
// cross pages, register ops and other requests in between) run twice on the same stopped
// tracee, once the 2006 way and once batched, from the same memory and registers; results,
// errors, buffers, final memory and final registers must be identical.
//
// Fixed seed; PTRACE_MULTI_RUNS and PTRACE_MULTI_SEED override the run count and seed. On a
// failure fast-check prints the seed and the shrunk sequence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryAccessError, PAGE_SIZE, PTRACE, PtraceError, Registers, arch } from '@umview/ptrace-core';
import { getLibc, pinnedBuffer } from '@umview/ptrace-core/internal';
import {
  Batch, PTRACE_PEEKCHARDATA, PTRACE_PEEKSTRINGDATA, PTRACE_POKECHARDATA, USER_DEBUGREG_OFFSET,
  ptraceMulti, type Handle, type PtraceMultiOp, type PtraceMultiResult,
} from '@umview/ptrace-multi';
import { missing } from '@umview/test-fixtures/machine';
import { restoreRegion, snapshotRegion, startRegions, type Regions } from './helpers.js';

// Registers go through PTRACE_GETREGS/SETREGS, which always use the 64-bit layout: a random
// sequence may set cs to 0x23, after which GETREGSET/SETREGSET (ptrace-core's getRegisters)
// switch to the 32-bit user_regs_struct of a compat task.
function getRegs(): Buffer {
  const buf = pinnedBuffer(27 * 8);
  if (getLibc().ptraceBuf(PTRACE.GETREGS, r.tracee.tid, 0, buf) !== 0) throw new Error('GETREGS failed');
  return Buffer.from(buf);
}

function setRegs(bytes: Uint8Array): void {
  const buf = pinnedBuffer(27 * 8);
  buf.set(bytes.subarray(0, 27 * 8));
  if (getLibc().ptraceBuf(PTRACE.SETREGS, r.tracee.tid, 0, buf) !== 0) throw new Error(`SETREGS failed: errno ${getLibc().errno()}`);
}

const SEED = Number(process.env.PTRACE_MULTI_SEED ?? 20060518);
const RUNS = Number(process.env.PTRACE_MULTI_RUNS ?? 1500);
const REG = arch.REGISTER_INDEX;

let r: Regions;
let initialMemory: (Buffer | undefined)[];
let initialRegisters: Registers;
let initialDebug: bigint[];

beforeAll(() => {
  r = startRegions();
  initialMemory = snapshotRegion(r);
  initialRegisters = new Registers(getRegs());
  initialDebug = [0, 1, 2, 3].map((k) => r.tracee.peekUser(USER_DEBUGREG_OFFSET + 8 * k));
});
afterAll(() => r?.tracer.close());

function reset(): void {
  restoreRegion(r, initialMemory);
  setRegs(initialRegisters.bytes);
  initialDebug.forEach((v, k) => r.tracee.pokeUser(USER_DEBUGREG_OFFSET + 8 * k, v));
}

interface FinalState {
  memory: (Buffer | undefined)[];
  registers: Buffer;
  debug: bigint[];
}

function finalState(): FinalState {
  return {
    memory: snapshotRegion(r),
    registers: getRegs(),
    debug: [0, 1, 2, 3].map((k) => r.tracee.peekUser(USER_DEBUGREG_OFFSET + 8 * k)),
  };
}

// ---- generators ----

/** Offsets from the region's base, clustered where things happen: page edges. A tame offset
 * stays clear of the unmapped pages, so that long sequences run to their end. */
const offsetArb = (pages: number, tame = false) => tame
  ? fc.record({ page: fc.constantFrom(...Array.from({ length: pages - 1 }, (_, p) => p).filter((p) => p !== r.hole && p !== r.hole - 1)), at: fc.integer({ min: 0, max: PAGE_SIZE - 64 }) })
    .map(({ page, at }) => page * PAGE_SIZE + at)
  : fc.oneof(
  fc.record({ page: fc.integer({ min: 0, max: pages - 1 }), at: fc.integer({ min: 0, max: PAGE_SIZE - 1 }) })
    .map(({ page, at }) => page * PAGE_SIZE + at),
  fc.record({ page: fc.integer({ min: 0, max: pages }), at: fc.integer({ min: -48, max: 48 }) })
    .map(({ page, at }) => page * PAGE_SIZE + at),
);

const byteLengthArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 64 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 * PAGE_SIZE }) },
);

/** Bytes derived from a seed, with NULs sprinkled in (so writes make and break strings). */
function bytesOf(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = (x >>> 16) % 23 === 0 ? 0 : (x >>> 16) & 0xff;
  }
  return out;
}

const u64Arb = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

/** Values for a register: valid ones mostly, some the kernel refuses (selectors with the wrong
 * privilege level, zero cs/ss, non-canonical bases), eflags bits it masks. */
function registerValueArb(index: number): fc.Arbitrary<bigint> {
  const selectors = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0n, 0x2bn, 0x33n, 0x23n) },
    { weight: 1, arbitrary: fc.constantFrom(0x10n, 0x1n) },
  );
  switch (index) {
    case REG.cs:
    case REG.ss:
    case REG.ds:
    case REG.es:
    case REG.fs:
    case REG.gs:
      return selectors;
    case REG.fs_base:
    case REG.gs_base:
      return fc.oneof(
        { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: (1n << 46n) }) },
        { weight: 1, arbitrary: fc.constantFrom(1n << 63n, (1n << 64n) - 1n) },
      );
    default:
      return u64Arb;
  }
}

type Spec =
  | { t: 'peekchar'; off: number; len: number }
  | { t: 'pokechar'; off: number; len: number; seed: number }
  | { t: 'peekdata'; off: number; words: number; text: boolean }
  | { t: 'pokedata'; off: number; values: bigint[] }
  | { t: 'string'; off: number; limit: number }
  | { t: 'peekuser'; first: number; words: number }
  | { t: 'pokeuser'; first: number; values: bigint[] }
  | { t: 'odduser'; offset: number; poke: bigint | undefined }
  | { t: 'getregs' }
  | { t: 'setregs'; changes: [number, bigint][] }
  | { t: 'getsiginfo' }
  | { t: 'badrequest' }
  | { t: 'tinybuffer' }
  /** An op on the buffer of an earlier op: reads and writes must keep their order on our side
   * too. */
  | { t: 'reuse'; pick: number; off: number; write: boolean };

function specArb(pages: number, tame: boolean): fc.Arbitrary<Spec> {
  const off = offsetArb(pages, tame);
  const reg = fc.integer({ min: 0, max: 26 });
  const regWrite = reg.chain((first) => fc.integer({ min: 1, max: Math.min(3, 27 - first) }).chain((words) =>
    fc.tuple(...Array.from({ length: words }, (_, j) => registerValueArb(first + j)))
      .map((values) => ({ t: 'pokeuser' as const, first, values }))));
  return fc.oneof(
    { weight: 18, arbitrary: fc.record({ t: fc.constant('peekchar' as const), off, len: byteLengthArb }) },
    { weight: 15, arbitrary: fc.record({ t: fc.constant('pokechar' as const), off, len: byteLengthArb, seed: fc.nat() }) },
    { weight: 9, arbitrary: fc.record({ t: fc.constant('peekdata' as const), off, words: fc.integer({ min: 1, max: 24 }), text: fc.boolean() }) },
    { weight: 9, arbitrary: fc.record({ t: fc.constant('pokedata' as const), off, values: fc.array(u64Arb, { minLength: 1, maxLength: 6 }) }) },
    { weight: 15, arbitrary: fc.record({ t: fc.constant('string' as const), off, limit: fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 2 * PAGE_SIZE })) }) },
    { weight: 9, arbitrary: reg.chain((first) => fc.integer({ min: 1, max: 27 - first }).map((words) => ({ t: 'peekuser' as const, first, words }))) },
    { weight: 9, arbitrary: regWrite },
    { weight: 3, arbitrary: fc.record({
      t: fc.constant('odduser' as const),
      offset: fc.oneof(fc.integer({ min: 0, max: 3 }).map((k) => USER_DEBUGREG_OFFSET + 8 * k), fc.constantFrom(3, 5, 27 * 8 - 4)),
      poke: fc.option(fc.oneof(fc.bigInt({ min: 0n, max: 1n << 46n }), fc.constant(1n << 63n)), { nil: undefined }),
    }) },
    { weight: 6, arbitrary: fc.constant({ t: 'getregs' as const }) },
    { weight: 6, arbitrary: fc.array(reg.chain((i) => registerValueArb(i).map((v) => [i, v] as [number, bigint])), { maxLength: 3 })
      .map((changes) => ({ t: 'setregs' as const, changes })) },
    { weight: 3, arbitrary: fc.constant({ t: 'getsiginfo' as const }) },
    { weight: tame ? 0 : 1, arbitrary: fc.constant({ t: 'badrequest' as const }) },
    { weight: tame ? 0 : 1, arbitrary: fc.constant({ t: 'tinybuffer' as const }) },
    { weight: 6, arbitrary: fc.record({ t: fc.constant('reuse' as const), pick: fc.nat(), off, write: fc.boolean() }) },
  );
}

/** A marker in fresh buffers, so bytes a mode should not have written show up. */
const FILL = 0xee;

function toOps(specs: Spec[]): PtraceMultiOp[] {
  const buffers: Buffer[] = [];
  return specs.map((s): PtraceMultiOp => {
    const op = specToOp(s, buffers);
    if (Buffer.isBuffer(op.localaddr) && op.localaddr.length > 0) buffers.push(op.localaddr);
    return op;
  });
}

function specToOp(s: Spec, buffers: Buffer[]): PtraceMultiOp {
    const at = (off: number) => BigInt(r.base + off);
    switch (s.t) {
      case 'reuse': {
        const buffer = buffers.length > 0 ? buffers[s.pick % buffers.length]!.subarray(0, 3 * PAGE_SIZE) : Buffer.alloc(0);
        return { request: s.write ? PTRACE_POKECHARDATA : PTRACE_PEEKCHARDATA, addr: at(s.off), localaddr: buffer, length: buffer.length };
      }
      case 'peekchar': return { request: PTRACE_PEEKCHARDATA, addr: at(s.off), localaddr: Buffer.alloc(s.len, FILL), length: s.len };
      case 'pokechar': return { request: PTRACE_POKECHARDATA, addr: at(s.off), localaddr: bytesOf(s.seed, s.len), length: s.len };
      case 'peekdata': return { request: s.text ? PTRACE.PEEKTEXT : PTRACE.PEEKDATA, addr: at(s.off), localaddr: Buffer.alloc(8 * s.words, FILL), length: s.words };
      case 'pokedata': {
        const data = Buffer.alloc(8 * s.values.length);
        s.values.forEach((v, j) => data.writeBigUInt64LE(v, 8 * j));
        return { request: PTRACE.POKEDATA, addr: at(s.off), localaddr: data, length: s.values.length };
      }
      case 'string': return { request: PTRACE_PEEKSTRINGDATA, addr: at(s.off), localaddr: Buffer.alloc(s.limit, FILL), length: s.limit };
      case 'peekuser': return { request: PTRACE.PEEKUSER, addr: 8 * s.first, localaddr: Buffer.alloc(8 * s.words, FILL), length: s.words };
      case 'pokeuser': {
        const data = Buffer.alloc(8 * s.values.length);
        s.values.forEach((v, j) => data.writeBigUInt64LE(v, 8 * j));
        return { request: PTRACE.POKEUSER, addr: 8 * s.first, localaddr: data, length: s.values.length };
      }
      case 'odduser': return s.poke === undefined
        ? { request: PTRACE.PEEKUSER, addr: s.offset, localaddr: Buffer.alloc(8, FILL), length: 1 }
        : { request: PTRACE.POKEUSER, addr: s.offset, localaddr: s.poke, length: 1 };
      case 'getregs': return { request: PTRACE.GETREGS, addr: 0, localaddr: Buffer.alloc(27 * 8, FILL), length: 0 };
      case 'setregs': {
        const regs = initialRegisters.clone();
        for (const [i, v] of s.changes) regs.words[i] = v;
        return { request: PTRACE.SETREGS, addr: 0, localaddr: Buffer.from(regs.bytes), length: 0 };
      }
      case 'getsiginfo': return { request: PTRACE.GETSIGINFO, addr: 0, localaddr: Buffer.alloc(128, FILL), length: 0 };
      case 'badrequest': return { request: 0x42ff, addr: 0, localaddr: null, length: 0 };
      case 'tinybuffer': return { request: PTRACE_PEEKCHARDATA, addr: BigInt(r.base), localaddr: Buffer.alloc(4), length: 16 };
    }
}

function describeError(error: Error | undefined): unknown {
  if (!error) return undefined;
  return {
    class: error.constructor.name,
    errno: error instanceof PtraceError ? error.errno : undefined,
    address: error instanceof MemoryAccessError ? error.address : undefined,
    transferred: error instanceof MemoryAccessError ? error.transferred : undefined,
  };
}

/** What a run shows: everything one-by-one execution defines. */
function observe(ops: PtraceMultiOp[], result: PtraceMultiResult) {
  const ran = result.failed ? result.failed.index + 1 : ops.length;
  return {
    completed: result.completed,
    failed: result.failed && { index: result.failed.index, errno: result.failed.errno, code: result.failed.code, error: describeError(result.failed.error) },
    results: result.results,
    // Buffers of the ops that ran (after a failure the rest are unspecified in batched mode).
    buffers: ops.slice(0, ran).map((op) => (op.localaddr instanceof Uint8Array ? Buffer.from(op.localaddr).toString('hex') : undefined)),
    ops: result.stats.ops,
    bytes: result.stats.bytes,
    oneByOneSyscalls: result.stats.oneByOneSyscalls,
  };
}

/** Runs the specs once the 2006 way and once batched, from the same state, and expects the same
 * results, buffers, errors and final state. Returns the batched result and the counts. */
function expectEquivalent(specs: Spec[]) {
  reset();
  const slowOps = toOps(specs);
  const slow = ptraceMulti(r.tracee, slowOps, { batching: false });
  const slowState = finalState();
  reset();
  const fastOps = toOps(specs);
  const fast = ptraceMulti(r.tracee, fastOps);
  const fastState = finalState();
  expect(observe(fastOps, fast)).toEqual(observe(slowOps, slow));
  expect(fastState.registers.toString('hex')).toBe(slowState.registers.toString('hex'));
  expect(fastState.debug).toEqual(slowState.debug);
  fastState.memory.forEach((page, p) => expect(page?.toString('hex'), `page ${p}`).toBe(slowState.memory[p]?.toString('hex')));
  // The 2006 mode issues exactly what the counter says one-by-one costs.
  expect(slow.stats.syscalls).toBe(slow.stats.oneByOneSyscalls);
  return { fast, slow, slowOps };
}

describe('batched and one-by-one execution are equivalent', () => {
  it(`on random PTRACE_MULTI arrays (seed ${SEED}, ${RUNS} runs)`, () => {
    let batchedCalls = 0;
    let oneByOneCalls = 0;
    let failures = 0;
    fc.assert(
      fc.property(fc.boolean().chain((tame) => fc.array(specArb(r.pages, tame), { minLength: 1, maxLength: 30, size: 'max' })), (specs) => {
        const { fast, slow } = expectEquivalent(specs);
        batchedCalls += fast.stats.syscalls;
        oneByOneCalls += slow.stats.syscalls;
        if (fast.failed) failures++;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The runs must have exercised failures and saved calls, or the test proves little.
    expect(failures).toBeGreaterThan(RUNS / 10);
    expect(batchedCalls * 5).toBeLessThan(oneByOneCalls);
  });

  // Found on a CPU without FSGSBASE (seed 20060518, case 128): there the kernel reads fs_base
  // and gs_base through the descriptor of a non-zero fs or gs selector, so after fs = 0x2b
  // one-by-one PEEKUSER gives fs_base 0 where a register snapshot taken before the write gave
  // the thread's TLS base. On a CPU with FSGSBASE both read the stored base; the planner's own
  // test (planner.test.ts) pins the cut on every machine.
  it.each([
    ['fs_base', 'fs'],
    ['gs_base', 'gs'],
  ] as const)('reads %s after a write of the %s selector as the kernel does', (base, selector) => {
    const stored = 0x1234_5000n;
    const { slowOps } = expectEquivalent([
      { t: 'pokeuser', first: REG[base], values: [stored] },
      { t: 'getsiginfo' }, // a barrier: the selector's write and the read below start a group
      { t: 'pokeuser', first: REG[selector], values: [0x2bn] },
      { t: 'peekuser', first: REG.ss, words: 3 },
      { t: 'getregs' },
    ]);
    const read = Buffer.from(slowOps[3]!.localaddr as Uint8Array).readBigUInt64LE(8 * (REG[base] - REG.ss));
    // The kernel's truth, whichever the CPU: the stored base with FSGSBASE, the base of the
    // descriptor that selector 0x2b names (the flat user data segment: 0) without it.
    expect(read).toBe(missing.fsgsbase() === undefined ? stored : 0n);
  });
});

// ---- the builder, same contract ----

type BuilderSpec =
  | { t: 'read'; off: number; len: number }
  | { t: 'readInto'; off: number; len: number; partial: boolean }
  | { t: 'readWord'; off: number }
  | { t: 'cstring'; off: number; max: number }
  | { t: 'write'; off: number; len: number; seed: number }
  | { t: 'writeWord'; off: number; value: bigint }
  | { t: 'getRegisters' }
  | { t: 'getRegister'; index: number }
  | { t: 'setRegister'; index: number; value: bigint }
  | { t: 'iovecs'; off: number; count: number }
  | { t: 'siginfo' };

function builderSpecArb(pages: number, tame: boolean): fc.Arbitrary<BuilderSpec> {
  const off = offsetArb(pages, tame);
  const reg = fc.integer({ min: 0, max: 26 });
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ t: fc.constant('read' as const), off, len: byteLengthArb }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('readInto' as const), off, len: byteLengthArb, partial: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('readWord' as const), off }) },
    { weight: 5, arbitrary: fc.record({ t: fc.constant('cstring' as const), off, max: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constant(4096)) }) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('write' as const), off, len: byteLengthArb, seed: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('writeWord' as const), off, value: u64Arb }) },
    { weight: 2, arbitrary: fc.constant({ t: 'getRegisters' as const }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('getRegister' as const), index: reg }) },
    { weight: 2, arbitrary: reg.chain((index) => registerValueArb(index).map((value) => ({ t: 'setRegister' as const, index, value }))) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('iovecs' as const), off, count: fc.integer({ min: 0, max: 4 }) }) },
    { weight: 1, arbitrary: fc.constant({ t: 'siginfo' as const }) },
  );
}

function queue(batch: Batch, specs: BuilderSpec[]): Handle<unknown>[] {
  const names = arch.REGISTER_NAMES;
  return specs.map((s) => {
    const at = r.base + ('off' in s ? s.off : 0);
    switch (s.t) {
      case 'read': return batch.read(at, s.len);
      case 'readInto': return batch.readInto(at, Buffer.alloc(s.len, FILL), { partial: s.partial });
      case 'readWord': return batch.readWord(at);
      case 'cstring': return batch.readCString(BigInt(at), s.max);
      case 'write': return batch.write(at, bytesOf(s.seed, s.len));
      case 'writeWord': return batch.writeWord(at, s.value);
      case 'getRegisters': return batch.getRegisters();
      case 'getRegister': return batch.getRegister(names[s.index]!);
      case 'setRegister': return batch.setRegister(names[s.index]!, s.value);
      case 'iovecs': return batch.readIovecs(at, s.count);
      case 'siginfo': return batch.request(PTRACE.GETSIGINFO, 0, Buffer.alloc(128));
    }
  });
}

function settled(handle: Handle<unknown>): unknown {
  if (!handle.ok) return { error: describeError(handle.error), name: handle.error?.name };
  const v = handle.value;
  if (v instanceof Registers) return Buffer.from(v.bytes).toString('hex');
  if (Buffer.isBuffer(v)) return v.toString('hex');
  return v;
}

describe('the builder keeps the contract', () => {
  it(`on random builder batches (seed ${SEED + 1})`, () => {
    fc.assert(
      fc.property(fc.boolean().chain((tame) => fc.array(builderSpecArb(r.pages, tame), { minLength: 1, maxLength: 30, size: 'max' })), (specs) => {
        reset();
        const slowBatch = new Batch(r.tracee, { batching: false });
        const slowHandles = queue(slowBatch, specs);
        const slow = slowBatch.run();
        const slowState = finalState();
        reset();
        const fastBatch = new Batch(r.tracee);
        const fastHandles = queue(fastBatch, specs);
        const fast = fastBatch.run();
        const fastState = finalState();
        expect({ ...fast, error: describeError(fast.error), stats: undefined }).toEqual({ ...slow, error: describeError(slow.error), stats: undefined });
        expect(fastHandles.map(settled)).toEqual(slowHandles.map(settled));
        expect(fast.stats.oneByOneSyscalls).toBe(slow.stats.oneByOneSyscalls);
        expect(slow.stats.syscalls).toBe(slow.stats.oneByOneSyscalls);
        expect(fastState.registers.toString('hex')).toBe(slowState.registers.toString('hex'));
        fastState.memory.forEach((page, p) => expect(page?.toString('hex'), `page ${p}`).toBe(slowState.memory[p]?.toString('hex')));
      }),
      { seed: SEED + 1, numRuns: Math.ceil(RUNS / 2), endOnFailure: true },
    );
  });
});
