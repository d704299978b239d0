// One CFI section (.eh_frame or .debug_frame): finds the FDE covering a pc, through the
// .eh_frame_hdr search table when there is one, else through an index built by one scan.
import { ByteReader } from '../binary/byte-reader.js';
import { RangeIndex } from '../common/range-index.js';
import { CorruptDwarfError } from '../errors.js';
import { computeUnwindRow } from './cfa-program.js';
import type { EhFrameHeader } from './eh-frame-hdr.js';
import {
  readCie, readEntryHeader, readFde, type CommonInformationEntry, type FrameDescriptionEntry, type FrameSectionKind,
} from './entries.js';
import type { PointerBases } from './pointer-encoding.js';
import type { UnwindRow } from './unwind-row.js';

export class FrameSection {
  private readonly cies = new Map<number, CommonInformationEntry>();
  private scanIndex: RangeIndex<number> | undefined;
  private readonly bases: PointerBases;
  readonly sectionName: string;

  constructor(
    readonly kind: FrameSectionKind,
    private readonly data: Buffer,
    /** File address of the section (sh_addr); 0 for the non-allocated .debug_frame. */
    readonly address: bigint,
    private readonly header: EhFrameHeader | undefined,
    private readonly addressSize = 8,
  ) {
    this.sectionName = kind === 'eh_frame' ? '.eh_frame' : '.debug_frame';
    this.bases = { sectionAddress: address };
  }

  /** The FDE whose range contains `pc` (a file address). */
  findFde(pc: bigint): FrameDescriptionEntry | undefined {
    if (this.header !== undefined) {
      const fdeAddress = this.header.fdeAddressFor(pc);
      if (fdeAddress === undefined) return undefined;
      const offset = fdeAddress - this.address;
      if (offset < 0n || offset >= BigInt(this.data.length)) {
        throw new CorruptDwarfError('.eh_frame_hdr', 0, `search table points outside of .eh_frame (0x${fdeAddress.toString(16)})`);
      }
      const fde = this.fdeAt(Number(offset));
      return fde !== undefined && pc >= fde.pcBegin && pc < fde.pcEnd ? fde : undefined;
    }
    const offset = this.index().containing(pc);
    return offset === undefined ? undefined : this.fdeAt(offset);
  }

  /** The CFI row for `pc`, or undefined if no FDE covers it. */
  rowFor(pc: bigint): UnwindRow | undefined {
    const fde = this.findFde(pc);
    return fde === undefined ? undefined : computeUnwindRow(fde, pc, this.sectionName, this.bases);
  }

  /** The row of an FDE at `pc` (for callers that enumerate FDEs). */
  rowInFde(fde: FrameDescriptionEntry, pc: bigint): UnwindRow {
    return computeUnwindRow(fde, pc, this.sectionName, this.bases);
  }

  /** Every FDE in section order. */
  *fdes(): Generator<FrameDescriptionEntry> {
    for (const entry of this.scan()) {
      const fde = this.fdeAt(entry.offset);
      if (fde !== undefined) yield fde;
    }
  }

  /** The FDE at a section offset (undefined if the entry there is a CIE or a terminator). */
  fdeAt(offset: number): FrameDescriptionEntry | undefined {
    const reader = this.reader(offset);
    const header = readEntryHeader(reader, this.kind);
    if (header.kind !== 'fde') return undefined;
    return readFde(reader.slice(header.end - reader.offset), header, this.cieAt(header.cieOffset), this.bases);
  }

  cieAt(offset: number): CommonInformationEntry {
    let cie = this.cies.get(offset);
    if (cie === undefined) {
      const reader = this.reader(offset);
      const header = readEntryHeader(reader, this.kind);
      if (header.kind !== 'cie') throw new CorruptDwarfError(this.sectionName, offset, 'FDE points to an entry that is not a CIE');
      cie = readCie(reader.slice(header.end - reader.offset), header, this.addressSize, this.bases);
      this.cies.set(offset, cie);
    }
    return cie;
  }

  /** Index of FDE ranges by one pass over the section, for sections without a search table. */
  private index(): RangeIndex<number> {
    if (this.scanIndex === undefined) {
      const entries: { start: bigint; end: bigint; item: number }[] = [];
      for (const { offset } of this.scan()) {
        const fde = this.fdeAt(offset);
        // Functions removed by the linker keep their FDE with a start of 0 in .debug_frame.
        if (fde !== undefined && fde.pcBegin !== 0n) entries.push({ start: fde.pcBegin, end: fde.pcEnd, item: offset });
      }
      this.scanIndex = new RangeIndex(entries);
    }
    return this.scanIndex;
  }

  /** The offsets of all FDE entries. */
  private *scan(): Generator<{ offset: number }> {
    const reader = this.reader(0);
    while (reader.remaining >= 4) {
      const header = readEntryHeader(reader, this.kind);
      if (header.kind === 'terminator' && this.kind === 'eh_frame') return;
      if (header.kind === 'fde') yield { offset: header.offset };
      reader.seek(header.end);
    }
  }

  private reader(offset: number): ByteReader {
    return new ByteReader(this.data, (at, reason) => new CorruptDwarfError(this.sectionName, at, reason), 0, offset);
  }
}
