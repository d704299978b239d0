import { ByteReader, stringAt, type CorruptionReporter } from '../binary/byte-reader.js';
import type { ByteSource } from './byte-source.js';
import { SECTION_HEADER_SIZE, SectionType, SHN_XINDEX } from './constants.js';
import type { ElfHeader } from './elf-header.js';

/** One Elf64_Shdr with its name resolved. */
export interface SectionHeader {
  readonly index: number;
  readonly name: string;
  /** sh_type: see `SectionType`. */
  readonly type: number;
  /** sh_flags: bits of `SectionFlag`. */
  readonly flags: bigint;
  readonly address: bigint;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addressAlign: bigint;
  readonly entrySize: number;
}

type RawSectionHeader = Omit<SectionHeader, 'name'> & { readonly nameOffset: number };

export function readSectionHeaders(source: ByteSource, header: ElfHeader, corrupt: CorruptionReporter): SectionHeader[] {
  const tableOffset = header.sectionHeaderOffset;
  if (tableOffset === 0) return []; // stripped of section headers: legal, e.g. some loaders
  if (header.sectionHeaderEntrySize < SECTION_HEADER_SIZE) {
    throw corrupt(tableOffset, `section header entry size ${header.sectionHeaderEntrySize} < ${SECTION_HEADER_SIZE}`);
  }
  const entrySize = header.sectionHeaderEntrySize;
  const readRaw = (table: Buffer, index: number): RawSectionHeader =>
    parseSectionHeader(new ByteReader(table, corrupt, tableOffset, index * entrySize), index, source.size, corrupt);

  // Extended numbering: with 0xff00 sections or more, the real count and the index of the name
  // table live in section 0's sh_size and sh_link.
  checkRange(source, tableOffset, entrySize, corrupt, 'section header 0');
  const first = readRaw(source.read(tableOffset, entrySize), 0);
  const count = header.sectionHeaderCount === 0 ? first.size : header.sectionHeaderCount;
  const namesIndex = header.sectionNameTableIndex === SHN_XINDEX ? first.link : header.sectionNameTableIndex;
  if (count === 0) return [];
  checkRange(source, tableOffset, count * entrySize, corrupt, `section header table (${count} entries)`);
  const table = source.read(tableOffset, count * entrySize);
  const raw: RawSectionHeader[] = [];
  for (let index = 0; index < count; index++) raw.push(readRaw(table, index));

  const namesSection = raw[namesIndex];
  let names: Buffer | undefined;
  if (namesSection !== undefined && namesIndex !== 0 && namesSection.type !== SectionType.NOBITS) {
    checkRange(source, namesSection.offset, namesSection.size, corrupt, 'section name table');
    names = source.read(namesSection.offset, namesSection.size);
  }
  const nameCorrupt: CorruptionReporter = (offset, reason) =>
    corrupt((namesSection?.offset ?? 0) + offset, `section name: ${reason}`);
  return raw.map(({ nameOffset, ...section }) => ({
    ...section,
    name: names === undefined ? '' : stringAt(names, nameOffset, nameCorrupt),
  }));
}

function parseSectionHeader(reader: ByteReader, index: number, fileSize: number, corrupt: CorruptionReporter): RawSectionHeader {
  const at = reader.origin + reader.offset;
  const nameOffset = reader.u32();
  const type = reader.u32();
  const flags = reader.u64();
  const address = reader.u64();
  const offset = reader.u64AsNumber();
  const size = reader.u64AsNumber();
  const link = reader.u32();
  const info = reader.u32();
  const addressAlign = reader.u64();
  const entrySize = reader.u64AsNumber();
  // Only sections with file contents must lie inside the file; NOBITS (.bss) occupy no bytes.
  if (type !== SectionType.NOBITS && type !== SectionType.NULL && index !== 0 && offset + size > fileSize) {
    throw corrupt(at, `section ${index} (offset 0x${offset.toString(16)}, size 0x${size.toString(16)}) runs past the end of the file`);
  }
  return { index, nameOffset, type, flags, address, offset, size, link, info, addressAlign, entrySize };
}

function checkRange(source: ByteSource, offset: number, length: number, corrupt: CorruptionReporter, what: string): void {
  if (offset + length > source.size) throw corrupt(offset, `${what} runs past the end of the file`);
}
