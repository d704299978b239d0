// Fuzz target: the PTRACE_MULTI request decoder and executor (ptraceMulti), differentially. The
// input is decoded into a request array (memory ops over a region with a hole, a read-only and
// a PROT_NONE page; register, user-area and passthrough requests; malformed ops) that runs twice
// on one live, stopped tracee started once per fuzzing process: the 2006 way (one ptrace call
// per word) and batched, from the same memory and registers. The contract is the package's:
// ptraceMulti never throws for an op's failure, and both modes give identical results, errors,
// buffers, memory and registers.
//
// The tracee is test/fixtures/memory-regions.c of ptrace-multi, compiled by run.mjs
// (FUZZ_REGIONS_BIN). Requests that would resume or detach it, or make the kernel write through
// a pointer of ours that the input chose (GETREGSET's iovec), are not generated.
'use strict';

const { readFileSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const core = require('@umview/ptrace-core');
const { getLibc, pinnedBuffer } = require('@umview/ptrace-core/internal');
const multi = require('@umview/ptrace-multi');

const { PAGE_SIZE, PTRACE, SIGNALS, Tracer, Registers, arch, MemoryAccessError, PtraceError } = core;
const { ptraceMulti, PTRACE_PEEKCHARDATA, PTRACE_POKECHARDATA, PTRACE_PEEKSTRINGDATA, USER_DEBUGREG_OFFSET } = multi;

const program = process.env.FUZZ_REGIONS_BIN;
if (!program) throw new Error('FUZZ_REGIONS_BIN is not set: run this target through tools/fuzz/run.mjs');

// ---- the tracee, started once ----

const dir = mkdtempSync(join(tmpdir(), 'umview-fuzz-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'out.txt');
const tracer = new Tracer();
const tracee = tracer.spawn(program, [], { stdout: { path: out } });
tracee.cont();
let region;
for (const stop of tracer.stops()) {
  if (stop.kind === 'signal' && stop.signal === SIGNALS.SIGUSR1) {
    const [base, pages, hole] = readFileSync(out, 'utf8').trim().split(' ').map((h) => Number(h));
    region = { base, pages, hole };
    break;
  }
  stop.tracee.cont(stop.kind === 'signal' ? stop.signal : 0);
}
if (!region) throw new Error('memory-regions never reached its SIGUSR1 stop');

function getRegs() {
  const buf = pinnedBuffer(27 * 8);
  if (getLibc().ptraceBuf(PTRACE.GETREGS, tracee.tid, 0, buf) !== 0) throw new Error('GETREGS failed');
  return Buffer.from(buf);
}
function setRegs(bytes) {
  const buf = pinnedBuffer(27 * 8);
  buf.set(bytes.subarray(0, 27 * 8));
  if (getLibc().ptraceBuf(PTRACE.SETREGS, tracee.tid, 0, buf) !== 0) throw new Error(`SETREGS failed: errno ${getLibc().errno()}`);
}
const pageAt = (p) => region.base + p * PAGE_SIZE;
function snapshot() {
  const pages = [];
  for (let p = 0; p < region.pages; p++) pages.push(p === region.hole ? undefined : tracee.read(pageAt(p), PAGE_SIZE));
  return pages;
}
const DEBUG = [0, 1, 2, 3].map((k) => USER_DEBUGREG_OFFSET + 8 * k);
const initial = { memory: snapshot(), registers: new Registers(getRegs()), debug: DEBUG.map((at) => tracee.peekUser(at)) };
function reset() {
  initial.memory.forEach((bytes, p) => bytes && tracee.write(pageAt(p), bytes));
  setRegs(initial.registers.bytes);
  initial.debug.forEach((value, k) => tracee.pokeUser(DEBUG[k], value));
}
function finalState() {
  return {
    memory: snapshot().map((page) => page?.toString('hex')),
    registers: getRegs().toString('hex'),
    debug: DEBUG.map((at) => tracee.peekUser(at)),
  };
}

// ---- input -> request array ----

class Input {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }
  get done() {
    return this.at >= this.bytes.length;
  }
  u8() {
    return this.at < this.bytes.length ? this.bytes[this.at++] : 0;
  }
  u16() {
    return this.u8() | (this.u8() << 8);
  }
  u64() {
    let v = 0n;
    for (let i = 0; i < 8; i++) v |= BigInt(this.u8()) << BigInt(8 * i);
    return v;
  }
  pick(list) {
    return list[this.u8() % list.length];
  }
}

const REG = arch.REGISTER_INDEX;
const SELECTORS = new Set([REG.cs, REG.ss, REG.ds, REG.es, REG.fs, REG.gs]);
function registerValue(input, index) {
  if (SELECTORS.has(index)) return input.pick([0n, 0x2bn, 0x33n, 0x23n, 0x10n, 0x1n]);
  if (index === REG.fs_base || index === REG.gs_base) return input.u8() % 5 === 0 ? input.pick([1n << 63n, (1n << 64n) - 1n]) : input.u64() & ((1n << 46n) - 1n);
  return input.u64();
}
function offset(input) {
  if (input.u8() & 1) return (input.u8() % region.pages) * PAGE_SIZE + (input.u16() % PAGE_SIZE);
  return (input.u8() % (region.pages + 1)) * PAGE_SIZE + ((input.u8() % 97) - 48);
}
const byteLength = (input) => (input.u8() % 4 === 0 ? input.u16() % (3 * PAGE_SIZE) : input.u8() % 65);
function bytesOf(seed, length) {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = (x >>> 16) % 23 === 0 ? 0 : (x >>> 16) & 0xff;
  }
  return out;
}
const words = (values) => {
  const data = Buffer.alloc(8 * values.length);
  values.forEach((v, j) => data.writeBigUInt64LE(v, 8 * j));
  return data;
};
const FILL = 0xee;

/** A deterministic op list (each call builds fresh buffers: the two modes must not share). */
function decode(bytes) {
  const input = new Input(bytes);
  const ops = [];
  const buffers = [];
  const at = (off) => BigInt(region.base + off);
  while (!input.done && ops.length < 30) {
    let op;
    switch (input.u8() % 16) {
      case 0: { const off = offset(input); const len = byteLength(input); op = { request: PTRACE_PEEKCHARDATA, addr: at(off), localaddr: Buffer.alloc(len, FILL), length: len }; break; }
      case 1: { const off = offset(input); const len = byteLength(input); op = { request: PTRACE_POKECHARDATA, addr: at(off), localaddr: bytesOf(input.u16(), len), length: len }; break; }
      case 2: { const off = offset(input); const n = 1 + (input.u8() % 24); op = { request: input.u8() & 1 ? PTRACE.PEEKTEXT : PTRACE.PEEKDATA, addr: at(off), localaddr: Buffer.alloc(8 * n, FILL), length: n }; break; }
      case 3: { const off = offset(input); const n = 1 + (input.u8() % 6); const values = Array.from({ length: n }, () => input.u64()); op = { request: input.u8() & 1 ? PTRACE.POKETEXT : PTRACE.POKEDATA, addr: at(off), localaddr: words(values), length: n }; break; }
      case 4: { const off = offset(input); const limit = input.u8() & 1 ? input.u8() % 81 : input.u16() % (2 * PAGE_SIZE); op = { request: PTRACE_PEEKSTRINGDATA, addr: at(off), localaddr: Buffer.alloc(limit, FILL), length: limit }; break; }
      case 5: { const first = input.u8() % 27; const n = 1 + (input.u8() % (27 - first)); op = { request: PTRACE.PEEKUSER, addr: 8 * first, localaddr: Buffer.alloc(8 * n, FILL), length: n }; break; }
      case 6: { const first = input.u8() % 27; const n = 1 + (input.u8() % Math.min(3, 27 - first)); op = { request: PTRACE.POKEUSER, addr: 8 * first, localaddr: words(Array.from({ length: n }, (_, j) => registerValue(input, first + j))), length: n }; break; }
      case 7: {
        const where = input.pick([...DEBUG, 3, 5, 27 * 8 - 4, 27 * 8, 8 * 1000]);
        op = input.u8() & 1
          ? { request: PTRACE.PEEKUSER, addr: where, localaddr: Buffer.alloc(8, FILL), length: 1 }
          : { request: PTRACE.POKEUSER, addr: where, localaddr: input.u8() & 1 ? 1n << 63n : input.u64() & ((1n << 46n) - 1n), length: 1 };
        break;
      }
      case 8: op = { request: PTRACE.GETREGS, addr: 0, localaddr: Buffer.alloc(27 * 8, FILL), length: 0 }; break;
      case 9: {
        const regs = initial.registers.clone();
        for (let k = input.u8() % 4; k > 0; k--) { const i = input.u8() % 27; regs.words[i] = registerValue(input, i); }
        op = { request: PTRACE.SETREGS, addr: 0, localaddr: Buffer.from(regs.bytes), length: 0 };
        break;
      }
      case 10: op = { request: PTRACE.GETSIGINFO, addr: 0, localaddr: Buffer.alloc(input.u8() & 7 ? 128 : 64, FILL), length: 0 }; break;
      case 11: op = { request: input.pick([0x4300, 0x4304, 0x43ff, 0x5000, 0x42ff, -1]), addr: 0, localaddr: input.u8() & 1 ? null : Buffer.alloc(8, FILL), length: 0 }; break;
      case 12: {
        // Malformed ops: rejected with EFAULT/EINVAL in their turn, without a system call.
        const variants = [
          () => ({ request: PTRACE_PEEKCHARDATA, addr: at(0), localaddr: Buffer.alloc(4), length: 16 }),
          () => ({ request: PTRACE_POKECHARDATA, addr: at(8), localaddr: Buffer.alloc(4), length: -1 }),
          () => ({ request: PTRACE_PEEKSTRINGDATA, addr: at(8), localaddr: Buffer.alloc(8), length: Number.NaN }),
          () => ({ request: PTRACE_PEEKCHARDATA, addr: at(0), localaddr: Buffer.alloc(8), length: 2.5 }),
          () => ({ request: PTRACE.PEEKDATA, addr: 1.5, localaddr: Buffer.alloc(8), length: 1 }),
          () => ({ request: PTRACE.PEEKDATA, addr: 1n << 63n, localaddr: Buffer.alloc(8), length: 1 }),
          () => ({ request: PTRACE.POKEDATA, addr: -8, localaddr: 7n, length: 1 }),
          () => ({ request: PTRACE.PEEKDATA, addr: at(0), localaddr: 5, length: 2 }),
          () => ({ request: PTRACE.PEEKDATA, addr: at(0), localaddr: Buffer.alloc(8), length: Number.POSITIVE_INFINITY }),
          () => ({ request: PTRACE.GETREGS, addr: 0, localaddr: Buffer.alloc(100), length: 0 }),
          () => ({ request: PTRACE.SETREGS, addr: 0, localaddr: null, length: 0 }),
          () => ({ request: PTRACE.GETSIGINFO, addr: 0, localaddr: Buffer.alloc(16), length: 0 }),
          () => ({ request: PTRACE_POKECHARDATA, addr: BigInt(Number.MAX_SAFE_INTEGER) + 1n, localaddr: Buffer.alloc(1), length: 1 }),
        ];
        op = input.pick(variants)();
        break;
      }
      case 13: {
        const buffer = buffers.length > 0 ? buffers[input.u8() % buffers.length].subarray(0, 3 * PAGE_SIZE) : Buffer.alloc(0);
        op = { request: input.u8() & 1 ? PTRACE_POKECHARDATA : PTRACE_PEEKCHARDATA, addr: at(offset(input)), localaddr: buffer, length: buffer.length };
        break;
      }
      case 14: {
        const kind = input.u8() % 3;
        op = kind === 0 ? { request: PTRACE.GETFPREGS, addr: 0, localaddr: Buffer.alloc(512, FILL), length: 0 }
          : kind === 1 ? { request: PTRACE.GETSIGMASK, addr: 8, localaddr: Buffer.alloc(8, FILL), length: 0 }
            : { request: PTRACE.GETEVENTMSG, addr: 0, localaddr: Buffer.alloc(8, FILL), length: 0 };
        break;
      }
      default: op = { request: PTRACE.PEEKDATA, addr: at(offset(input)), localaddr: null, length: 0 };
    }
    if (Buffer.isBuffer(op.localaddr) && op.localaddr.length > 0) buffers.push(op.localaddr);
    ops.push(op);
  }
  return ops;
}

// ---- the two runs ----

function describeError(error) {
  if (!error) return undefined;
  return {
    class: error.constructor.name,
    errno: error instanceof PtraceError ? error.errno : undefined,
    address: error instanceof MemoryAccessError ? String(error.address) : undefined,
    transferred: error instanceof MemoryAccessError ? error.transferred : undefined,
  };
}

function observe(ops, result) {
  const ran = result.failed ? result.failed.index + 1 : ops.length;
  return JSON.stringify({
    completed: result.completed,
    failed: result.failed && { index: result.failed.index, errno: result.failed.errno, code: result.failed.code, error: describeError(result.failed.error) },
    results: result.results.map((v) => (v === undefined ? null : String(v))),
    buffers: ops.slice(0, ran).map((op) => (op.localaddr instanceof Uint8Array ? Buffer.from(op.localaddr).toString('hex') : null)),
    ops: result.stats.ops,
    bytes: result.stats.bytes,
    oneByOneSyscalls: result.stats.oneByOneSyscalls,
  });
}

function run(ops, batching) {
  try {
    return ptraceMulti(tracee, ops, { batching });
  } catch (error) {
    // The contract: an op's failure is reported, never thrown.
    throw new Error(`ptraceMulti threw (batching ${batching}): ${error && error.stack}`);
  }
}

function fuzz(bytes) {
  reset();
  const slowOps = decode(bytes);
  const slow = run(slowOps, false);
  const slowState = finalState();
  reset();
  const fastOps = decode(bytes);
  const fast = run(fastOps, true);
  const fastState = finalState();
  const a = observe(slowOps, slow);
  const b = observe(fastOps, fast);
  if (a !== b) throw new Error(`batched and one-by-one differ:\none-by-one ${a}\nbatched    ${b}`);
  if (slowState.registers !== fastState.registers) throw new Error('batched and one-by-one leave different registers');
  if (JSON.stringify(slowState.debug.map(String)) !== JSON.stringify(fastState.debug.map(String))) throw new Error('different debug registers');
  slowState.memory.forEach((page, p) => {
    if (page !== fastState.memory[p]) throw new Error(`batched and one-by-one leave page ${p} different`);
  });
  if (slow.stats.syscalls !== slow.stats.oneByOneSyscalls) throw new Error(`one-by-one made ${slow.stats.syscalls} calls, counted ${slow.stats.oneByOneSyscalls}`);
}

module.exports = { fuzz, decode };
