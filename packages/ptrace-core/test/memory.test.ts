import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAccessError, PAGE_SIZE, SIGNALS, Tracer, type Tracee } from '@umview/ptrace-core';
import { fixture, outputFile, runToEnd } from './helpers.js';

let tracer: Tracer;
afterEach(() => tracer?.close());

/** Runs memory-target to its SIGUSR1 stop; returns the tracee and the addresses it printed. */
function atSignalStop(outPath: string): { tracee: Tracee; buffer: bigint; answer: bigint; rodata: bigint; edge: bigint } {
  tracer = new Tracer();
  const tracee = tracer.spawn(fixture('memory-target'), [], { stdout: { path: outPath } });
  tracee.cont();
  for (const stop of tracer.stops()) {
    if (stop.kind === 'signal' && stop.signal === SIGNALS.SIGUSR1) {
      const text = readFileSync(outPath, 'utf8');
      const [buffer, answer, rodata, edge] = text.trim().split(' ').map((h) => BigInt(h));
      return { tracee, buffer: buffer!, answer: answer!, rodata: rodata!, edge: edge! };
    }
    stop.tracee.cont(stop.kind === 'signal' ? stop.signal : 0);
  }
  throw new Error('no SIGUSR1 stop');
}

describe('memory', () => {
  it('peeks and pokes words', () => {
    const out = outputFile();
    const { tracee, buffer } = atSignalStop(out.path);
    expect(Buffer.from(new BigUint64Array([tracee.peek(buffer)]).buffer).toString('latin1')).toBe('original');
    tracee.poke(buffer, Buffer.from('poked!\0\0').readBigUInt64LE(0));
    expect(tracee.readCString(buffer)).toBe('poked!');
    expect(tracee.peek(buffer + 8n)).toBe(Buffer.from(' content').readBigUInt64LE(0));
  });

  it('reads and writes in bulk, and the program sees the write', () => {
    const out = outputFile();
    const { tracee, buffer } = atSignalStop(out.path);
    const before = tracee.read(buffer, 8192);
    expect(before.subarray(0, 17).toString()).toBe('original contents');
    expect(before.subarray(17).every((b) => b === 0)).toBe(true);
    const text = Buffer.from('written by the tracer\0');
    tracee.write(buffer, text);
    expect(tracee.read(buffer, text.length)).toEqual(text);
    // A page-crossing write and read back.
    const big = Buffer.alloc(6000, 0x41);
    big[5999] = 0;
    tracee.write(buffer + 100n, big);
    expect(tracee.read(buffer + 100n, 6000)).toEqual(big);
    tracee.write(buffer, text);
    tracee.cont(0); // suppress SIGUSR1
    runToEnd(tracer, undefined, 'cont');
    expect(out.read()).toMatch(/buffer=written by the tracer\n/);
  });

  it('writes into a read-only text page (through /proc/PID/mem) and changes the code', () => {
    const out = outputFile();
    const { tracee, answer } = atSignalStop(out.path);
    // mov eax, 42; ret
    tracee.write(answer, Buffer.from([0xb8, 42, 0, 0, 0, 0xc3]));
    expect(tracee.read(answer, 6)).toEqual(Buffer.from([0xb8, 42, 0, 0, 0, 0xc3]));
    tracee.cont(0);
    runToEnd(tracer, undefined, 'cont');
    expect(out.read()).toMatch(/answer=42\n/);
  });

  it('pokes a word into read-only data', () => {
    const out = outputFile();
    const { tracee, rodata } = atSignalStop(out.path);
    expect(tracee.readCString(rodata)).toBe('read-only string');
    tracee.write(rodata, Buffer.from('READ'));
    expect(tracee.readCString(rodata)).toBe('READ-only string');
  });

  it('reports an unmapped address with the exact fault position and a partial read', () => {
    const out = outputFile();
    const { tracee, edge } = atSignalStop(out.path);
    expect(() => tracee.read(0x10n, 8)).toThrow(MemoryAccessError);
    expect(() => tracee.peek(0x10n)).toThrow(MemoryAccessError);
    const hole = edge + BigInt(PAGE_SIZE); // `edge` is one mapped page followed by an unmapped one
    const target = Buffer.alloc(PAGE_SIZE * 2);
    expect(tracee.memory.readAvailable(hole - 100n, target)).toBe(100);
    expect(target.subarray(0, 100).every((b) => b === 0x65)).toBe(true);
    try {
      tracee.read(hole - 100n, 200);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MemoryAccessError);
      expect((error as MemoryAccessError).address).toBe(hole);
      expect((error as MemoryAccessError).transferred).toBe(100);
    }
    expect(tracee.memory.writeAvailable(hole - 8n, Buffer.alloc(16, 0x77))).toBe(8);
    expect(tracee.read(hole - 8n, 8)).toEqual(Buffer.alloc(8, 0x77));
    expect(() => tracee.readCString(0x1000n)).toThrow(MemoryAccessError);
  });

  it('reads a C string that ends right before an unmapped page, and refuses one that runs into it', () => {
    const out = outputFile();
    const { tracee, edge } = atSignalStop(out.path);
    const hole = edge + BigInt(PAGE_SIZE);
    const s = Buffer.from('tail-string\0');
    tracee.write(hole - BigInt(s.length), s);
    expect(tracee.readCString(hole - BigInt(s.length))).toBe('tail-string');
    tracee.write(hole - 4n, Buffer.from('abcd'));
    expect(() => tracee.readCString(hole - 4n)).toThrow(MemoryAccessError);
    expect(() => tracee.readCString(edge, 100)).toThrow(RangeError);
  });
});
