// The PTRACE_MULTI ABI, edge case by edge case, in both modes.
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError, MemoryAccessError, PAGE_SIZE, PTRACE, PtraceError, SIGNALS, TraceeGoneError, arch,
} from '@umview/ptrace-core';
import {
  PTRACE_MULTI, PTRACE_PEEKCHARDATA, PTRACE_PEEKSTRINGDATA, PTRACE_POKECHARDATA, USER_DEBUGREG_OFFSET,
  countersFor, ptraceMulti, type PtraceMultiOp,
} from '@umview/ptrace-multi';
import { finishRegions, startRegions, type Regions } from './helpers.js';

let r: Regions | undefined;
afterEach(() => {
  r?.tracer.close();
  r = undefined;
});

function start(): Regions {
  r = startRegions();
  return r;
}

const modes = [{ batching: true }, { batching: false }] as const;
const word = (bytes: Buffer, i = 0) => bytes.readBigUInt64LE(8 * i);

describe.each(modes)('PTRACE_MULTI with batching=$batching', (mode) => {
  it('has the patch request numbers', () => {
    expect([PTRACE_MULTI, PTRACE_PEEKCHARDATA, PTRACE_POKECHARDATA, PTRACE_PEEKSTRINGDATA]).toEqual([0x4300, 0x4301, 0x4302, 0x4303]);
  });

  it('PEEKDATA moves `length` words into localaddr and returns the first', () => {
    const { tracee, base } = start();
    const out = Buffer.alloc(24);
    const res = ptraceMulti(tracee, [{ request: PTRACE.PEEKDATA, addr: base + 8, localaddr: out, length: 3 }], mode);
    expect(res.completed).toBe(1);
    expect(out).toEqual(tracee.read(base + 8, 24));
    expect(res.results[0]).toBe(word(out));
  });

  it('PEEKTEXT with no localaddr returns the word; length 0 means one word', () => {
    const { tracee, base } = start();
    const res = ptraceMulti(tracee, [
      { request: PTRACE.PEEKTEXT, addr: BigInt(base + 16), length: 1 },
      { request: PTRACE.PEEKDATA, addr: base + 24, localaddr: null, length: 0 },
    ], mode);
    expect(res.results).toEqual([tracee.peek(base + 16), tracee.peek(base + 24)]);
  });

  it('POKEDATA writes the words localaddr points at (the pointer reading), or one word given as a value', () => {
    const { tracee, base } = start();
    const words = Buffer.alloc(16);
    words.writeBigUInt64LE(0x1122334455667788n, 0);
    words.writeBigUInt64LE(0x99aabbccddeeff00n, 8);
    const res = ptraceMulti(tracee, [
      { request: PTRACE.POKEDATA, addr: base + 40, localaddr: words, length: 2 },
      { request: PTRACE.POKETEXT, addr: base + 56, localaddr: 0xfeedn, length: 1 },
    ], mode);
    expect(res.results).toEqual([0, 0]);
    expect(tracee.read(base + 40, 16)).toEqual(words);
    expect(tracee.peek(base + 56)).toBe(0xfeedn);
  });

  it('PEEKCHARDATA and POKECHARDATA move bytes at any alignment and return the count', () => {
    const { tracee, base } = start();
    const data = Buffer.from('unaligned bytes across words');
    const back = Buffer.alloc(data.length);
    const before = tracee.read(base + 3, 40);
    const res = ptraceMulti(tracee, [
      { request: PTRACE_POKECHARDATA, addr: base + 5, localaddr: data, length: data.length },
      { request: PTRACE_PEEKCHARDATA, addr: base + 5, localaddr: back, length: data.length },
    ], mode);
    expect(res.results).toEqual([data.length, data.length]);
    expect(back).toEqual(data);
    // The bytes around the write are untouched (read-modify-write of the edge words).
    const after = tracee.read(base + 3, 40);
    expect(after.subarray(0, 2)).toEqual(before.subarray(0, 2));
    expect(after.subarray(2 + data.length)).toEqual(before.subarray(2 + data.length));
  });

  it('a read running into the hole fails at the hole with the bytes before it delivered', () => {
    const { tracee, page, hole } = start();
    const out = Buffer.alloc(300, 0xee);
    const after = Buffer.alloc(8);
    const res = ptraceMulti(tracee, [
      { request: PTRACE_PEEKCHARDATA, addr: page(hole) - 100, localaddr: out, length: 300 },
      { request: PTRACE.PEEKDATA, addr: page(0), localaddr: after, length: 1 },
    ], mode);
    expect(res.completed).toBe(0);
    expect(res.failed).toMatchObject({ index: 0, errno: 5, code: 'EIO' });
    const error = res.failed!.error as MemoryAccessError;
    expect(error).toBeInstanceOf(MemoryAccessError);
    expect(error.address).toBe(BigInt(page(hole)));
    expect(error.transferred).toBe(100);
    expect(res.results[0]).toBe(100);
    expect(out.subarray(0, 100)).toEqual(tracee.read(page(hole) - 100, 100));
    expect(out.subarray(100).every((b) => b === 0xee)).toBe(true);
    // Not run: no result. (Its own buffer may have been filled in batched mode, where the reads
    // of a group run ahead; one by one it is untouched.)
    expect(res.results[1]).toBeUndefined();
    if (!mode.batching) expect(after.every((b) => b === 0)).toBe(true);
    expect(res.stats.ops).toBe(1);
  });

  it('a word op fails at the word that crosses into the hole', () => {
    const { tracee, page, hole } = start();
    const out = Buffer.alloc(16);
    // Word 0 ends 4 bytes before the hole; word 1 straddles it.
    const res = ptraceMulti(tracee, [{ request: PTRACE.PEEKDATA, addr: page(hole) - 12, localaddr: out, length: 2 }], mode);
    expect(res.failed?.index).toBe(0);
    expect((res.failed!.error as MemoryAccessError).address).toBe(BigInt(page(hole) - 4));
    expect((res.failed!.error as MemoryAccessError).transferred).toBe(8);
    expect(out.subarray(0, 8)).toEqual(tracee.read(page(hole) - 12, 8));
    // The 4 readable bytes of the straddling word are not delivered, as PEEKDATA does not.
    expect(out.subarray(8).every((b) => b === 0)).toBe(true);
  });

  it('a write stops at the hole and leaves the ops after it unrun', () => {
    const { tracee, page, hole } = start();
    const data = Buffer.alloc(64, 0x41);
    const later = Buffer.alloc(8, 0x42);
    const before = tracee.read(page(0), 8);
    const res = ptraceMulti(tracee, [
      { request: PTRACE_POKECHARDATA, addr: page(hole) - 24, localaddr: data, length: 64 },
      { request: PTRACE_POKECHARDATA, addr: page(0), localaddr: later, length: 8 },
    ], mode);
    expect(res.failed?.index).toBe(0);
    expect((res.failed!.error as MemoryAccessError).address).toBe(BigInt(page(hole)));
    expect(res.results[0]).toBe(24);
    expect(tracee.read(page(hole) - 24, 24)).toEqual(data.subarray(0, 24));
    expect(tracee.read(page(0), 8)).toEqual(before);
  });

  it('reads a PROT_NONE page and writes a read-only one, as PEEKDATA/POKEDATA do', () => {
    const { tracee, page, none, readonly } = start();
    const out = Buffer.alloc(PAGE_SIZE + 64);
    const data = Buffer.from('written into a read-only page');
    const res = ptraceMulti(tracee, [
      { request: PTRACE_PEEKCHARDATA, addr: page(none) - 32, localaddr: out, length: out.length },
      { request: PTRACE_POKECHARDATA, addr: page(readonly) + 100, localaddr: data, length: data.length },
    ], mode);
    expect(res.failed).toBeUndefined();
    expect(out).toEqual(tracee.read(page(none) - 32, out.length));
    expect(tracee.read(page(readonly) + 100, data.length)).toEqual(data);
  });

  it('writes into .text and the program runs the new code', () => {
    const regions = start();
    const code = Buffer.from([0xb8, 42, 0, 0, 0, 0xc3]); // mov eax, 42; ret
    const res = ptraceMulti(regions.tracee, [{ request: PTRACE_POKECHARDATA, addr: regions.answer, localaddr: code, length: code.length }], mode);
    expect(res.failed).toBeUndefined();
    expect(finishRegions(regions)).toMatch(/answer=42\n/);
  });

  it('PEEKSTRINGDATA reads up to and including the NUL, or `length` bytes', () => {
    const { tracee, page } = start();
    const text = Buffer.from('hello\0world');
    const a = Buffer.alloc(32, 0xee);
    const b = Buffer.alloc(3, 0xee);
    const res = ptraceMulti(tracee, [
      { request: PTRACE_POKECHARDATA, addr: page(1) + 7, localaddr: text, length: text.length },
      { request: PTRACE_PEEKSTRINGDATA, addr: page(1) + 7, localaddr: a, length: 32 },
      { request: PTRACE_PEEKSTRINGDATA, addr: page(1) + 7, localaddr: b, length: 3 },
    ], mode);
    expect(res.results).toEqual([text.length, 6, 3]);
    expect(a.subarray(0, 6).toString('latin1')).toBe('hello\0');
    expect(a.subarray(6).every((x) => x === 0xee)).toBe(true);
    expect(b.toString('latin1')).toBe('hel');
  });

  it('a string ending right before the hole is read; one running into it fails there', () => {
    const { tracee, page, hole } = start();
    const ends = Buffer.from('tail\0');
    const runs = Buffer.from('abcd');
    const out = Buffer.alloc(64);
    const ok = ptraceMulti(tracee, [
      { request: PTRACE_POKECHARDATA, addr: page(hole) - 5, localaddr: ends, length: 5 },
      { request: PTRACE_PEEKSTRINGDATA, addr: page(hole) - 5, localaddr: out, length: 64 },
    ], mode);
    expect(ok.results).toEqual([5, 5]);
    const bad = ptraceMulti(tracee, [
      { request: PTRACE_POKECHARDATA, addr: page(hole) - 4, localaddr: runs, length: 4 },
      { request: PTRACE_PEEKSTRINGDATA, addr: page(hole) - 4, localaddr: out, length: 64 },
    ], mode);
    expect(bad.failed?.index).toBe(1);
    expect((bad.failed!.error as MemoryAccessError).address).toBe(BigInt(page(hole)));
    expect(bad.results[1]).toBe(4);
  });

  it('a string longer than a page is followed into the next page', () => {
    const { tracee, page } = start();
    const long = Buffer.alloc(PAGE_SIZE + 300, 0x61);
    long[long.length - 1] = 0;
    const out = Buffer.alloc(2 * PAGE_SIZE);
    const res = ptraceMulti(tracee, [
      { request: PTRACE_POKECHARDATA, addr: page(1) + 100, localaddr: long, length: long.length },
      { request: PTRACE_PEEKSTRINGDATA, addr: page(1) + 100, localaddr: out, length: out.length },
    ], mode);
    expect(res.results[1]).toBe(long.length);
    expect(out.subarray(0, long.length)).toEqual(long);
  });

  it('PEEKUSER/POKEUSER reach the general registers and the debug registers', () => {
    const { tracee } = start();
    const regs = tracee.getRegisters().clone();
    const out = Buffer.alloc(16);
    const res = ptraceMulti(tracee, [
      { request: PTRACE.PEEKUSER, addr: 8 * arch.REGISTER_INDEX.rip, localaddr: out, length: 2 },
      { request: PTRACE.POKEUSER, addr: 8 * arch.REGISTER_INDEX.r12, localaddr: 0x1234n, length: 1 },
      { request: PTRACE.PEEKUSER, addr: USER_DEBUGREG_OFFSET + 7 * 8, length: 1 },
      { request: PTRACE.POKEUSER, addr: USER_DEBUGREG_OFFSET, localaddr: BigInt(r!.base), length: 1 },
      { request: PTRACE.PEEKUSER, addr: USER_DEBUGREG_OFFSET, length: 1 },
    ], mode);
    expect(res.failed).toBeUndefined();
    expect(word(out, 0)).toBe(regs.rip);
    expect(word(out, 1)).toBe(regs.cs);
    expect(res.results[0]).toBe(regs.rip);
    expect(tracee.getRegisters().r12).toBe(0x1234n);
    expect(res.results[4]).toBe(BigInt(r!.base));
  });

  it('an unaligned PEEKUSER fails with EIO, as the kernel says', () => {
    const { tracee } = start();
    const res = ptraceMulti(tracee, [{ request: PTRACE.PEEKUSER, addr: 3, length: 1 }], mode);
    expect(res.failed?.error).toBeInstanceOf(InvalidArgumentError);
    expect(res.failed?.errno).toBe(5);
  });

  it('GETREGS and SETREGS use user_regs_struct; a refused register value fails that op', () => {
    const { tracee } = start();
    const original = tracee.getRegisters().clone();
    const regs = Buffer.alloc(27 * 8);
    const res = ptraceMulti(tracee, [{ request: PTRACE.GETREGS, addr: 0, localaddr: regs, length: 0 }], mode);
    expect(Buffer.from(tracee.getRegisters().bytes)).toEqual(regs);
    regs.writeBigUInt64LE(0x77n, 8 * arch.REGISTER_INDEX.rbx);
    const bad = Buffer.from(regs);
    bad.writeBigUInt64LE(0x10n, 8 * arch.REGISTER_INDEX.ds); // a kernel selector
    const res2 = ptraceMulti(tracee, [
      { request: PTRACE.SETREGS, addr: 0, localaddr: regs, length: 0 },
      { request: PTRACE.POKEUSER, addr: 8 * arch.REGISTER_INDEX.rcx, localaddr: 5n, length: 1 },
      { request: PTRACE.SETREGS, addr: 0, localaddr: bad, length: 0 },
    ], mode);
    expect(res.results).toEqual([0]);
    expect(res2.completed).toBe(2);
    expect(res2.failed).toMatchObject({ index: 2, errno: 5 });
    // The refused SETREGS has, like the kernel's, written the registers before ds (struct
    // order): rbx from `bad` too, and rcx back to its old value.
    expect(tracee.getRegisters().rbx).toBe(0x77n);
    expect(tracee.getRegisters().rcx).toBe(original.rcx);
  });

  it('passes other requests through in order: GETSIGINFO sees the pending SIGUSR1', () => {
    const { tracee } = start();
    const info = Buffer.alloc(128);
    const res = ptraceMulti(tracee, [{ request: PTRACE.GETSIGINFO, addr: 0, localaddr: info, length: 0 }], mode);
    expect(res.results).toEqual([0]);
    expect(info.readInt32LE(0)).toBe(SIGNALS.SIGUSR1);
  });

  it('an unknown request fails with the kernel errno and stops the batch', () => {
    const { tracee, base } = start();
    const res = ptraceMulti(tracee, [
      { request: PTRACE_MULTI, addr: 0, localaddr: null, length: 0 },
      { request: PTRACE.PEEKDATA, addr: base, length: 1 },
    ], mode);
    expect(res.failed).toMatchObject({ index: 0, errno: 5, code: 'EIO' });
    expect(res.completed).toBe(0);
    expect(res.results).toEqual([undefined, undefined]);
  });

  it('a buffer too small for `length` fails that op with EFAULT and no system call', () => {
    const { tracee, base } = start();
    const bad: PtraceMultiOp[] = [
      { request: PTRACE_PEEKCHARDATA, addr: base, localaddr: Buffer.alloc(3), length: 8 },
      { request: PTRACE.PEEKDATA, addr: base, localaddr: Buffer.alloc(8), length: 2 },
      { request: PTRACE.POKEDATA, addr: base, localaddr: null, length: 1 },
      { request: PTRACE.GETREGS, addr: 0, localaddr: Buffer.alloc(100), length: 0 },
      { request: PTRACE.GETSIGINFO, addr: 0, localaddr: Buffer.alloc(10), length: 0 },
      { request: PTRACE_PEEKCHARDATA, addr: base, localaddr: Buffer.alloc(8), length: -1 },
    ];
    for (const op of bad) {
      const res = ptraceMulti(tracee, [op], mode);
      expect(res.failed?.index).toBe(0);
      expect(res.failed?.error).toBeInstanceOf(PtraceError);
      expect([14, 22]).toContain(res.failed?.errno);
      expect(res.stats.syscalls).toBe(0);
    }
  });

  it('after a resuming request the memory ops fail with ESRCH; the stop loop goes on', () => {
    const regions = start();
    const { tracee, tracer, base } = regions;
    const resumes = tracee.resumes;
    const res = ptraceMulti(tracee, [
      { request: PTRACE.CONT, addr: 0, localaddr: 0, length: 0 },
      { request: PTRACE.PEEKDATA, addr: base, length: 1 },
    ], mode);
    expect(res.completed).toBe(1);
    expect(res.failed?.index).toBe(1);
    expect(res.failed?.error).toBeInstanceOf(TraceeGoneError);
    expect(tracee.state).toBe('running');
    // Counted as a resume, as cont() counts it: what was read at the stop may be stale now.
    expect(tracee.resumes).toBe(resumes + 1);
    const kinds: string[] = [];
    for (const stop of tracer.stops()) {
      kinds.push(stop.kind);
      if (stop.kind !== 'exited' && stop.kind !== 'killed') stop.tracee.cont(stop.kind === 'signal' ? stop.signal : 0);
    }
    expect(kinds.at(-1)).toBe('exited');
    expect(regions.output()).toMatch(/answer=1\n/);
  });

  it('counts what it issued and what one by one would have cost', () => {
    const { tracee, page } = start();
    const before = { ...countersFor(tracee) };
    const res = ptraceMulti(tracee, [
      { request: PTRACE_PEEKCHARDATA, addr: page(0) + 1, localaddr: Buffer.alloc(20), length: 20 },
      { request: PTRACE_PEEKCHARDATA, addr: page(3) + 2000, localaddr: Buffer.alloc(40), length: 40 },
      { request: PTRACE_POKECHARDATA, addr: page(7) + 3, localaddr: Buffer.alloc(10), length: 10 },
    ], mode);
    // Words: 3 (bytes 1..20), 5 (2000..2039), and 2 partial words written by PEEK+POKE.
    expect(res.stats).toMatchObject({ ops: 3, bytes: 70, oneByOneSyscalls: 3 + 5 + 4 });
    expect(res.stats.syscalls).toBe(mode.batching ? 2 : 12);
    const after = countersFor(tracee);
    expect(after.ops - before.ops).toBe(3);
    expect(after.syscalls - before.syscalls).toBe(res.stats.syscalls);
    expect(after.batches - before.batches).toBe(1);
  });
});
