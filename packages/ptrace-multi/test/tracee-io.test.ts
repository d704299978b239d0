// TraceeIO's single ops: one system call when they complete, the batch path (exact faults,
// /proc/PID/mem for read-only pages) when they do not, and the same counters either way.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryAccessError, PAGE_SIZE, SIGNALS } from '@umview/ptrace-core';
import { TraceeIO, countersFor } from '@umview/ptrace-multi';
import { startRegions, type Regions } from './helpers.js';

let r: Regions | undefined;
afterEach(() => {
  r?.tracer.close();
  r = undefined;
});

describe('TraceeIO single ops', () => {
  it('reads, writes and reads strings with one system call each when they complete', () => {
    r = startRegions();
    const io = new TraceeIO(r.tracee);
    const at = r.page(0) + 100;
    const before = { ...countersFor(r.tracee) };
    io.write(at, Buffer.from('hello quick path\0'));
    expect(io.readCString(at)).toBe('hello quick path');
    expect(io.read(at, 5).toString()).toBe('hello');
    const after = countersFor(r.tracee);
    expect(after.syscalls - before.syscalls).toBe(3);
    expect(after.ops - before.ops).toBe(3);
    expect(after.bytes - before.bytes).toBe(17 + 17 + 5);
  });

  it('reads a word with one system call, and a word across a page boundary too; a fault where it is', () => {
    r = startRegions();
    const io = new TraceeIO(r.tracee);
    const edge = r.page(0) + PAGE_SIZE - 3;
    io.writeWord(edge, 0x1122334455667788n);
    const batches = vi.spyOn(io, 'batch');
    const before = { ...countersFor(r.tracee) };
    expect(io.readWord(edge)).toBe(0x1122334455667788n);
    expect(batches).not.toHaveBeenCalled();
    const after = countersFor(r.tracee);
    expect(after.syscalls - before.syscalls).toBe(1);
    expect(after.bytes - before.bytes).toBe(8);
    // Half of it in the unmapped page: the batch path reports the fault, at the word (a word is
    // read whole or not at all).
    const hole = r.page(r.hole);
    try {
      io.readWord(hole - 4);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MemoryAccessError);
      expect((error as MemoryAccessError).address).toBe(BigInt(hole - 4));
    }
  });

  it('reads a string that crosses a page boundary with one system call per page', () => {
    r = startRegions();
    const io = new TraceeIO(r.tracee);
    const edge = r.page(0) + PAGE_SIZE - 5;
    io.write(edge, Buffer.from('/usr/include/stdio.h\0'));
    const before = { ...countersFor(r.tracee) };
    // Not through a batch (the planner's work is for many ops, not one string).
    const batches = vi.spyOn(io, 'batch');
    expect(io.readCStringBytes(edge).toString()).toBe('/usr/include/stdio.h');
    expect(io.readCString(edge + 1)).toBe('usr/include/stdio.h');
    expect(batches).not.toHaveBeenCalled();
    const after = countersFor(r.tracee);
    expect(after.syscalls - before.syscalls).toBe(4);
    expect(after.ops - before.ops).toBe(2);
    expect(after.bytes - before.bytes).toBe(21 + 20);
    // Into a hole: a fault, reported where it is (the batch path), not a short string.
    const hole = r.page(r.hole);
    io.write(hole - 3, Buffer.from('abc'));
    expect(() => io.readCString(hole - 3)).toThrow(MemoryAccessError);
  });

  it('falls back to the batch path: exact faults, strings across pages, read-only pages', () => {
    r = startRegions();
    const io = new TraceeIO(r.tracee);
    const hole = r.page(r.hole);
    // A read running into the unmapped page fails where the hole starts.
    try {
      io.read(hole - 8, 16);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MemoryAccessError);
      expect((error as MemoryAccessError).address).toBe(BigInt(hole));
    }
    // A string crossing into the next (mapped) page is read whole.
    const edge = r.page(0) + PAGE_SIZE - 4;
    io.write(edge, Buffer.from('abcdefgh\0'));
    expect(io.readCString(edge)).toBe('abcdefgh');
    // A read-only page is written through /proc/PID/mem.
    io.write(r.page(r.readonly), Buffer.from('ro!'));
    expect(io.read(r.page(r.readonly), 3).toString()).toBe('ro!');
    // Longer than allowed.
    io.write(r.page(0), Buffer.alloc(64, 0x61));
    expect(() => io.readCString(r!.page(0), 10)).toThrow(/longer than|too long/i);
  });

  it('reads a string undecoded (readCStringBytes): its bytes, not UTF-8 text, the same way', () => {
    r = startRegions();
    const io = new TraceeIO(r.tracee);
    const latin1 = Buffer.from([0x2f, 0x74, 0xe9, 0x6d, 0x70, 0]); // '/t\xe9mp': not valid UTF-8
    const at = r.page(0) + 200;
    io.write(at, latin1);
    const before = countersFor(r.tracee).syscalls;
    const bytes = io.readCStringBytes(at);
    expect([...bytes]).toEqual([...latin1.subarray(0, 5)]);
    expect(countersFor(r.tracee).syscalls - before).toBe(1);
    // A copy: the next read does not change it.
    io.write(at, Buffer.from('/other\0'));
    io.readCStringBytes(at);
    expect(bytes.toString('latin1')).toBe('/t\xe9mp');
    // Across a page boundary (the batch path), and the same faults as readCString.
    const edge = r.page(0) + PAGE_SIZE - 3;
    io.write(edge, Buffer.from('/usr/lib\0'));
    expect(io.readCStringBytes(edge).toString()).toBe('/usr/lib');
    expect(() => io.readCStringBytes(r!.page(r!.hole))).toThrow(MemoryAccessError);
  });

  it('reads a string once when readCString follows readCStringBytes at the same stop', () => {
    r = startRegions();
    const io = new TraceeIO(r.tracee);
    const at = r.page(0) + 300;
    io.write(at, Buffer.from('/looked/at/first\0'));
    const before = countersFor(r.tracee).syscalls;
    expect(io.readCStringBytes(at).toString()).toBe('/looked/at/first');
    expect(io.readCString(at)).toBe('/looked/at/first');
    expect(countersFor(r.tracee).syscalls - before).toBe(1);
    // Another address, a shorter limit, or a write in between: read again.
    expect(() => io.readCString(at, 4)).toThrow(/longer than|too long/i);
    io.readCStringBytes(at);
    io.write(at, Buffer.from('/changed\0'));
    expect(io.readCString(at)).toBe('/changed');
    // Once the thread has run, what it holds may have changed: read again.
    io.readCStringBytes(at);
    const read = countersFor(r.tracee).syscalls;
    r.tracee.singleStep(); // the thread runs (one instruction) and stops again
    expect(r.tracer.waitFor(r.tracee)).toMatchObject({ kind: 'signal', signal: SIGNALS.SIGTRAP });
    expect(io.readCString(at)).toBe('/changed');
    expect(countersFor(r.tracee).syscalls - read).toBe(1);
  });

  it('does it the 2006 way without batching: one PEEK or POKE per word', () => {
    r = startRegions();
    const io = new TraceeIO(r.tracee, { batching: false });
    const at = r.page(0) + 8;
    const before = countersFor(r.tracee).syscalls;
    io.write(at, Buffer.alloc(64, 1));
    expect(countersFor(r.tracee).syscalls - before).toBe(8);
  });
});
