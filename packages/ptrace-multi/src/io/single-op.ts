// Single reads and writes without a batch: what a syscall handler does most (read a path, copy
// a 4 KiB buffer), done with one process_vm_readv/writev (a string, one per page it spans) and
// the same counting as a batch. A transfer that does not complete returns undefined: the caller
// then runs the op as a batch, whose planner recovers the bytes that exist and reports the exact
// fault.
import { PAGE_SIZE } from '../arch/x86_64.js';
import { addBatch } from '../stats/counters.js';
import type { TraceeChannel } from './channel.js';

/** Strings longer than this (with their NUL) take the batch path. */
const QUICK_STRING_LIMIT = 64 * 1024;

const words = (address: number, length: number): number =>
  length <= 0 ? 0 : Math.ceil((address + length) / 8) - Math.floor(address / 8);

/** Reads `length` bytes, or undefined if they are not all readable at once. */
export function quickRead(channel: TraceeChannel, address: number, length: number): Buffer | undefined {
  if (length <= 0) return undefined;
  const { buffer, address: local } = channel.workspace.scratch(length);
  const n = transfer(channel, 'read', local, address, length);
  if (n !== length) return undefined;
  count(channel, length, words(address, length));
  return Buffer.from(buffer.subarray(0, length));
}

/** Reads the word at `address` (little-endian), or undefined if it is not readable at once. */
export function quickWord(channel: TraceeChannel, address: number): bigint | undefined {
  const { buffer, address: local } = channel.workspace.scratch(8);
  if (transfer(channel, 'read', local, address, 8) !== 8) return undefined;
  count(channel, 8, words(address, 8));
  return buffer.readBigUInt64LE(0);
}

/** Writes `data`, or returns false if it could not be written whole at once. */
export function quickWrite(channel: TraceeChannel, address: number, data: Uint8Array): boolean {
  if (data.length === 0) return false;
  const { buffer, address: local } = channel.workspace.scratch(data.length);
  buffer.set(data);
  if (transfer(channel, 'write', local, address, data.length) !== data.length) return false;
  const head = address % 8 !== 0 ? 1 : 0;
  const tail = (address + data.length) % 8 !== 0 ? 1 : 0;
  const n = words(address, data.length);
  count(channel, data.length, n === 1 ? (head || tail ? 2 : 1) : n + head + tail);
  return true;
}

/** Reads a C string, or undefined when it is longer than `maxLength` or not all readable (the
 * batch path then reports which). */
export function quickCString(channel: TraceeChannel, address: number, maxLength: number): string | undefined {
  const length = scratchCString(channel, address, maxLength);
  return length < 0 ? undefined : channel.workspace.scratch(0).buffer.toString('utf8', 0, length);
}

/** quickCString's bytes (NUL excluded), as a copy: for a caller that only looks at them. */
export function quickCStringBytes(channel: TraceeChannel, address: number, maxLength: number): Buffer | undefined {
  const length = scratchCString(channel, address, maxLength);
  // TypedArray's own slice, a copy (a Buffer, by species): a builtin, where Buffer.from is a
  // large JavaScript function to compile on a hot path. (Buffer's own slice is a view.)
  return length < 0 ? undefined : (copyBytes.call(channel.workspace.scratch(0).buffer, 0, length) as Buffer);
}

const copyBytes = Uint8Array.prototype.slice;
const indexOfByte = Uint8Array.prototype.indexOf;

/** Reads the string into the workspace's scratch area, a page at a time (one process_vm_readv
 * each: a path that crosses a page boundary — 1 or 2 in 100 — takes two, not the planner);
 * returns its length, or -1 when a read faults or it is longer than `maxLength` (the batch path
 * then reports which). */
function scratchCString(channel: TraceeChannel, address: number, maxLength: number): number {
  const limit = Math.min(maxLength + 1, QUICK_STRING_LIMIT);
  const { buffer, address: local } = channel.workspace.scratch(limit);
  let length = 0;
  let reads = 0;
  while (length < limit) {
    const at = address + length;
    const chunk = Math.min(PAGE_SIZE - (at % PAGE_SIZE), limit - length);
    const n = transfer(channel, 'read', local + length, at, chunk);
    reads++;
    if (n < chunk) break; // within one page a read is whole or nothing: a fault
    // The builtin search, without a view: a NUL found past what was read (bytes left by an
    // earlier read) means none yet. (What was read stops at maxLength + 1 bytes, so a NUL in it
    // is within the limit.)
    const nul = indexOfByte.call(buffer, 0, length) as number;
    if (nul >= 0 && nul < length + n) {
      count(channel, nul + 1, words(address, nul + 1), reads);
      return nul;
    }
    length += n;
  }
  channel.counters.syscalls += reads; // issued, though the batch path reads again
  return -1;
}

function transfer(channel: TraceeChannel, direction: 'read' | 'write', local: number, remote: number, length: number): number {
  const { localIov, remoteIov } = channel.workspace;
  localIov.clear();
  remoteIov.clear();
  localIov.push(local, length);
  remoteIov.push(remote, length);
  return direction === 'read'
    ? channel.kernel.processVmReadv(localIov.address, 1, remoteIov.address, 1)
    : channel.kernel.processVmWritev(localIov.address, 1, remoteIov.address, 1);
}

/** A batch of one op. */
function count(channel: TraceeChannel, bytes: number, oneByOneSyscalls: number, syscalls = 1): void {
  addBatch(channel.counters, 1, syscalls, bytes, oneByOneSyscalls);
}
