// One unit of .debug_info/.debug_types. Creating it costs nothing; its unit DIE is read on first
// use (for names, bases and ranges), and its DIE tree only when someone walks the children.
import { stringAt, type ByteReader } from '../../binary/byte-reader.js';
import type { AbbreviationTable } from './abbreviations.js';
import type { Attribute, AttributeValue } from './attribute-value.js';
import { DW_AT, DW_UT } from '../constants/index.js';
import { Die } from './die.js';
import { readForm, type FormContext } from './form-reader.js';
import type { DwarfSectionName, DwarfSections } from '../sections.js';
import type { UnitHeader } from './unit-header.js';

/** What a unit needs from the file-wide reader: shared tables and cross-unit lookups. */
export interface UnitContext {
  readonly sections: DwarfSections;
  abbreviations(offset: number): AbbreviationTable;
  /** The DIE at a section offset, in whichever unit holds it. */
  dieAt(section: UnitHeader['section'], offset: number): Die | undefined;
  /** The type unit with this signature (DW_FORM_ref_sig8). */
  typeUnit(signature: bigint): DwarfUnit | undefined;
}

/**
 * Nesting deeper than this is taken as corrupt: real programs stay far below it, and walkers of
 * the tree recurse, so hostile data must not be able to exhaust the call stack.
 */
const MAX_DIE_DEPTH = 512;

/** Size of the header that precedes a DWARF 5 unit's contribution to .debug_str_offsets/.debug_addr. */
const CONTRIBUTION_HEADER_SIZE = 8;

export class DwarfUnit {
  private unitDieCache: Die | undefined;
  /** Offset just past the unit DIE's attributes: where its children start. */
  private childrenOffset = 0;
  /** Every DIE of the unit in offset order, once the tree is parsed (for binary search). */
  private dieList: Die[] | undefined;
  private readonly formContext: FormContext;

  /**
   * @param skeleton for a split unit read from a .dwo file: the skeleton unit of the executable,
   *   which holds what the split unit leaves out (address base, line table, base address).
   */
  constructor(readonly header: UnitHeader, private readonly context: UnitContext, readonly skeleton?: DwarfUnit) {
    this.formContext = {
      version: header.version,
      addressSize: header.addressSize,
      offsetSize: header.offsetSize,
      unitOffset: header.offset,
      section: header.section,
    };
  }

  get offset(): number {
    return this.header.offset;
  }

  get version(): number {
    return this.header.version;
  }

  get addressSize(): number {
    return this.header.addressSize;
  }

  get isTypeUnit(): boolean {
    return this.header.unitType === DW_UT.type || this.header.unitType === DW_UT.split_type;
  }

  /** Whether the DIE tree has been parsed (for tests that check laziness). */
  get isTreeParsed(): boolean {
    return this.dieList !== undefined;
  }

  /** The unit's root DIE (DW_TAG_compile_unit, partial_unit, type_unit, skeleton_unit). */
  get unitDie(): Die {
    if (this.unitDieCache === undefined) {
      const reader = this.context.sections.reader(this.header.section, this.header.firstDieOffset, this.header.end);
      const abbreviations = this.context.abbreviations(this.header.abbrevOffset);
      const offset = reader.offset;
      const code = reader.uleb128();
      const abbreviation = abbreviations.get(code);
      if (abbreviation === undefined) return reader.fail(`unit DIE uses unknown abbreviation ${code}`, offset);
      const attributes = abbreviation.attributes.map((spec) => ({
        name: spec.name,
        form: spec.form,
        value: readForm(reader, spec.form, this.formContext, spec.implicitConst),
      }));
      this.unitDieCache = new Die(this, offset, abbreviation.tag, attributes, undefined);
      this.childrenOffset = abbreviation.hasChildren ? reader.offset : -1;
    }
    return this.unitDieCache;
  }

  /** Parses the whole DIE tree under the unit DIE (once). */
  parseTree(): void {
    if (this.dieList !== undefined) return;
    const root = this.unitDie;
    const dies = [root];
    if (this.childrenOffset >= 0) this.parseChildren(root, dies);
    this.dieList = dies;
  }

  /** A reader over another section of the same file (range lists, location lists, line programs...). */
  sectionsReader(name: DwarfSectionName, offset: number): ByteReader {
    return this.context.sections.reader(name, offset);
  }

  /** All DIEs of the unit in section order (parses the tree). */
  get dies(): readonly Die[] {
    this.parseTree();
    return this.dieList!;
  }

  /** The DIE at a section offset inside this unit. */
  dieAt(offset: number): Die | undefined {
    if (offset < this.header.firstDieOffset || offset >= this.header.end) return undefined;
    const dies = this.dies;
    let low = 0;
    let high = dies.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const candidate = dies[middle]!;
      if (candidate.offset === offset) return candidate;
      if (candidate.offset < offset) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** For a type unit: the DIE of the type it describes. */
  get typeDie(): Die | undefined {
    return this.header.typeOffset === undefined ? undefined : this.dieAt(this.header.typeOffset);
  }

  get name(): string | undefined {
    return this.unitDie.string(DW_AT.name);
  }

  get compilationDirectory(): string | undefined {
    return this.unitDie.string(DW_AT.comp_dir) ?? this.skeleton?.compilationDirectory;
  }

  get producer(): string | undefined {
    return this.unitDie.string(DW_AT.producer);
  }

  /** DW_AT_stmt_list: offset of the unit's line program in .debug_line. */
  get lineProgramOffset(): number | undefined {
    return this.sectionOffsetOf(this.unitDie, DW_AT.stmt_list);
  }

  /** The base address for range and location list offsets: the unit's DW_AT_low_pc, or 0. */
  get baseAddress(): bigint {
    return this.unitDie.address(DW_AT.low_pc) ?? this.skeleton?.baseAddress ?? 0n;
  }

  /** For a skeleton unit: the name of the .dwo file that holds the real unit. */
  get splitUnitFile(): string | undefined {
    return this.unitDie.string(DW_AT.dwo_name) ?? this.unitDie.string(DW_AT.GNU_dwo_name);
  }

  /**
   * Start of the unit's entries in .debug_str_offsets. Without DW_AT_str_offsets_base (split
   * units): just past the DWARF 5 contribution header, or 0 in the headerless DWARF 4 GNU format.
   */
  get stringOffsetsBase(): number {
    return this.sectionOffsetOf(this.unitDie, DW_AT.str_offsets_base) ?? (this.version >= 5 ? CONTRIBUTION_HEADER_SIZE : 0);
  }

  get addressBase(): number {
    return this.sectionOffsetOf(this.unitDie, DW_AT.addr_base)
      ?? this.sectionOffsetOf(this.unitDie, DW_AT.GNU_addr_base) ?? this.skeleton?.addressBase ?? CONTRIBUTION_HEADER_SIZE;
  }

  /** DW_AT_rnglists_base: start of the unit's range-list offset table (after the table header). */
  get rangeListsBase(): number | undefined {
    return this.sectionOffsetOf(this.unitDie, DW_AT.rnglists_base);
  }

  /** DW_AT_loclists_base: start of the unit's location-list offset table (after the table header). */
  get locationListsBase(): number | undefined {
    return this.sectionOffsetOf(this.unitDie, DW_AT.loclists_base);
  }

  /**
   * An attribute of class lineptr/loclist/rnglist/...: DW_FORM_sec_offset, or in DWARF 2-3 a
   * data4/data8 constant, which was how such offsets were encoded before sec_offset existed.
   */
  sectionOffsetOf(die: Die, name: number): number | undefined {
    const value = die.attribute(name);
    if (value?.kind === 'section-offset') return value.offset;
    if (value?.kind === 'constant' && this.version < 4 && (value.size === 4 || value.size === 8)) return Number(value.value);
    return undefined;
  }

  resolveString(value: AttributeValue): string | undefined {
    switch (value.kind) {
      case 'string':
        return value.value;
      case 'string-offset': {
        const data = this.context.sections.data(value.section);
        if (data === undefined) return undefined;
        return stringAt(data, value.offset, this.context.sections.corruption(value.section));
      }
      case 'string-index': {
        const reader = this.context.sections.reader('.debug_str_offsets',
          this.stringOffsetsBase + value.index * this.header.offsetSize);
        const offset = reader.offsetOfSize(this.header.offsetSize);
        const strings = this.context.sections.data('.debug_str');
        return strings === undefined ? undefined : stringAt(strings, offset, this.context.sections.corruption('.debug_str'));
      }
      default:
        return undefined; // supplementary (dwz) strings: the supplementary file is not loaded
    }
  }

  resolveAddress(value: AttributeValue): bigint | undefined {
    if (value.kind === 'address') return value.value;
    if (value.kind === 'address-index') return this.addressAtIndex(value.index);
    return undefined;
  }

  /** Entry `index` of the unit's .debug_addr table (DW_FORM_addrx, DW_OP_addrx, DW_RLE_*x...). */
  addressAtIndex(index: number): bigint {
    const reader = this.context.sections.reader('.debug_addr', this.addressBase + index * this.header.addressSize);
    return reader.unsigned(this.header.addressSize);
  }

  resolveReference(value: AttributeValue): Die | undefined {
    if (value.kind === 'reference') {
      if (value.section === this.header.section && value.offset >= this.header.offset && value.offset < this.header.end) {
        return this.dieAt(value.offset);
      }
      return this.context.dieAt(value.section, value.offset);
    }
    if (value.kind === 'type-signature') return this.context.typeUnit(value.signature)?.typeDie;
    return undefined;
  }

  private parseChildren(root: Die, dies: Die[]): void {
    const reader = this.context.sections.reader(this.header.section, this.childrenOffset, this.header.end);
    const abbreviations = this.context.abbreviations(this.header.abbrevOffset);
    const end = this.header.end;
    const parents: Die[] = [root];
    while (reader.offset < end && parents.length > 0) {
      const offset = reader.offset;
      const code = reader.uleb128();
      if (code === 0) {
        parents.pop(); // a null entry closes the current list of siblings
        continue;
      }
      const abbreviation = abbreviations.get(code);
      if (abbreviation === undefined) return reader.fail(`DIE uses unknown abbreviation ${code}`, offset);
      const attributes: Attribute[] = new Array(abbreviation.attributes.length);
      for (let index = 0; index < abbreviation.attributes.length; index++) {
        const spec = abbreviation.attributes[index]!;
        attributes[index] = { name: spec.name, form: spec.form, value: readForm(reader, spec.form, this.formContext, spec.implicitConst) };
      }
      const parent = parents[parents.length - 1]!;
      const die = new Die(this, offset, abbreviation.tag, attributes, parent);
      parent.childList.push(die);
      dies.push(die);
      if (abbreviation.hasChildren) {
        if (parents.length >= MAX_DIE_DEPTH) return reader.fail('DIE tree nested too deeply', offset);
        parents.push(die);
      }
    }
  }
}
