// Lazy access to the .debug_* sections of one file: a section is read (and decompressed) the
// first time a reader needs it, and every reader gets an error factory that names the section.
import { ByteReader, type CorruptionReporter } from '../binary/byte-reader.js';
import { CorruptDwarfError } from '../errors.js';

export type DwarfSectionName =
  | '.debug_info' | '.debug_types' | '.debug_abbrev' | '.debug_str' | '.debug_line_str'
  | '.debug_str_offsets' | '.debug_addr' | '.debug_line' | '.debug_aranges' | '.debug_ranges'
  | '.debug_rnglists' | '.debug_loc' | '.debug_loclists' | '.debug_frame';

/** Returns a section's (decompressed) contents, or undefined if the file has no such section. */
export type SectionLoader = (name: DwarfSectionName) => Buffer | undefined;

export class DwarfSections {
  private readonly cache = new Map<DwarfSectionName, Buffer | undefined>();

  constructor(private readonly load: SectionLoader) {}

  data(name: DwarfSectionName): Buffer | undefined {
    if (!this.cache.has(name)) this.cache.set(name, this.load(name));
    return this.cache.get(name);
  }

  has(name: DwarfSectionName): boolean {
    return this.data(name) !== undefined;
  }

  /**
   * A reader positioned at `offset` that may read up to `end` (default: the end of the section).
   * A missing section or an offset outside of it is corrupt data.
   */
  reader(name: DwarfSectionName, offset = 0, end?: number): ByteReader {
    const data = this.data(name);
    if (data === undefined) throw new CorruptDwarfError(name, offset, 'section is referenced but missing');
    const limit = end === undefined ? data.length : end;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > limit || limit > data.length) {
      throw new CorruptDwarfError(name, offset, `offset outside of a ${data.length}-byte section`);
    }
    return new ByteReader(data, this.corruption(name), 0, offset, limit);
  }

  corruption(name: DwarfSectionName): CorruptionReporter {
    return (offset, reason) => new CorruptDwarfError(name, offset, reason);
  }
}
