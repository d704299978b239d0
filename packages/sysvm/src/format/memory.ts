// Adapters from ptrace-core's tracee memory to the formatter's SyscallMemory: reads never
// throw (unreadable memory is shown as an address, as strace does).
import type { TraceeMemory } from '@umview/ptrace-core';
import type { SyscallMemory } from './types.js';

const PAGE = 4096n;

/** The subset of TraceeMemory the adapter uses (so a test double or another backend fits). */
export type ReadableMemory = Pick<TraceeMemory, 'readAvailable'>;

/** A SyscallMemory over a tracee's memory (`tracee.memory`). C strings are read a page at a
 * time, so a string that ends just before an unmapped page is still read whole. */
export function syscallMemory(memory: ReadableMemory): SyscallMemory {
  const readCStringBytes = (addr: bigint, max: number): Buffer | undefined => {
    const chunks: Buffer[] = [];
    let total = 0;
    let at = addr;
    while (total < max) {
      const pageLeft = Number(PAGE - (at % PAGE));
      const chunk = Buffer.alloc(Math.min(pageLeft, max - total));
      let n: number;
      try {
        n = memory.readAvailable(at, chunk);
      } catch {
        return undefined;
      }
      const nul = chunk.subarray(0, n).indexOf(0);
      if (nul >= 0) {
        chunks.push(chunk.subarray(0, nul));
        return Buffer.concat(chunks);
      }
      // Memory ended before the NUL: strace prints the address then.
      if (n < chunk.length) return undefined;
      chunks.push(chunk);
      total += n;
      at += BigInt(n);
    }
    return Buffer.concat(chunks);
  };
  return {
    readCStringBytes,
    readCString: (addr, max) => readCStringBytes(addr, max)?.toString('utf8'),
    read: (addr, length) => {
      const buf = Buffer.alloc(length);
      try {
        return memory.readAvailable(addr, buf) === length ? buf : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** A SyscallMemory over a local buffer mapped at `base` (tests, or data already copied out). */
export function bufferMemory(base: bigint, data: Uint8Array): SyscallMemory {
  const slice = (addr: bigint, length: number): Buffer | undefined => {
    const start = addr - base;
    if (start < 0n || start + BigInt(length) > BigInt(data.length)) return undefined;
    return Buffer.from(data.subarray(Number(start), Number(start) + length));
  };
  const readCStringBytes = (addr: bigint, max: number): Buffer | undefined => {
    const start = addr - base;
    if (start < 0n || start >= BigInt(data.length)) return undefined;
    const rest = Buffer.from(data.subarray(Number(start)));
    const nul = rest.indexOf(0);
    if (nul >= 0 && nul <= max) return rest.subarray(0, nul);
    if (rest.length >= max) return rest.subarray(0, max);
    return undefined;
  };
  return {
    read: slice,
    readCStringBytes,
    readCString: (addr, max) => readCStringBytes(addr, max)?.toString('utf8'),
  };
}
