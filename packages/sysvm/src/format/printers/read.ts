// Memory helpers shared by the struct printers: read or fall back to the address, as strace
// does when umove() fails.
import { formatAddress, quoteBytes, quoteCString } from '../escape.js';
import type { SyscallMemory } from '../types.js';

/** Reads `length` bytes, or undefined when unreadable (never throws). */
export function readBytes(mem: SyscallMemory, addr: bigint, length: number): Buffer | undefined {
  if (length === 0) return Buffer.alloc(0);
  try {
    return mem.read(addr, length);
  } catch {
    return undefined;
  }
}

/** Reads a C string as bytes (at most `max`), preferring the byte-exact reader. */
export function readCStringBytes(mem: SyscallMemory, addr: bigint, max: number): Buffer | undefined {
  try {
    if (mem.readCStringBytes) return mem.readCStringBytes(addr, max);
    const text = mem.readCString(addr, max);
    return text === undefined ? undefined : Buffer.from(text, 'utf8');
  } catch {
    return undefined;
  }
}

/** A NUL-terminated string argument: NULL, the address when unreadable, or the quoted text
 * truncated to `limit` bytes with `...`. */
export function printCString(mem: SyscallMemory, addr: bigint, limit: number): string {
  if (addr === 0n) return 'NULL';
  const bytes = readCStringBytes(mem, addr, limit + 1);
  return bytes === undefined ? formatAddress(addr) : quoteCString(bytes, limit);
}

/** PATH_MAX: strace shows paths whole, up to PATH_MAX - 1 bytes. */
export const PATH_MAX = 4096;

export function printPath(mem: SyscallMemory, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const bytes = readCStringBytes(mem, addr, PATH_MAX);
  if (bytes === undefined) return formatAddress(addr);
  return bytes.length >= PATH_MAX ? `${quoteBytes(bytes.subarray(0, PATH_MAX - 1))}...` : quoteBytes(bytes);
}

/** Reads a struct and prints it, or prints the address when unreadable. */
export function withStruct(mem: SyscallMemory, addr: bigint, size: number, print: (buf: Buffer) => string): string {
  if (addr === 0n) return 'NULL';
  const buf = readBytes(mem, addr, size);
  return buf === undefined ? formatAddress(addr) : print(buf);
}

/** Decimal of a signed 32-bit value in a bigint register. */
export const int32 = (v: bigint): string => String(BigInt.asIntN(32, v));
