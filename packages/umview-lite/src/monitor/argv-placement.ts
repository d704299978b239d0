// An execve the monitor rewrites (a guest root's loader or #! interpreter, a module's #!
// interpreter) gets a new argv: some strings of the monitor's, then the program's own argv
// pointers. Each read or write of tracee memory costs a system call and the JS around it, and
// an execve's are taken on code that runs once per process: so the program's pointer table
// is read a page at a time (not a word at a time), and the new strings go below the stack in
// one write, the new table in a second.
import { MemoryAccessError, PAGE_SIZE } from '@umview/ptrace-core';
import type { SyscallCall } from '@umview/sysvm';

/** The kernel's limit on argv entries is far above this (MAX_ARG_STRINGS); enough for any
 * command line that fits in ARG_MAX. */
const MAX_ARGS = 1 << 16;
/** Bytes of the table read at once (at most to the end of its page, which is mapped). */
const CHUNK = 512;

/** The program's argv pointers, up to its NULL; undefined when the table cannot be read (the
 * kernel would fail the execve with EFAULT). A NULL table is an empty argv. */
export function readArgvPointers(call: SyscallCall, table: bigint): bigint[] | undefined {
  const pointers: bigint[] = [];
  if (table === 0n) return pointers;
  let at = table;
  try {
    while (pointers.length < MAX_ARGS) {
      const toPageEnd = PAGE_SIZE - Number(at % BigInt(PAGE_SIZE));
      const words = Math.floor(Math.min(toPageEnd, CHUNK) / 8);
      if (words === 0) {
        // A word across a page boundary (a table not 8-aligned): read alone.
        const p = call.io.readWord(at);
        if (p === 0n) return pointers;
        pointers.push(p);
        at += 8n;
        continue;
      }
      const bytes = call.io.read(at, words * 8);
      for (let i = 0; i < words; i++) {
        const p = bytes.readBigUInt64LE(i * 8);
        if (p === 0n) return pointers;
        pointers.push(p);
      }
      at += BigInt(words * 8);
    }
  } catch (error) {
    if (error instanceof MemoryAccessError) return undefined;
    throw error;
  }
  return pointers;
}

/** Places `texts` below the stack as C strings, in one write, and returns their addresses. */
export function placeStrings(call: SyscallCall, texts: readonly string[]): bigint[] {
  const encoded = texts.map((t) => Buffer.from(`${t}\0`, 'utf8'));
  const base = call.placeBytes(Buffer.concat(encoded));
  const addresses: bigint[] = [];
  let offset = 0;
  for (const bytes of encoded) {
    addresses.push(base + BigInt(offset));
    offset += bytes.length;
  }
  return addresses;
}

/** Places an argv table (`pointers`, then a NULL) below the stack and returns its address. */
export function placeArgvTable(call: SyscallCall, pointers: readonly bigint[]): bigint {
  const table = Buffer.alloc((pointers.length + 1) * 8);
  for (let i = 0; i < pointers.length; i++) table.writeBigUInt64LE(pointers[i]!, i * 8);
  return call.placeBytes(table);
}
