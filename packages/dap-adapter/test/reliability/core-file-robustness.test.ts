// The core reader on bad cores, deterministically: a small core laid out as the kernel writes it
// (tools/fuzz/lib/core-seed.cjs, the core fuzz target's seed) cut at every length and with each
// byte of its headers and notes inverted must give the readers' typed errors or a view, never
// another exception; and what it reads from the intact core is what the core holds.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CoreFile } from '../../src/core/core-file.js';
import { CoreMemory } from '../../src/core/core-memory.js';
import { SymbolsError } from '../../src/symbols/index.js';

const fuzzDir = fileURLToPath(new URL('../../../../tools/fuzz/', import.meta.url));
const { buildCore } = createRequire(import.meta.url)(join(fuzzDir, 'lib', 'core-seed.cjs')) as {
  buildCore(options?: { threads?: number; signal?: number }): Buffer;
};

/** Opens and reads a core as a session would; returns what was thrown that is not a SymbolsError. */
function untypedErrorOf(bytes: Buffer): unknown {
  try {
    const core = CoreFile.fromBuffer(bytes, 'bad');
    const memory = new CoreMemory(core, () => undefined);
    try {
      for (const segment of core.segments) memory.readAvailable(segment.start, Buffer.alloc(4096));
      for (const thread of core.threads) memory.readAvailable(thread.registers.readBigUInt64LE(8 * 19), Buffer.alloc(256));
      memory.unreadableRun(0n, 64);
      void core.executablePath;
    } finally {
      memory.close();
      core.close();
    }
  } catch (error) {
    if (!(error instanceof SymbolsError)) return error;
  }
  return undefined;
}

describe('the core reader on bad cores', () => {
  const core = buildCore({ threads: 2, signal: 11 });

  it('reads the threads, the signal, the process, the mapped files and the memory of the intact core', () => {
    const file = CoreFile.fromBuffer(core, 'seed');
    expect(file.threads.map((thread) => thread.tid)).toEqual([1000, 1001]);
    expect(file.signal).toEqual({ number: 11, code: 1, address: 0n });
    expect(file.process).toEqual({ pid: 1000, name: 'a.out', arguments: './a.out crash' });
    expect(file.executablePath).toBe('/tmp/a.out');
    expect(file.problems).toEqual([]);
    const memory = new CoreMemory(file, () => undefined);
    const stack = Buffer.alloc(16);
    expect(memory.readAvailable(0x7ffffffde000n, stack)).toBe(16);
    expect(stack.every((byte) => byte === 0x41)).toBe(true);
    // The code segment has no bytes in the core, and its file is not opened here: unreadable.
    expect(memory.readAvailable(0x555555555000n, Buffer.alloc(16))).toBe(0);
    expect(memory.unreadableRun(0x555555556000n, Number.MAX_SAFE_INTEGER)).toBe(Number(0x7ffffffde000n - 0x555555556000n));
    expect(memory.unreadableRun(0x555555556000n, 64)).toBe(64);
  });

  it('says a core cut in its memory is truncated', () => {
    const file = CoreFile.fromBuffer(core.subarray(0, core.length - 100), 'cut');
    expect(file.problems.join(' ')).toMatch(/truncated: 100 bytes/);
  });

  it('gives typed errors or a view for every truncation', () => {
    for (let length = 0; length < core.length; length += 3) expect(untypedErrorOf(core.subarray(0, length)), `cut at ${length}`).toBeUndefined();
  });

  it('gives typed errors or a view for every byte of the headers and notes inverted', () => {
    const notesEnd = core.length - 0x2000;
    for (let index = 0; index < notesEnd; index++) {
      const bad = Buffer.from(core);
      bad[index] = bad[index]! ^ 0xff;
      expect(untypedErrorOf(bad), `byte ${index} inverted`).toBeUndefined();
    }
  });
});
