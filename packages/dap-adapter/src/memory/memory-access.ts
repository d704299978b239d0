// readMemory and writeMemory: raw bytes of the debuggee for VS Code's memory view, our int3s
// shown as the bytes they replaced and writes kept under them. A range that starts in
// unmapped memory is answered with the count of bytes to skip (DAP's `unreadableBytes`).
import { readFileSync } from 'node:fs';
import type { Tracee } from '@umview/ptrace-core';
import type { SoftwareBreakpoints } from '../breakpoints/software-breakpoints.js';
import type { MemoryReadResult, MemoryWriteResult } from '../engine/protocol.js';
import type { ThreadMemory } from '../inspect/thread-access.js';
import { parseProcMaps } from '../symbols/index.js';

/** The largest read answered at once (VS Code asks for a few KiB at a time). */
const MAX_READ = 16 * 1024 * 1024;

export function readMemory(tracee: Tracee, breakpoints: SoftwareBreakpoints, address: bigint, count: number): MemoryReadResult {
  return readMemoryFrom(tracee.memory, breakpoints, address, count, (from) => unreadableRun(tracee.pid, from, count));
}

/**
 * readMemory from any memory (a live process, a core file): `unreadable(address)` says how many
 * bytes from an address that cannot be read are to be skipped (at most `count`).
 */
export function readMemoryFrom(memory: ThreadMemory, breakpoints: SoftwareBreakpoints, address: bigint, count: number, unreadable: (address: bigint) => number): MemoryReadResult {
  if (!Number.isSafeInteger(count) || count < 0) throw new Error('"count" must be a non-negative number of bytes');
  const wanted = Math.min(count, MAX_READ);
  const hex = `0x${BigInt.asUintN(64, address).toString(16)}`;
  if (wanted === 0) return { address: hex, data: '' };
  const buffer = Buffer.alloc(wanted);
  let read: number;
  try {
    read = address < 0n || address >= 1n << 64n ? 0 : memory.readAvailable(address, buffer);
  } catch {
    read = 0;
  }
  if (read === 0) return { address: hex, data: '', unreadableBytes: unreadable(address) };
  breakpoints.unpatch(address, buffer.subarray(0, read));
  return { address: hex, data: buffer.subarray(0, read).toString('base64'), ...(read < count ? { unreadableBytes: count - read } : {}) };
}

/** How many bytes from `address` on are unmapped (up to the next readable mapping, at most `count`). */
function unreadableRun(pid: number, address: bigint, count: number): number {
  try {
    const mappings = parseProcMaps(readFileSync(`/proc/${pid}/maps`, 'utf8'));
    const next = mappings.filter((mapping) => mapping.readable && mapping.end > address).sort((a, b) => (a.start < b.start ? -1 : 1))[0];
    if (next === undefined || next.start <= address) return count;
    return Number(next.start - address < BigInt(count) ? next.start - address : BigInt(count));
  } catch {
    return count;
  }
}

export function writeMemory(breakpoints: SoftwareBreakpoints, address: bigint, data: Buffer, allowPartial: boolean): MemoryWriteResult {
  const written = breakpoints.writeThrough(address, data);
  if (written < data.length && !allowPartial) {
    throw new Error(`Cannot access memory at address 0x${(address + BigInt(written)).toString(16)} (${written} of ${data.length} bytes written)`);
  }
  return { bytesWritten: written };
}
