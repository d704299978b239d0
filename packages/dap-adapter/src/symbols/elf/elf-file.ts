// An ELF64 little-endian file opened lazily: the constructor reads the ELF header, the section
// header table and the section names; everything else is read the first time it is asked for.
import type { CorruptionReporter } from '../binary/byte-reader.js';
import { CorruptElfError } from '../errors.js';
import { BufferByteSource, FileByteSource, type ByteSource } from './byte-source.js';
import { decompressSection } from './compressed-section.js';
import { DynamicTag, ElfType, NT_GNU_BUILD_ID, SectionFlag, SectionType, SegmentType } from './constants.js';
import { parseDebugLink, type DebugLink } from './debug-link.js';
import { parseDynamicEntries, type DynamicEntry } from './dynamic-section.js';
import { readElfHeader, type ElfHeader } from './elf-header.js';
import { parseNotes, type ElfNote } from './notes.js';
import { loadBiasForMapping, loadBiasFromMappings, type MemoryMapping } from './proc-maps.js';
import { readProgramHeaders, type ProgramHeader } from './program-headers.js';
import { readSectionHeaders, type SectionHeader } from './section-headers.js';
import { parseSymbols, SymbolTable, type ElfSymbol } from './symbol-table.js';

export class ElfFile {
  readonly header: ElfHeader;
  readonly sections: readonly SectionHeader[];
  private readonly corrupt: CorruptionReporter;
  private readonly sectionCache = new Map<number, Buffer>();
  private programHeaderCache: readonly ProgramHeader[] | undefined;
  private symbolCache: SymbolTable | undefined;
  private dynamicCache: readonly DynamicEntry[] | undefined;
  private notesCache: readonly ElfNote[] | undefined;

  /** Opens a file by path. Throws NotElfError, UnsupportedElfError, CorruptElfError or a system error (ENOENT...). */
  static open(path: string): ElfFile {
    const source = new FileByteSource(path);
    try {
      return new ElfFile(source);
    } catch (error) {
      source.close();
      throw error;
    }
  }

  /** Reads an ELF image that is already in memory. */
  static fromBuffer(bytes: Buffer, name = '<buffer>'): ElfFile {
    return new ElfFile(new BufferByteSource(bytes, name));
  }

  private constructor(private readonly source: ByteSource) {
    this.corrupt = (offset, reason) => new CorruptElfError(source.name, offset, reason);
    this.header = readElfHeader(source, this.corrupt);
    this.sections = readSectionHeaders(source, this.header, this.corrupt);
  }

  get path(): string {
    return this.source.name;
  }

  /** ET_DYN: a PIE executable or a shared object, loaded at an address chosen at run time. */
  get isPositionIndependent(): boolean {
    return this.header.type === ElfType.DYN;
  }

  /** ET_EXEC: a fixed-address executable (load bias 0). */
  get isFixedAddressExecutable(): boolean {
    return this.header.type === ElfType.EXEC;
  }

  /** e_entry as a file address. */
  get entryPoint(): bigint {
    return this.header.entry;
  }

  get programHeaders(): readonly ProgramHeader[] {
    this.programHeaderCache ??= readProgramHeaders(this.source, this.header, this.corrupt);
    return this.programHeaderCache;
  }

  /** The first section with this name. */
  section(name: string): SectionHeader | undefined {
    return this.sections.find((section) => section.name === name);
  }

  /** The section's contents (decompressed if SHF_COMPRESSED), read once and cached; empty for NOBITS. */
  sectionData(sectionOrName: SectionHeader | string): Buffer | undefined {
    const section = typeof sectionOrName === 'string' ? this.section(sectionOrName) : sectionOrName;
    if (section === undefined) return undefined;
    let data = this.sectionCache.get(section.index);
    if (data === undefined) {
      data = this.readSection(section);
      this.sectionCache.set(section.index, data);
    }
    return data;
  }

  /** Names of the sections whose contents have been read so far (to check laziness). */
  loadedSectionNames(): string[] {
    return [...this.sectionCache.keys()].map((index) => this.sections[index]?.name ?? '');
  }

  /** `.symtab` and `.dynsym` together, parsed on first use. */
  get symbols(): SymbolTable {
    this.symbolCache ??= new SymbolTable([...this.readSymbols('.symtab', 'symtab'), ...this.readSymbols('.dynsym', 'dynsym')]);
    return this.symbolCache;
  }

  symbolByName(name: string): ElfSymbol | undefined {
    return this.symbols.named(name);
  }

  /** The function or object whose extent contains the file address. */
  symbolAt(address: bigint): ElfSymbol | undefined {
    return this.symbols.containing(address);
  }

  /** The program interpreter (PT_INTERP), e.g. /lib64/ld-linux-x86-64.so.2. */
  interpreter(): string | undefined {
    const segment = this.programHeaders.find((header) => header.type === SegmentType.INTERP);
    if (segment === undefined) return undefined;
    const bytes = this.readRange(segment.offset, segment.fileSize, 'PT_INTERP');
    const nul = bytes.indexOf(0);
    return bytes.toString('utf8', 0, nul < 0 ? bytes.length : nul);
  }

  /** The entries of the dynamic section (PT_DYNAMIC), up to DT_NULL. */
  dynamicEntries(): readonly DynamicEntry[] {
    if (this.dynamicCache === undefined) {
      const segment = this.programHeaders.find((header) => header.type === SegmentType.DYNAMIC);
      this.dynamicCache = segment === undefined ? [] : parseDynamicEntries(
        this.readRange(segment.offset, segment.fileSize, 'PT_DYNAMIC'), segment.offset, segment.virtualAddress, this.corrupt);
    }
    return this.dynamicCache;
  }

  /** File address of DT_DEBUG's value, where ld.so stores `&_r_debug`; undefined if there is no DT_DEBUG. */
  debugStructureSlot(): bigint | undefined {
    return this.dynamicEntries().find((entry) => entry.tag === BigInt(DynamicTag.DEBUG))?.valueAddress;
  }

  /** All notes, from SHT_NOTE sections (or PT_NOTE segments when there are no section headers). */
  notes(): readonly ElfNote[] {
    if (this.notesCache === undefined) {
      const notes: ElfNote[] = [];
      const noteSections = this.sections.filter((section) => section.type === SectionType.NOTE);
      if (noteSections.length > 0) {
        for (const section of noteSections) notes.push(...parseNotes(this.sectionData(section)!, section.offset, this.corrupt));
      } else {
        for (const segment of this.programHeaders.filter((header) => header.type === SegmentType.NOTE)) {
          notes.push(...parseNotes(this.readRange(segment.offset, segment.fileSize, 'PT_NOTE'), segment.offset, this.corrupt));
        }
      }
      this.notesCache = notes;
    }
    return this.notesCache;
  }

  /** The GNU build-id as lowercase hex, as `readelf -n` prints it. */
  buildId(): string | undefined {
    return this.notes().find((note) => note.owner === 'GNU' && note.type === NT_GNU_BUILD_ID)?.description.toString('hex');
  }

  /** The `.gnu_debuglink` section: name and CRC of the separate debug file. */
  debugLink(): DebugLink | undefined {
    const section = this.section('.gnu_debuglink');
    return section === undefined ? undefined : parseDebugLink(this.sectionData(section)!, section.offset, this.corrupt);
  }

  /** Load bias implied by one /proc/PID/maps mapping of this file (see `loadBiasForMapping`). */
  loadBiasForMapping(mapping: Pick<MemoryMapping, 'start' | 'offset'>): bigint | undefined {
    return this.isFixedAddressExecutable ? 0n : loadBiasForMapping(this.programHeaders, mapping);
  }

  /** Load bias of this file in a process, from that process's mappings of `path` (default: this file's path). */
  loadBiasFromMappings(mappings: readonly MemoryMapping[], path = this.path): bigint | undefined {
    return this.isFixedAddressExecutable ? 0n : loadBiasFromMappings(this.programHeaders, mappings, path);
  }

  /** The section containing a file address (allocated sections only). */
  sectionContaining(address: bigint): SectionHeader | undefined {
    return this.sections.find((section) =>
      (section.flags & SectionFlag.ALLOC) !== 0n && address >= section.address && address < section.address + BigInt(section.size));
  }

  close(): void {
    this.source.close();
    this.sectionCache.clear();
  }

  private readSection(section: SectionHeader): Buffer {
    if (section.type === SectionType.NOBITS || section.type === SectionType.NULL) return Buffer.alloc(0);
    const raw = this.readRange(section.offset, section.size, `section ${section.name}`);
    return (section.flags & SectionFlag.COMPRESSED) !== 0n ? decompressSection(raw, section.offset, this.corrupt) : raw;
  }

  private readSymbols(name: '.symtab' | '.dynsym', table: 'symtab' | 'dynsym'): ElfSymbol[] {
    const section = this.section(name);
    // Separate debug files keep the section headers of .dynsym but not its contents (NOBITS).
    if (section === undefined || section.type === SectionType.NOBITS) return [];
    const strings = this.sections[section.link];
    if (strings === undefined || strings.type !== SectionType.STRTAB) {
      throw this.corrupt(section.offset, `${name} links to section ${section.link}, which is not a string table`);
    }
    return parseSymbols(table, section, this.sectionData(section)!, this.sectionData(strings)!, this.sections, this.corrupt);
  }

  private readRange(offset: number, length: number, what: string): Buffer {
    if (offset + length > this.source.size) throw this.corrupt(offset, `${what} runs past the end of the file`);
    return this.source.read(offset, length);
  }
}
