// The CFI of one ELF file: .eh_frame (with .eh_frame_hdr) and .debug_frame, each read the first
// time a pc is looked up. gcc puts everything in .eh_frame by default; with
// -fno-asynchronous-unwind-tables -g it writes .debug_frame instead.
import type { ElfFile } from '../elf/elf-file.js';
import { EhFrameHeader } from './eh-frame-hdr.js';
import type { FrameDescriptionEntry } from './entries.js';
import { FrameSection } from './frame-section.js';
import type { UnwindRow } from './unwind-row.js';

/** Rows kept per file: a stop unwinds through the same return addresses again and again. */
const ROW_CACHE_SIZE = 4096;

export class CallFrameInfo {
  private ehFrameCache: FrameSection | null | undefined;
  private debugFrameCache: FrameSection | null | undefined;
  private readonly rows = new Map<bigint, UnwindRow | null>();

  constructor(private readonly elf: ElfFile) {}

  get ehFrame(): FrameSection | undefined {
    if (this.ehFrameCache === undefined) {
      const section = this.elf.section('.eh_frame');
      if (section === undefined || section.size === 0) {
        this.ehFrameCache = null;
      } else {
        const headerSection = this.elf.section('.eh_frame_hdr');
        const header = headerSection === undefined ? undefined : EhFrameHeader.parse(this.elf.sectionData(headerSection)!, headerSection.address);
        // A header that points elsewhere than this .eh_frame cannot be trusted for offsets.
        const usable = header !== undefined && header.ehFrameAddress === section.address ? header : undefined;
        this.ehFrameCache = new FrameSection('eh_frame', this.elf.sectionData(section)!, section.address, usable);
      }
    }
    return this.ehFrameCache ?? undefined;
  }

  get debugFrame(): FrameSection | undefined {
    if (this.debugFrameCache === undefined) {
      const section = this.elf.section('.debug_frame');
      this.debugFrameCache = section === undefined || section.size === 0
        ? null
        : new FrameSection('debug_frame', this.elf.sectionData(section)!, 0n, undefined);
    }
    return this.debugFrameCache ?? undefined;
  }

  /** The FDE covering a file address, from .eh_frame first, then .debug_frame. */
  findFde(pc: bigint): { fde: FrameDescriptionEntry; section: FrameSection } | undefined {
    for (const section of [this.ehFrame, this.debugFrame]) {
      const fde = section?.findFde(pc);
      if (fde !== undefined) return { fde, section: section! };
    }
    return undefined;
  }

  /** The unwind row in effect at a file address, or undefined if no CFI covers it. */
  rowFor(pc: bigint): UnwindRow | undefined {
    const cached = this.rows.get(pc);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.findFde(pc);
    const row = found === undefined ? undefined : found.section.rowInFde(found.fde, pc);
    if (this.rows.size >= ROW_CACHE_SIZE) this.rows.clear();
    this.rows.set(pc, row ?? null);
    return row;
  }
}
