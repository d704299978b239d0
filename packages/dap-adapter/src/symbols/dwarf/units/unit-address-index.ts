// pc -> compile unit, without parsing DIE trees: from .debug_aranges when the compiler wrote it,
// and for units it does not cover, from the unit DIE's own ranges (read on first miss).
import { RangeIndex } from '../../common/range-index.js';
import { readAranges } from '../ranges/aranges.js';
import { pcRangesOf } from '../ranges/pc-ranges.js';
import type { DwarfSections } from '../sections.js';
import type { UnitDirectory } from './unit-directory.js';
import type { DwarfUnit } from './unit.js';

export class UnitAddressIndex {
  /** Unit offsets by address: a unit's header is read when an address in it is looked up. */
  private arangesIndex: RangeIndex<number> | undefined;
  private fallbackIndex: RangeIndex<DwarfUnit> | undefined;
  private readonly unitsInAranges = new Set<number>();

  constructor(private readonly sections: DwarfSections, private readonly directory: UnitDirectory) {}

  unitFor(address: bigint): DwarfUnit | undefined {
    for (const offset of this.fromAranges().allContaining(address)) {
      const unit = this.directory.unitAt(offset);
      if (unit !== undefined) return unit; // else a stale entry: ignored rather than failing every lookup
    }
    return this.fromUnitDies().containing(address);
  }

  private fromAranges(): RangeIndex<number> {
    if (this.arangesIndex === undefined) {
      const entries: { start: bigint; end: bigint; item: number }[] = [];
      if (this.sections.has('.debug_aranges')) {
        for (const range of readAranges(this.sections.reader('.debug_aranges'))) {
          this.unitsInAranges.add(range.unitOffset);
          entries.push({ start: range.start, end: range.end, item: range.unitOffset });
        }
      }
      this.arangesIndex = new RangeIndex(entries);
    }
    return this.arangesIndex;
  }

  private fromUnitDies(): RangeIndex<DwarfUnit> {
    if (this.fallbackIndex === undefined) {
      this.fromAranges();
      const entries: { start: bigint; end: bigint; item: DwarfUnit }[] = [];
      for (const unit of this.directory.compileUnits()) {
        if (this.unitsInAranges.has(unit.offset)) continue;
        for (const range of pcRangesOf(unit.unitDie)) entries.push({ ...range, item: unit });
      }
      this.fallbackIndex = new RangeIndex(entries);
    }
    return this.fallbackIndex;
  }
}
