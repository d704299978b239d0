import { ByteReader, type CorruptionReporter } from '../binary/byte-reader.js';
import { NotElfError, UnsupportedElfError } from '../errors.js';
import type { ByteSource } from './byte-source.js';
import { ELF_HEADER_SIZE, ELF_MAGIC, ELFCLASS64, ELFDATA2LSB } from './constants.js';

/** The fields of Elf64_Ehdr, with offsets as numbers (they index a file that fits in memory). */
export interface ElfHeader {
  readonly osAbi: number;
  /** e_type: see `ElfType` (EXEC, DYN...). */
  readonly type: number;
  readonly machine: number;
  readonly entry: bigint;
  readonly programHeaderOffset: number;
  readonly sectionHeaderOffset: number;
  readonly flags: number;
  readonly programHeaderEntrySize: number;
  readonly programHeaderCount: number;
  readonly sectionHeaderEntrySize: number;
  /** e_shnum as stored: 0 with a non-zero offset means "the count is in section 0". */
  readonly sectionHeaderCount: number;
  /** e_shstrndx as stored: SHN_XINDEX means "the index is in section 0". */
  readonly sectionNameTableIndex: number;
}

export function readElfHeader(source: ByteSource, corrupt: CorruptionReporter): ElfHeader {
  const prefix = source.read(0, Math.min(ELF_HEADER_SIZE, source.size));
  if (prefix.length < ELF_MAGIC.length || !prefix.subarray(0, ELF_MAGIC.length).equals(ELF_MAGIC)) {
    throw new NotElfError(source.name);
  }
  if (prefix.length < 6) throw corrupt(prefix.length, 'file ends inside the ELF identification');
  if (prefix[4] !== ELFCLASS64) throw new UnsupportedElfError(source.name, `ELF class ${prefix[4]} (only 64-bit is supported)`);
  if (prefix[5] !== ELFDATA2LSB) throw new UnsupportedElfError(source.name, 'big-endian data (only little-endian is supported)');
  if (prefix.length < ELF_HEADER_SIZE) throw corrupt(prefix.length, 'file ends inside the ELF header');

  const reader = new ByteReader(prefix, corrupt);
  reader.seek(7);
  const osAbi = reader.u8();
  reader.seek(16);
  const type = reader.u16();
  const machine = reader.u16();
  reader.u32(); // e_version
  const entry = reader.u64();
  const programHeaderOffset = reader.u64AsNumber();
  const sectionHeaderOffset = reader.u64AsNumber();
  const flags = reader.u32();
  reader.u16(); // e_ehsize
  return {
    osAbi,
    type,
    machine,
    entry,
    programHeaderOffset,
    sectionHeaderOffset,
    flags,
    programHeaderEntrySize: reader.u16(),
    programHeaderCount: reader.u16(),
    sectionHeaderEntrySize: reader.u16(),
    sectionHeaderCount: reader.u16(),
    sectionNameTableIndex: reader.u16(),
  };
}
