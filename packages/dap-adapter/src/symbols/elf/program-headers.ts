import { ByteReader, type CorruptionReporter } from '../binary/byte-reader.js';
import type { ByteSource } from './byte-source.js';
import { PROGRAM_HEADER_SIZE } from './constants.js';
import type { ElfHeader } from './elf-header.js';

/** One Elf64_Phdr. */
export interface ProgramHeader {
  /** p_type: see `SegmentType`. */
  readonly type: number;
  /** p_flags: bits of `SegmentFlag`. */
  readonly flags: number;
  readonly offset: number;
  readonly virtualAddress: bigint;
  readonly physicalAddress: bigint;
  readonly fileSize: number;
  readonly memorySize: bigint;
  readonly align: bigint;
}

export function readProgramHeaders(source: ByteSource, header: ElfHeader, corrupt: CorruptionReporter): ProgramHeader[] {
  const count = header.programHeaderCount;
  if (count === 0 || header.programHeaderOffset === 0) return [];
  if (header.programHeaderEntrySize < PROGRAM_HEADER_SIZE) {
    throw corrupt(header.programHeaderOffset, `program header entry size ${header.programHeaderEntrySize} < ${PROGRAM_HEADER_SIZE}`);
  }
  const tableSize = count * header.programHeaderEntrySize;
  if (header.programHeaderOffset + tableSize > source.size) {
    throw corrupt(header.programHeaderOffset, `program header table of ${tableSize} bytes runs past the end of the file`);
  }
  const table = source.read(header.programHeaderOffset, tableSize);
  const headers: ProgramHeader[] = [];
  for (let index = 0; index < count; index++) {
    const reader = new ByteReader(table, corrupt, header.programHeaderOffset, index * header.programHeaderEntrySize);
    const type = reader.u32();
    const flags = reader.u32();
    const offset = reader.u64AsNumber();
    const virtualAddress = reader.u64();
    const physicalAddress = reader.u64();
    const fileSize = reader.u64AsNumber();
    const memorySize = reader.u64();
    const align = reader.u64();
    headers.push({ type, flags, offset, virtualAddress, physicalAddress, fileSize, memorySize, align });
  }
  return headers;
}
