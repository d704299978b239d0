// Flags of memory-management syscalls: mmap, mprotect, mremap, madvise.
import { flagsDecoder, valueDecoder, type Decoder } from '../xlat.js';

export const mmapProt: Decoder = flagsDecoder([
  ['PROT_NONE', 0], ['PROT_READ', 1], ['PROT_WRITE', 2], ['PROT_EXEC', 4], ['PROT_SEM', 8],
  ['PROT_GROWSDOWN', 0x1000000], ['PROT_GROWSUP', 0x2000000],
], { width: 32, unknown: 'PROT_???' });

const mapType = valueDecoder(
  [['MAP_SHARED', 1], ['MAP_PRIVATE', 2], ['MAP_SHARED_VALIDATE', 3], ['MAP_DROPPABLE', 8]],
  { width: 32, unknown: 'MAP_???', format: 'hex' });

// x86-64 values, in strace's table order.
const mapFlagBits = flagsDecoder([
  ['MAP_FIXED', 0x10], ['MAP_ANONYMOUS', 0x20], ['MAP_32BIT', 0x40], ['MAP_ABOVE4G', 0x80],
  ['MAP_NORESERVE', 0x4000], ['MAP_POPULATE', 0x8000], ['MAP_NONBLOCK', 0x10000],
  ['MAP_GROWSDOWN', 0x100], ['MAP_DENYWRITE', 0x800], ['MAP_EXECUTABLE', 0x1000],
  ['MAP_LOCKED', 0x2000], ['MAP_STACK', 0x20000], ['MAP_HUGETLB', 0x40000], ['MAP_SYNC', 0x80000],
  ['MAP_UNINITIALIZED', 0x4000000], ['MAP_FIXED_NOREPLACE', 0x100000],
], { width: 32 });

const MAP_TYPE = 0xfn;
const MAP_HUGE_SHIFT = 26n;
const MAP_HUGE_MASK = 0x3fn << MAP_HUGE_SHIFT;

/** mmap flags: the mapping type, the other flags, and a huge page size as strace shows it
 * (`|21<<MAP_HUGE_SHIFT`). */
export function mmapFlags(raw: bigint): string {
  const value = BigInt.asUintN(32, raw);
  let out = mapType(value & MAP_TYPE);
  const huge = (value & MAP_HUGE_MASK) >> MAP_HUGE_SHIFT;
  const rest = value & ~MAP_TYPE & ~MAP_HUGE_MASK;
  if (rest !== 0n) out += `|${mapFlagBits(rest)}`;
  if (huge !== 0n) out += `|${huge}<<MAP_HUGE_SHIFT`;
  return out;
}

export const mremapFlags: Decoder = flagsDecoder(
  [['MREMAP_MAYMOVE', 1], ['MREMAP_FIXED', 2], ['MREMAP_DONTUNMAP', 4]], { width: 32, unknown: 'MREMAP_???' });

export const madviseAdvice: Decoder = valueDecoder([
  ['MADV_NORMAL', 0], ['MADV_RANDOM', 1], ['MADV_SEQUENTIAL', 2], ['MADV_WILLNEED', 3],
  ['MADV_DONTNEED', 4], ['MADV_FREE', 8], ['MADV_REMOVE', 9], ['MADV_DONTFORK', 10],
  ['MADV_DOFORK', 11], ['MADV_MERGEABLE', 12], ['MADV_UNMERGEABLE', 13], ['MADV_HUGEPAGE', 14],
  ['MADV_NOHUGEPAGE', 15], ['MADV_DONTDUMP', 16], ['MADV_DODUMP', 17], ['MADV_WIPEONFORK', 18],
  ['MADV_KEEPONFORK', 19], ['MADV_COLD', 20], ['MADV_PAGEOUT', 21], ['MADV_POPULATE_READ', 22],
  ['MADV_POPULATE_WRITE', 23], ['MADV_DONTNEED_LOCKED', 24], ['MADV_COLLAPSE', 25],
  ['MADV_HWPOISON', 100], ['MADV_SOFT_OFFLINE', 101], ['MADV_GUARD_INSTALL', 102], ['MADV_GUARD_REMOVE', 103],
], { width: 32, unknown: 'MADV_???' });
