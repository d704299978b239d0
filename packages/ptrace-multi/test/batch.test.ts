// The fluent builder and TraceeIO: typed values, failures, and how few calls a batch takes.
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAccessError, PAGE_SIZE, PTRACE, SIGNALS, TraceeGoneError, arch } from '@umview/ptrace-core';
import {
  Batch, IOV_MAX, NotRunError, StringTooLongError, TraceeIO, countersFor, struct,
} from '@umview/ptrace-multi';
import { startRegions, type Regions } from './helpers.js';

let r: Regions | undefined;
afterEach(() => {
  r?.tracer.close();
  r = undefined;
});

function start(): Regions {
  r = startRegions();
  return r;
}

/** Writes a NUL-terminated string at `at` (through ptrace-core, outside any batch). */
function plant(regions: Regions, at: number, text: string): void {
  regions.tracee.write(at, Buffer.from(`${text}\0`));
}

describe('Batch', () => {
  it('gives each queued op its typed value, in one GETREGS and one process_vm_readv', () => {
    const regions = start();
    const { tracee, page } = regions;
    plant(regions, page(1) + 10, '/etc/passwd');
    plant(regions, page(2) + 4000, 'a path near a page end');
    const iov = Buffer.alloc(32);
    iov.writeBigUInt64LE(0x1000n, 0); iov.writeBigUInt64LE(10n, 8);
    iov.writeBigUInt64LE(0x2000n, 16); iov.writeBigUInt64LE(20n, 24);
    tracee.write(page(3), iov);
    const timespec = struct(16, { sec: { offset: 0, type: 'i64' }, nsec: { offset: 8, type: 'u32' }, raw: { offset: 12, type: { bytes: 4 } } });

    const b = new Batch(tracee);
    const regs = b.getRegisters();
    const rip = b.getRegister('rip');
    const path = b.readCString(page(1) + 10);
    const other = b.readCStringBytes(page(2) + 4000);
    const bytes = b.read(page(4) + 1, 37);
    const word = b.readWord(page(4) + 8);
    const iovecs = b.readIovecs(page(3), 2);
    const ts = b.readStruct(page(3), timespec);
    const result = b.run();

    expect(result).toMatchObject({ ok: true, completed: 8 });
    expect(result.stats.syscalls).toBe(2);
    expect(result.stats.ops).toBe(8);
    expect(regs.value.rip).toBe(rip.value);
    expect(path.value).toBe('/etc/passwd');
    expect(other.value.toString()).toBe('a path near a page end');
    expect(bytes.value).toEqual(tracee.read(page(4) + 1, 37));
    expect(word.value).toBe(tracee.peek(page(4) + 8));
    expect(iovecs.value).toEqual([{ base: 0x1000n, length: 10n }, { base: 0x2000n, length: 20n }]);
    expect(ts.value).toEqual({ sec: 0x1000n, nsec: 10, raw: Buffer.alloc(4) });
  });

  it('fetches registers once however many register reads it holds, and writes them once', () => {
    const { tracee } = start();
    const b = new Batch(tracee);
    const names = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rsp', 'rip'] as const;
    const reads = names.map((n) => b.getRegister(n));
    const whole = b.getRegisters();
    const user = b.peekUser(8 * arch.REGISTER_INDEX.r8);
    b.setRegister('r12', 12n);
    b.setRegister('r13', 13n);
    b.pokeUser(8 * arch.REGISTER_INDEX.r14, 14n);
    const res = b.run();
    expect(res.stats.syscalls).toBe(2); // GETREGS, SETREGS
    expect(res.stats.oneByOneSyscalls).toBe(names.length + 1 + 1 + 3);
    names.forEach((n, i) => expect(reads[i]!.value).toBe(whole.value.get(n)));
    expect(user.value).toBe(whole.value.r8);
    const now = tracee.getRegisters();
    expect([now.r12, now.r13, now.r14]).toEqual([12n, 13n, 14n]);
  });

  it('reads back what the kernel kept of a register it wrote (eflags is masked)', () => {
    for (const batching of [true, false]) {
      const { tracee } = start();
      const b = new Batch(tracee, { batching });
      b.setRegister('eflags', 0xffffffffn);
      const flags = b.getRegister('eflags');
      const res = b.run();
      expect(flags.value).not.toBe(0xffffffffn);
      expect(flags.value).toBe(tracee.getRegisters().eflags);
      if (batching) expect(res.stats.syscalls).toBe(3); // GETREGS, SETREGS, GETREGS
      r!.tracer.close();
    }
  });

  it('a read after an overlapping write sees the written bytes', () => {
    const { tracee, page } = start();
    const b = new Batch(tracee);
    const before = b.read(page(2), 16);
    b.write(page(2) + 4, Buffer.from('NEW!'));
    b.write(page(2) + 6, Buffer.from('xy')); // a later write over an earlier one wins
    const after = b.read(page(2), 16);
    const res = b.run();
    expect(res.stats.syscalls).toBe(3); // pvr + pvw, then the read after the write: pvr
    const expected = Buffer.from(before.value);
    Buffer.from('NExy').copy(expected, 4);
    expect(after.value).toEqual(expected);
  });

  it('merges scattered reads into one call, splitting at IOV_MAX', () => {
    const { tracee, page } = start();
    const b = new Batch(tracee);
    const offsets = Array.from({ length: 64 }, (_, i) => page(6 + (i % 3)) + ((i * 397) % (PAGE_SIZE - 64)));
    const handles = offsets.map((at, i) => b.read(at, 8 + (i % 57)));
    expect(b.run().stats.syscalls).toBe(1);
    handles.forEach((h, i) => expect(h.value).toEqual(tracee.read(offsets[i]!, 8 + (i % 57))));

    // 3000 reads of the same word cannot merge: 3000 remote iovecs, IOV_MAX per call.
    const many = new Batch(tracee);
    const same = Array.from({ length: 3000 }, () => many.readWord(page(7)));
    expect(many.run().stats.syscalls).toBe(Math.ceil(3000 / IOV_MAX));
    expect(new Set(same.map((h) => h.value)).size).toBe(1);
  });

  it('reads C strings in page-bounded chunks, with one follow-up for those that go on', () => {
    const regions = start();
    const { tracee, page } = regions;
    // One string across the end of each of these pages, and one ending well before it.
    const strings = [1, 2, 3, 6, 7, 8, 10, 13].map((p, i) => ({ at: page(p) + PAGE_SIZE - 7 - i, text: `string-${i}-crossing-a-page` }));
    strings.push({ at: page(4) + 100, text: 'short' });
    for (const s of strings) plant(regions, s.at, s.text);
    const b = new Batch(tracee);
    const handles = strings.map((s) => b.readCString(s.at));
    expect(b.run().stats.syscalls).toBe(2);
    handles.forEach((h, i) => expect(h.value).toBe(strings[i]!.text));
  });

  it('reaches PROT_NONE pages through /proc/PID/mem, counting its open once', () => {
    const { tracee, page, none } = start();
    const first = new Batch(tracee);
    const h = first.read(page(none) + 8, 16);
    const res1 = first.run();
    expect(h.value).toEqual(tracee.read(page(none) + 8, 16));
    // process_vm_readv fails, then preadv (and the first open of /proc/PID/mem, unless
    // ptrace-core opened it already for the read above: it shares the descriptor).
    expect(res1.stats.syscalls).toBeGreaterThanOrEqual(2);
    expect(res1.stats.syscalls).toBeLessThanOrEqual(3);
    const second = new Batch(tracee);
    second.read(page(none) + 8, 16);
    expect(second.run().stats.syscalls).toBe(2);
  });

  it('a failing op holds its typed error; the ops after it did not run', () => {
    const { tracee, page, hole } = start();
    const b = new Batch(tracee);
    const ok = b.readWord(page(0));
    const bad = b.read(page(hole) - 8, 16);
    const later = b.write(page(0), Buffer.from('never'));
    const res = b.run();
    expect(res).toMatchObject({ ok: false, completed: 1, failedIndex: 1 });
    expect(ok.ok).toBe(true);
    expect(bad.ok).toBe(false);
    expect(bad.error).toBeInstanceOf(MemoryAccessError);
    expect((bad.error as MemoryAccessError).address).toBe(BigInt(page(hole)));
    expect(() => bad.value).toThrow(MemoryAccessError);
    expect(later.error).toBeInstanceOf(NotRunError);
    expect(() => later.value).toThrow(NotRunError);
    expect(tracee.read(page(0), 5).toString()).not.toBe('never');
  });

  it('refuses a C string longer than its maximum', () => {
    const regions = start();
    plant(regions, regions.page(1), 'x'.repeat(100));
    const b = new Batch(regions.tracee);
    const fits = b.readCString(regions.page(1), 100);
    const long = b.readCString(regions.page(1), 99);
    b.run();
    expect(fits.value).toBe('x'.repeat(100));
    expect(long.error).toBeInstanceOf(StringTooLongError);
  });

  it('readInto fills a buffer of ours; partial reads stop at the fault without failing', () => {
    const { tracee, page, hole } = start();
    const whole = Buffer.alloc(64);
    const part = Buffer.alloc(64);
    const b = new Batch(tracee);
    const n1 = b.readInto(page(1), whole);
    const n2 = b.readInto(page(hole) - 40, part, { partial: true });
    b.run();
    expect(n1.value).toBe(64);
    expect(n2.value).toBe(40);
    expect(part.subarray(0, 40)).toEqual(tracee.read(page(hole) - 40, 40));
  });

  it('writes structs and words, and a request is a barrier that drops the register cache', () => {
    const { tracee, page } = start();
    const layout = struct(12, { a: { offset: 0, type: 'u32' }, b: { offset: 4, type: 'i64' } });
    const b = new Batch(tracee);
    b.writeStruct(page(2), layout, { a: 7, b: -2n });
    b.writeWord(page(2) + 16, 0x0102030405060708n);
    const rip1 = b.getRegister('rip');
    const info = Buffer.alloc(128);
    const sig = b.request(PTRACE.GETSIGINFO, 0, info);
    const rip2 = b.getRegister('rip');
    const res = b.run();
    // pvw + GETREGS, GETSIGINFO, GETREGS again after the barrier.
    expect(res.stats.syscalls).toBe(4);
    expect(sig.value).toBe(0);
    expect(info.readInt32LE(0)).toBe(SIGNALS.SIGUSR1);
    expect(rip1.value).toBe(rip2.value);
    expect(layout.decode(tracee.read(page(2), 12))).toEqual({ a: 7, b: -2n });
    expect(tracee.peek(page(2) + 16)).toBe(0x0102030405060708n);
  });

  it('runs once, and handles are not run before run()', () => {
    const { tracee, base } = start();
    const b = new Batch(tracee);
    const h = b.readWord(base);
    expect(h.ok).toBe(false);
    expect(h.error).toBeInstanceOf(NotRunError);
    b.run();
    expect(() => b.run()).toThrow(/already run/);
    expect(() => b.readWord(base)).toThrow(/already run/);
  });

  it('in the 2006 mode issues one call per word or request, exactly what it counts', () => {
    const regions = start();
    const { tracee, page } = regions;
    plant(regions, page(1) + 3, 'a string');
    const b = new Batch(tracee, { batching: false });
    b.read(page(1), 100);
    b.readCString(page(1) + 3);
    b.write(page(2) + 5, Buffer.alloc(30, 1));
    b.getRegisters();
    b.getRegister('rax');
    b.setRegister('rbx', 1n);
    const res = b.run();
    // 13 PEEKs (100 bytes at an aligned address), 2 for the string (bytes 3..11), 3 POKEs + 2
    // PEEK/POKE pairs for the unaligned write (bytes 5..34), GETREGS, PEEKUSER, POKEUSER.
    expect(res.stats.oneByOneSyscalls).toBe(13 + 2 + 3 + 4 + 1 + 1 + 1);
    expect(res.stats.syscalls).toBe(res.stats.oneByOneSyscalls);
  });

  it('memory and register ops fail with ESRCH when the tracee is not stopped', () => {
    const { tracee, base } = start();
    tracee.cont(0);
    const b = new Batch(tracee);
    const h = b.readWord(base);
    expect(b.run().ok).toBe(false);
    expect(h.error).toBeInstanceOf(TraceeGoneError);
  });
});

describe('TraceeIO', () => {
  it('does single operations as batches of one and keeps the tracee counters', () => {
    const regions = start();
    const { tracee, page, hole } = regions;
    const io = new TraceeIO(tracee);
    const before = io.counters.syscalls;
    io.write(page(1), Buffer.from('via TraceeIO\0'));
    expect(io.readCString(page(1))).toBe('via TraceeIO');
    expect(io.read(page(1), 3).toString()).toBe('via');
    io.writeWord(page(1) + 16, 42n);
    expect(io.readWord(page(1) + 16)).toBe(42n);
    const target = Buffer.alloc(100);
    expect(io.readInto(page(hole) - 30, target)).toBe(30);
    expect(() => io.read(page(hole), 8)).toThrow(MemoryAccessError);
    expect(io.counters.syscalls - before).toBeGreaterThanOrEqual(7);
    expect(io.counters).toBe(countersFor(tracee));
    expect(io.batch()).toBeInstanceOf(Batch);
  });

  it('in the 2006 mode reads the same bytes with PEEKDATA', () => {
    const { tracee, page } = start();
    const slow = new TraceeIO(tracee, { batching: false });
    const fast = new TraceeIO(tracee);
    const before = countersFor(tracee).syscalls;
    expect(slow.read(page(3) + 5, 50)).toEqual(fast.read(page(3) + 5, 50));
    expect(countersFor(tracee).syscalls - before).toBe(7 + 1); // 7 PEEKs for bytes 5..54, 1 process_vm_readv
    expect(slow.batching).toBe(false);
  });
});
