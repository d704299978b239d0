import { ByteReader, type CorruptionReporter } from '../binary/byte-reader.js';
import { DYNAMIC_ENTRY_SIZE, DynamicTag } from './constants.js';

/** One Elf64_Dyn entry, with the file address of its value slot. */
export interface DynamicEntry {
  /** d_tag: see `DynamicTag`. */
  readonly tag: bigint;
  readonly value: bigint;
  /**
   * File (link-time) address of this entry's d_val. For DT_DEBUG the dynamic loader stores the
   * address of its `struct r_debug` there at run time: add the load bias and read that word.
   */
  readonly valueAddress: bigint;
}

/** Decodes the PT_DYNAMIC array up to DT_NULL. `address` is the segment's p_vaddr. */
export function parseDynamicEntries(data: Buffer, fileOffset: number, address: bigint, corrupt: CorruptionReporter): DynamicEntry[] {
  const reader = new ByteReader(data, corrupt, fileOffset);
  const entries: DynamicEntry[] = [];
  while (reader.remaining >= DYNAMIC_ENTRY_SIZE) {
    const entryOffset = reader.offset;
    const tag = reader.u64();
    const value = reader.u64();
    if (tag === BigInt(DynamicTag.NULL)) break;
    entries.push({ tag, value, valueAddress: address + BigInt(entryOffset + 8) });
  }
  return entries;
}
