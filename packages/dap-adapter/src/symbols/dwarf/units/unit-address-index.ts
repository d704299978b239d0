// pc -> compile unit, without parsing DIE trees: from .debug_aranges when the compiler wrote it,
// and for units it does not cover, from the unit DIE's own ranges (read on first miss).
import { RangeIndex } from '../../common/range-index.js';
import { readAranges } from '../ranges/aranges.js';
import { pcRangesOf } from '../ranges/pc-ranges.js';
import type { DwarfSections } from '../sections.js';
import type { UnitDirectory } from './unit-directory.js';
import type { DwarfUnit } from './unit.js';

export class UnitAddressIndex {
  private arangesIndex: RangeIndex<DwarfUnit> | undefined;
  private fallbackIndex: RangeIndex<DwarfUnit> | undefined;
  private readonly unitsInAranges = new Set<number>();

  constructor(private readonly sections: DwarfSections, private readonly directory: UnitDirectory) {}

  unitFor(address: bigint): DwarfUnit | undefined {
    return this.fromAranges().containing(address) ?? this.fromUnitDies().containing(address);
  }

  private fromAranges(): RangeIndex<DwarfUnit> {
    if (this.arangesIndex === undefined) {
      const entries: { start: bigint; end: bigint; item: DwarfUnit }[] = [];
      if (this.sections.has('.debug_aranges')) {
        for (const range of readAranges(this.sections.reader('.debug_aranges'))) {
          const unit = this.directory.unitAt(range.unitOffset);
          if (unit === undefined) continue; // stale entry: ignore rather than fail every lookup
          this.unitsInAranges.add(unit.offset);
          entries.push({ start: range.start, end: range.end, item: unit });
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
