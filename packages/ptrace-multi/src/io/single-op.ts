// Single reads and writes without a batch: what a syscall handler does most (read a path, copy
// a 4 KiB buffer), done with one process_vm_readv/writev and the same counting as a batch. A
// transfer that does not complete in that one call returns undefined: the caller then runs the
// op as a batch, whose planner recovers the bytes that exist and reports the exact fault.
import { PAGE_SIZE } from '../arch/x86_64.js';
import { accumulate } from '../stats/counters.js';
import type { TraceeChannel } from './channel.js';

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

/** Reads a C string that ends before the end of its page, or undefined (longer, or not all
 * readable: the batch path reads on, page by page). */
export function quickCString(channel: TraceeChannel, address: number, maxLength: number): string | undefined {
  return scratchCString(channel, address, maxLength)?.toString('utf8');
}

/** quickCString's bytes (NUL excluded), as a copy: for a caller that only looks at them. */
export function quickCStringBytes(channel: TraceeChannel, address: number, maxLength: number): Buffer | undefined {
  const bytes = scratchCString(channel, address, maxLength);
  // TypedArray's own slice, a copy (a Buffer, by species): a builtin, where Buffer.from is a
  // large JavaScript function to compile on a hot path. (Buffer's own slice is a view.)
  return bytes && (copy.call(bytes) as Buffer);
}

const copy = Uint8Array.prototype.slice;

/** The string's bytes in the workspace's scratch area (valid until its next use). */
function scratchCString(channel: TraceeChannel, address: number, maxLength: number): Buffer | undefined {
  const chunk = Math.min(PAGE_SIZE - (address % PAGE_SIZE), maxLength + 1);
  const { buffer, address: local } = channel.workspace.scratch(chunk);
  const n = transfer(channel, 'read', local, address, chunk);
  if (n <= 0) return undefined;
  const nul = buffer.subarray(0, n).indexOf(0);
  if (nul < 0 || nul > maxLength) return undefined;
  count(channel, nul + 1, words(address, nul + 1));
  return buffer.subarray(0, nul);
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

function count(channel: TraceeChannel, bytes: number, oneByOneSyscalls: number): void {
  accumulate(channel.counters, { ops: 1, syscalls: 1, bytes, oneByOneSyscalls });
}
