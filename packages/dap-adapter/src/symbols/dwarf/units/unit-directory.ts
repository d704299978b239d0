// The units of one file. Listing them reads only their headers (each header gives the offset of
// the next); a unit's DIEs are read when the unit is asked for them.
import { readAbbreviationTable, type AbbreviationTable } from './abbreviations.js';
import type { Die } from './die.js';
import type { DwarfSections } from '../sections.js';
import { readUnitHeader, type UnitHeader } from './unit-header.js';
import { DwarfUnit, type UnitContext } from './unit.js';

export class UnitDirectory implements UnitContext {
  private readonly unitLists = new Map<UnitHeader['section'], DwarfUnit[]>();
  /** .debug_info units read on their own (by `unitAt`) before the whole list was: the list reuses them. */
  private readonly unitsReadAlone = new Map<number, DwarfUnit | undefined>();
  private readonly abbreviationTables = new Map<number, AbbreviationTable>();
  private typeUnitsBySignature: Map<bigint, DwarfUnit> | undefined;

  /** @param skeleton for the units of a .dwo file: the skeleton unit that points to it. */
  constructor(readonly sections: DwarfSections, private readonly skeleton?: DwarfUnit) {}

  /** The units of .debug_info (or DWARF 4 .debug_types), in section order. */
  units(section: UnitHeader['section'] = '.debug_info'): readonly DwarfUnit[] {
    let list = this.unitLists.get(section);
    if (list === undefined) {
      list = [];
      if (this.sections.has(section)) {
        const reader = this.sections.reader(section);
        const alone = section === '.debug_info' ? this.unitsReadAlone : undefined;
        while (reader.remaining > 0) {
          const header = readUnitHeader(reader, section);
          list.push(alone?.get(header.offset) ?? new DwarfUnit(header, this, this.skeleton));
          reader.seek(header.end);
        }
        this.unitsReadAlone.clear();
      }
      this.unitLists.set(section, list);
    }
    return list;
  }

  /** Compile, partial and skeleton units: the units that describe code. */
  compileUnits(): DwarfUnit[] {
    return this.units('.debug_info').filter((unit) => !unit.isTypeUnit);
  }

  unitContaining(section: UnitHeader['section'], offset: number): DwarfUnit | undefined {
    const list = this.units(section);
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const unit = list[middle]!;
      if (offset < unit.header.offset) high = middle - 1;
      else if (offset >= unit.header.end) low = middle + 1;
      else return unit;
    }
    return undefined;
  }

  /**
   * The .debug_info unit whose header is at `offset` (undefined when none is). Before the whole
   * list is needed, the header is read where it is: naming a frame in libc through
   * .debug_aranges then reads one unit header, not the ~1,500 that precede it.
   */
  unitAt(offset: number): DwarfUnit | undefined {
    if (this.unitLists.has('.debug_info')) {
      const unit = this.unitContaining('.debug_info', offset);
      return unit?.offset === offset ? unit : undefined;
    }
    if (!this.unitsReadAlone.has(offset)) this.unitsReadAlone.set(offset, this.readUnitAlone(offset));
    return this.unitsReadAlone.get(offset);
  }

  private readUnitAlone(offset: number): DwarfUnit | undefined {
    if (!this.sections.has('.debug_info')) return undefined;
    const reader = this.sections.reader('.debug_info');
    if (offset < 0 || offset >= reader.end) return undefined;
    reader.seek(offset);
    try {
      return new DwarfUnit(readUnitHeader(reader, '.debug_info'), this, this.skeleton);
    } catch {
      return undefined; // not the start of a unit (a stale offset): as when the list has no unit there
    }
  }

  dieAt(section: UnitHeader['section'], offset: number): Die | undefined {
    return this.unitContaining(section, offset)?.dieAt(offset);
  }

  typeUnit(signature: bigint): DwarfUnit | undefined {
    if (this.typeUnitsBySignature === undefined) {
      this.typeUnitsBySignature = new Map();
      for (const unit of [...this.units('.debug_info'), ...this.units('.debug_types')]) {
        if (unit.isTypeUnit && unit.header.typeSignature !== undefined) this.typeUnitsBySignature.set(unit.header.typeSignature, unit);
      }
    }
    return this.typeUnitsBySignature.get(signature);
  }

  abbreviations(offset: number): AbbreviationTable {
    let table = this.abbreviationTables.get(offset);
    if (table === undefined) {
      table = readAbbreviationTable(this.sections.reader('.debug_abbrev', offset));
      this.abbreviationTables.set(offset, table);
    }
    return table;
  }
}
