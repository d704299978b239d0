// Split DWARF (gcc -gsplit-dwarf): the executable keeps a skeleton unit per source file (line
// table, address table, ranges) and the DIEs live in a .dwo file next to the objects. A .dwo is
// opened the first time its unit's functions, variables or types are needed.
import { isAbsolute, join } from 'node:path';
import { ElfFile } from '../../elf/elf-file.js';
import { SymbolsError } from '../../errors.js';
import { DW_AT, DW_UT } from '../constants/index.js';
import { DwarfSections, type DwarfSectionName } from '../sections.js';
import { UnitDirectory } from '../units/unit-directory.js';
import type { DwarfUnit } from '../units/unit.js';

/** Sections a .dwo file holds itself, under a ".dwo" suffix; the others come from the executable. */
const SPLIT_SECTIONS: ReadonlySet<DwarfSectionName> = new Set([
  '.debug_info', '.debug_types', '.debug_abbrev', '.debug_str', '.debug_str_offsets', '.debug_loclists',
  '.debug_rnglists', '.debug_loc',
]);

export class SplitUnits {
  private readonly splitUnits = new Map<DwarfUnit, DwarfUnit | null>();
  private readonly openFiles: ElfFile[] = [];

  /** @param mainSections the executable's sections (.debug_addr, .debug_line, .debug_line_str) */
  constructor(private readonly mainSections: DwarfSections) {}

  /**
   * The unit that holds the DIEs of `unit`: its split unit for a skeleton whose .dwo can be read,
   * else the unit itself. A missing or unreadable .dwo leaves the skeleton (lines still work).
   */
  resolve(unit: DwarfUnit): DwarfUnit {
    if (unit.header.unitType !== DW_UT.skeleton && unit.splitUnitFile === undefined) return unit;
    let split = this.splitUnits.get(unit);
    if (split === undefined) {
      split = this.load(unit) ?? null;
      this.splitUnits.set(unit, split);
    }
    return split ?? unit;
  }

  close(): void {
    for (const file of this.openFiles) file.close();
    this.openFiles.length = 0;
  }

  private load(skeleton: DwarfUnit): DwarfUnit | undefined {
    const name = skeleton.splitUnitFile;
    if (name === undefined) return undefined;
    const path = isAbsolute(name) ? name : join(skeleton.compilationDirectory ?? '', name);
    let file: ElfFile;
    try {
      file = ElfFile.open(path);
    } catch (error) {
      if (error instanceof SymbolsError || (error as NodeJS.ErrnoException).code !== undefined) return undefined;
      throw error;
    }
    this.openFiles.push(file);
    const sections = new DwarfSections((section) =>
      (SPLIT_SECTIONS.has(section) ? file.sectionData(`${section}.dwo`) : this.mainSections.data(section)));
    const units = new UnitDirectory(sections, skeleton).units('.debug_info');
    const id = dwoId(skeleton);
    return units.find((unit) => id !== undefined && dwoId(unit) === id)
      ?? units.find((unit) => unit.header.unitType === DW_UT.split_compile || unit.header.unitType === DW_UT.compile);
  }
}

/** DWARF 5 puts the id in the unit header; the DWARF 4 GNU extension in DW_AT_GNU_dwo_id. */
function dwoId(unit: DwarfUnit): bigint | undefined {
  return unit.header.dwoId ?? unit.unitDie.unsigned(DW_AT.GNU_dwo_id);
}
