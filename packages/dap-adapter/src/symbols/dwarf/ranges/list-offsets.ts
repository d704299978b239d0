import type { DwarfUnit } from '../units/unit.js';

/**
 * Resolves DW_FORM_rnglistx / loclistx: entry `index` of the offset table that starts at the
 * unit's DW_AT_rnglists_base / loclists_base holds the list's offset relative to that base.
 * Without the base attribute, the table is assumed to follow the first table header.
 */
export function listOffsetFromIndex(
  unit: DwarfUnit,
  section: '.debug_rnglists' | '.debug_loclists',
  base: number | undefined,
  index: number,
): number {
  const tableBase = base ?? (unit.header.offsetSize === 8 ? 20 : 12);
  const reader = unit.sectionsReader(section, tableBase + index * unit.header.offsetSize);
  return tableBase + reader.offsetOfSize(unit.header.offsetSize);
}
