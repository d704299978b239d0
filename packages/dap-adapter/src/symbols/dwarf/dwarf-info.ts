// The debugging information of one file, read on demand: a query for an address touches the
// address index, that address's unit and its line program, nothing else.
import { DW_TAG } from './constants/index.js';
import { FunctionIndex, type FileNameResolver, type FunctionInfo } from './functions/function-index.js';
import { readLineProgramHeader } from './line/line-program-header.js';
import { runLineProgram } from './line/line-state-machine.js';
import { LineTable, type LineCandidates, type SourcePosition } from './line/line-table.js';
import { DwarfSections, type SectionLoader } from './sections.js';
import { SplitUnits } from './split/split-units.js';
import type { DwarfType } from './types/type-model.js';
import { TypeReader } from './types/type-reader.js';
import { UnitAddressIndex } from './units/unit-address-index.js';
import { UnitDirectory } from './units/unit-directory.js';
import type { DwarfUnit } from './units/unit.js';
import type { Die } from './units/die.js';
import { scopeVariables, unitVariables, variableOf, type VariableInfo, type VariableScopes } from './variables/variable-scopes.js';
import { CplusplusNames } from './names/name-index.js';

/** DIEs of objects whose type is their DW_AT_type (as opposed to functions and types). */
const OBJECT_TAGS: ReadonlySet<number> = new Set([
  DW_TAG.variable, DW_TAG.formal_parameter, DW_TAG.member, DW_TAG.constant, DW_TAG.template_value_parameter,
]);

export interface DwarfStatistics {
  /** Units whose DIE tree has been parsed. */
  readonly unitTreesParsed: number;
  /** Line programs that have been run. */
  readonly lineTablesParsed: number;
}

export class DwarfInfo {
  readonly sections: DwarfSections;
  readonly units: UnitDirectory;
  readonly types = new TypeReader();
  private readonly addressIndex: UnitAddressIndex;
  private readonly lineTables = new Map<number, LineTable>();
  private readonly functionIndexes = new WeakMap<DwarfUnit, FunctionIndex>();
  private readonly globalsByUnit = new WeakMap<DwarfUnit, VariableInfo[]>();
  private readonly splitUnits: SplitUnits;
  private cplusplusNames: CplusplusNames | undefined;
  private readonly cplusplusByUnit = new WeakMap<DwarfUnit, CplusplusNames>();

  /** Turns a unit's file number (DW_AT_decl_file, DW_AT_call_file) into a path. */
  readonly fileName: FileNameResolver = (unit, index) => this.lineTable(unit)?.filePath(index);

  constructor(load: SectionLoader) {
    this.sections = new DwarfSections(load);
    this.units = new UnitDirectory(this.sections);
    this.addressIndex = new UnitAddressIndex(this.sections, this.units);
    this.splitUnits = new SplitUnits(this.sections);
  }

  /** The unit holding the DIEs of `unit`: its split unit (from the .dwo file) for a skeleton. */
  codeUnit(unit: DwarfUnit): DwarfUnit {
    return this.splitUnits.resolve(unit);
  }

  /** Closes the .dwo files opened for split units. */
  close(): void {
    this.splitUnits.close();
  }

  /** Whether the file has any DWARF units at all. */
  get isPresent(): boolean {
    return this.sections.has('.debug_info');
  }

  /** The compile unit whose code contains a file address. */
  unitFor(address: bigint): DwarfUnit | undefined {
    return this.addressIndex.unitFor(address);
  }

  /** The unit's decoded line table (run once, cached), or undefined if it has none. */
  lineTable(unitOrSplit: DwarfUnit): LineTable | undefined {
    // A split unit uses its skeleton's line table, in the executable.
    const unit = unitOrSplit.skeleton ?? unitOrSplit;
    const offset = unit.lineProgramOffset;
    if (offset === undefined || !this.sections.has('.debug_line')) return undefined;
    let table = this.lineTables.get(offset);
    if (table === undefined) {
      const reader = this.sections.reader('.debug_line', offset);
      const header = readLineProgramHeader(reader, (value) => unit.resolveString(value));
      const { sequences, definedFiles } = runLineProgram(reader, header, unit.addressSize);
      table = new LineTable(header, sequences, definedFiles, unit.compilationDirectory);
      this.lineTables.set(offset, table);
    }
    return table;
  }

  lineForAddress(address: bigint): SourcePosition | undefined {
    const unit = this.unitFor(address);
    return unit === undefined ? undefined : this.lineTable(unit)?.lookup(address);
  }

  /**
   * Breakpoint addresses for `path:line` over all units (a header's code can be in many): the
   * first line >= `line` that has code anywhere, and the addresses where that line starts.
   */
  addressesForLine(path: string, line: number): LineCandidates | undefined {
    let best: LineCandidates | undefined;
    for (const unit of this.units.compileUnits()) {
      const candidates = this.lineTable(unit)?.lineCandidates(path, line);
      if (candidates === undefined) continue;
      if (best === undefined || candidates.line < best.line) best = { line: candidates.line, addresses: [...candidates.addresses] };
      else if (candidates.line === best.line) best.addresses.push(...candidates.addresses);
    }
    if (best === undefined) return undefined;
    const unique = [...new Set(best.addresses)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { line: best.line, addresses: unique };
  }

  /** Every source file named by the line tables of all units. */
  sourceFiles(): string[] {
    const files = new Set<string>();
    for (const unit of this.units.compileUnits()) for (const file of this.lineTable(unit)?.sourceFiles() ?? []) files.add(file);
    return [...files];
  }

  functionIndex(unitOrSkeleton: DwarfUnit): FunctionIndex {
    const unit = this.codeUnit(unitOrSkeleton);
    let index = this.functionIndexes.get(unit);
    if (index === undefined) {
      index = new FunctionIndex(unit, this.fileName);
      this.functionIndexes.set(unit, index);
    }
    return index;
  }

  /** The function whose code contains a file address. */
  functionAt(address: bigint): FunctionInfo | undefined {
    const unit = this.unitFor(address);
    return unit === undefined ? undefined : this.functionIndex(unit).functionAt(address);
  }

  /** Functions with this name (or linkage name) in any unit: parses every unit, prefer a symbol lookup first. */
  functionsNamed(name: string): FunctionInfo[] {
    return this.units.compileUnits().flatMap((unit) => this.functionIndex(unit).functionsNamed(name));
  }

  /**
   * The variables visible at a file address. `inlineDepth` selects the frame when the pc is in
   * inlined code: 0 is the innermost inlined call, the chain's length the concrete function.
   */
  variablesAt(pc: bigint, inlineDepth = 0): VariableScopes {
    const unit = this.unitFor(pc);
    const fn = unit === undefined ? undefined : this.functionIndex(unit).functionAt(pc);
    const globals = unit === undefined ? [] : this.unitGlobals(unit);
    if (fn === undefined) return { function: undefined, inlineChain: [], parameters: [], locals: [], globals };
    const inlineChain = fn.inlineChainAt(pc);
    const depth = Math.min(Math.max(inlineDepth, 0), inlineChain.length);
    const scope = depth === inlineChain.length ? fn : inlineChain[inlineChain.length - 1 - depth]!;
    const { parameters, locals } = scopeVariables(scope, pc, this.fileName);
    return { function: fn, inlineChain, parameters, locals, globals };
  }

  /** The C++ names of this file (types, namespace variables, static members), indexed on first use. */
  get cplusplus(): CplusplusNames {
    this.cplusplusNames ??= new CplusplusNames([...this.units.compileUnits()].map((unit) => this.codeUnit(unit)));
    return this.cplusplusNames;
  }

  /**
   * The C++ names of one unit only. A lookup from a frame tries its own unit first: what it
   * needs (a map's node type, a class it uses) is usually there, and the whole file's index walks
   * every C++ unit of a large program.
   */
  cplusplusOf(unitOrSkeleton: DwarfUnit): CplusplusNames {
    const unit = this.codeUnit(unitOrSkeleton);
    let names = this.cplusplusByUnit.get(unit);
    if (names === undefined) this.cplusplusByUnit.set(unit, (names = new CplusplusNames([unit])));
    return names;
  }

  /** A variable DIE found by name (a namespace-scope variable, a static member's definition), as a global. */
  globalVariable(die: Die): VariableInfo {
    return variableOf(die, 'global', undefined, this.fileName);
  }

  /** Globals and file statics of a unit. */
  unitGlobals(unitOrSkeleton: DwarfUnit): VariableInfo[] {
    const unit = this.codeUnit(unitOrSkeleton);
    let globals = this.globalsByUnit.get(unit);
    if (globals === undefined) {
      globals = unitVariables(unit, this.fileName);
      this.globalsByUnit.set(unit, globals);
    }
    return globals;
  }

  /**
   * The type of a variable, parameter or member (its DW_AT_type), of a function (its function
   * type: `int (int, int)`), or the type a type DIE describes.
   */
  typeOf(entity: Die | VariableInfo): DwarfType {
    const die = 'die' in entity ? entity.die : entity;
    return OBJECT_TAGS.has(die.tag) ? this.types.typeOfEntity(die) : this.types.typeOf(die);
  }

  statistics(): DwarfStatistics {
    const parsed = [...this.units.units('.debug_info'), ...this.units.units('.debug_types')].filter((unit) => unit.isTreeParsed).length;
    return { unitTreesParsed: parsed, lineTablesParsed: this.lineTables.size };
  }
}
