// What names mean in one frame: its locals and parameters (innermost block first), the globals
// and statics of its unit, enumerators, then globals of other units; type names (typedefs,
// struct/union/enum tags, C's base types); registers ($rip, $rsp, $eax...).
import type { LoadedModule, ModuleMap } from '../modules/module-map.js';
import { canonicalIntegerName } from '../symbols/dwarf/types/type-name.js';
import { DW_AT, DW_ATE, DW_TAG, type Die, type DwarfInfo, type DwarfType, type DwarfUnit, type EnumType, type VariableInfo } from '../symbols/index.js';
import type { FrameState } from '../inspect/frame-state.js';
import {
  baseType, BOOL, CHAR, CODE_POINTER, dereference, DOUBLE, FLOAT, INT, integerBytes, LONG, LONG_DOUBLE, pointerTo, UNSIGNED_INT, UNSIGNED_LONG, VOID,
  VOID_POINTER, type Value,
} from '../values/value.js';
import type { TypeSpec } from './parser.js';
import { isCplusplusLanguage } from '../symbols/dwarf/constants/languages.js';
import { enumerationOf, typeNamed, variableNamed } from '../inspect/program-names.js';
import { findMember } from '../values/record-parts.js';

interface UnitNames {
  /** Type DIEs by name: `point_t`, `struct point`, `union value`, `enum color`. */
  readonly types: Map<string, Die>;
  readonly enumerators: Map<string, { readonly die: Die; readonly value: bigint }>;
}

const unitNames = new WeakMap<DwarfUnit, UnitNames>();
const TYPE_TAGS: Readonly<Record<number, string>> = {
  [DW_TAG.structure_type]: 'struct ', [DW_TAG.union_type]: 'union ', [DW_TAG.enumeration_type]: 'enum ', [DW_TAG.class_type]: 'struct ',
  [DW_TAG.typedef]: '', [DW_TAG.base_type]: '',
};

function namesOf(unit: DwarfUnit): UnitNames {
  let names = unitNames.get(unit);
  if (names !== undefined) return names;
  names = { types: new Map(), enumerators: new Map() };
  for (const die of unit.unitDie.children) {
    const prefix = TYPE_TAGS[die.tag];
    if (prefix === undefined) continue;
    const name = die.name;
    if (name !== undefined) {
      const key = prefix + name;
      const known = names.types.get(key);
      // A complete definition wins over a declaration.
      if (known === undefined || (known.flag(0x3c /* DW_AT_declaration */) && !die.flag(0x3c))) names.types.set(key, die);
    }
    if (die.tag === DW_TAG.enumeration_type) {
      for (const child of die.children) {
        if (child.tag !== DW_TAG.enumerator || child.name === undefined) continue;
        names.enumerators.set(child.name, { die, value: 0n });
      }
    }
  }
  unitNames.set(unit, names);
  return names;
}

/** Registers as C values: 64-bit names, their 32/16/8-bit parts, and gdb's $pc/$sp/$fp. */
const GENERAL = ['rax', 'rdx', 'rcx', 'rbx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const LEGACY32 = ['eax', 'edx', 'ecx', 'ebx', 'esi', 'edi', 'ebp', 'esp'];
const LEGACY16 = ['ax', 'dx', 'cx', 'bx', 'si', 'di', 'bp', 'sp'];
const LEGACY8 = ['al', 'dl', 'cl', 'bl', 'sil', 'dil', 'bpl', 'spl'];
const SHORT = baseType('short', 2, DW_ATE.signed);
const INT8 = baseType('int8_t', 1, DW_ATE.signed);

export class FrameScope {
  constructor(readonly frame: FrameState, private readonly modules: ModuleMap) {}

  /** Whether the frame's code is C++ (its unit's language): comparisons are bools, names may be qualified. */
  get cplusplus(): boolean {
    const unit = this.unit;
    return unit !== undefined && isCplusplusLanguage(unit.unitDie.number(DW_AT.language));
  }

  private get module(): LoadedModule | undefined {
    return this.frame.module;
  }

  private get unit(): DwarfUnit | undefined {
    const filePc = this.frame.filePc;
    return filePc === undefined ? undefined : this.module?.symbols.dwarf?.unitFor(filePc);
  }

  /** The modules searched for globals and types: the frame's, then the executable. */
  private searchModules(): LoadedModule[] {
    const list: LoadedModule[] = [];
    if (this.module !== undefined) list.push(this.module);
    const main = this.modules.mainExecutable;
    if (main !== undefined && main !== this.module) list.push(main);
    return list;
  }

  /** A variable, an enumerator or a function named `name`. */
  lookup(name: string): Value | undefined {
    if (name.includes('::')) return this.qualified(name.startsWith('::') ? name.slice(2) : name);
    const scopes = this.frame.scopes;
    if (scopes !== undefined) {
      const local = scopes.locals.find((variable) => variable.name === name) ?? scopes.parameters.find((variable) => variable.name === name);
      if (local !== undefined) return this.frame.variableValue(local);
      // In a C++ method, a member's name alone means this->name.
      const self = scopes.parameters.find((variable) => variable.name === 'this');
      if (self !== undefined && name !== 'this') {
        const member = safely(() => findMember(dereference(this.frame.variableValue(self), this.frame), name, this.frame));
        if (member !== undefined) return member;
      }
      const global = scopes.globals.find((variable) => variable.name === name);
      if (global !== undefined) return this.frame.variableValue(global);
    }
    const enumerator = this.enumerator(name);
    if (enumerator !== undefined) return enumerator;
    for (const module of this.searchModules()) {
      const global = globalNamed(module, name, this.unit);
      if (global !== undefined) return this.frame.variableValue(global, module);
    }
    for (const module of this.searchModules()) {
      const fn = safely(() => module.symbols.functionByName(name));
      if (fn !== undefined) return { type: module.symbols.typeOf(fn.die), place: { kind: 'memory', address: fn.entryPc + module.bias } };
    }
    for (const module of this.searchModules()) {
      const symbol = safely(() => module.symbols.symbolByName(name));
      if (symbol === undefined || symbol.sectionIndex === 0) continue;
      const address = symbol.value + module.bias;
      if (symbol.type === 'func' || symbol.type === 'ifunc') return { type: CODE_POINTER.target, place: { kind: 'memory', address } };
      // No debug information: gdb calls it "unknown type"; an int is the most useful guess.
      if (symbol.type === 'object') return { type: symbol.size === 8n ? LONG : symbol.size === 1n ? CHAR : INT, place: { kind: 'memory', address } };
    }
    return undefined;
  }

  /** `ns::variable`, `Class::staticMember`, `Enum::value`. */
  private qualified(name: string): Value | undefined {
    const found = variableNamed(this.frame.nameSearch(), name);
    if (found !== undefined) return this.frame.variableValue(found.variable, found.module);
    const enumeration = enumerationOf(this.frame.nameSearch(), name);
    if (enumeration?.kind !== 'enum') return undefined;
    return enumeratorValue(enumeration, name.slice(name.lastIndexOf('::') + 2));
  }

  private enumerator(name: string): Value | undefined {
    for (const [module, unit] of this.unitsToSearch()) {
      const found = namesOf(unit).enumerators.get(name);
      if (found === undefined) continue;
      const type = module.symbols.dwarf!.types.typeOf(found.die) as EnumType;
      if (type.scoped) continue; // C++ names a scoped enum's values through it only
      const value = enumeratorValue(type, name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** The frame's unit first, then the other units of the frame's module and of the executable. */
  private *unitsToSearch(): Generator<[LoadedModule, DwarfUnit]> {
    const first = this.unit;
    if (first !== undefined && this.module !== undefined) yield [this.module, this.module.symbols.dwarf!.codeUnit(first)];
    for (const module of this.searchModules()) {
      const dwarf = module.symbols.dwarf;
      if (dwarf === undefined) continue;
      for (const unit of safely(() => dwarf.units.compileUnits()) ?? []) {
        const code = dwarf.codeUnit(unit);
        if (unit !== first) yield [module, code];
      }
    }
  }

  isTypeName(name: string): boolean {
    if (this.frame.scopes?.locals.some((variable) => variable.name === name) || this.frame.scopes?.parameters.some((variable) => variable.name === name)) return false;
    return this.namedType(name) !== undefined;
  }

  private namedType(key: string): DwarfType | undefined {
    for (const [module, unit] of this.unitsToSearch()) {
      const die = namesOf(unit).types.get(key);
      if (die !== undefined) return module.symbols.dwarf!.types.typeOf(die);
    }
    // C++ classes, enums and typedefs in namespaces and classes, by qualified name.
    const name = key.replace(/^(?:struct|union|enum) /, '').replace(/^::/, '');
    return typeNamed(this.frame.nameSearch(), name);
  }

  /** The type a cast or sizeof names. */
  type(spec: TypeSpec): DwarfType {
    let type: DwarfType | undefined;
    switch (spec.kind) {
      case 'tagged':
        type = this.namedType(`${spec.keyword} ${spec.name}`);
        if (type === undefined) throw new Error(`No ${spec.keyword} type named ${spec.name}.`);
        break;
      case 'named':
        type = this.namedType(spec.name);
        if (type === undefined) throw new Error(`No symbol "${spec.name}" in current context.`);
        break;
      case 'words':
        type = baseTypeOf(spec.words);
        break;
    }
    for (let index = 0; index < spec.pointers; index++) type = pointerTo(type);
    return type;
  }

  register(name: string): Value | undefined {
    const lower = name.toLowerCase();
    const alias: Record<string, string> = { pc: 'rip', sp: 'rsp', fp: 'rbp', rflags: 'eflags' };
    const full = alias[lower] ?? lower;
    const number = GENERAL.indexOf(full);
    if (number >= 0) return { type: full === 'rsp' || full === 'rbp' ? VOID_POINTER : LONG, place: { kind: 'register', register: number, offset: 0 } };
    if (full === 'rip') return { type: CODE_POINTER, place: { kind: 'register', register: 16, offset: 0 } };
    if (full === 'eflags') return { type: INT, place: { kind: 'register', register: 49, offset: 0 } };
    if (full === 'fs_base' || full === 'gs_base') return { type: LONG, place: { kind: 'register', register: full === 'fs_base' ? 58 : 59, offset: 0 } };
    const sub = (list: string[], type: DwarfType): Value | undefined => {
      const index = list.indexOf(full);
      return index < 0 ? undefined : { type, place: { kind: 'register', register: index, offset: 0 } };
    };
    const numbered = /^r(\d+)(d|w|b)$/.exec(full);
    if (numbered !== null && Number(numbered[1]) >= 8 && Number(numbered[1]) <= 15) {
      const type = numbered[2] === 'd' ? INT : numbered[2] === 'w' ? SHORT : INT8;
      return { type, place: { kind: 'register', register: Number(numbered[1]), offset: 0 } };
    }
    return sub(LEGACY32, INT) ?? sub(LEGACY16, SHORT) ?? sub(LEGACY8, INT8);
  }
}

function enumeratorValue(type: EnumType, name: string): Value | undefined {
  const enumerator = type.enumerators.find((candidate) => candidate.name === name);
  if (enumerator === undefined) return undefined;
  return { type, place: { kind: 'bytes', bytes: integerBytes(enumerator.value, type.byteSize ?? 4) } };
}

/** A global or file static named `name` in a module (the given unit first). */
function globalNamed(module: LoadedModule, name: string, first: DwarfUnit | undefined): VariableInfo | undefined {
  const dwarf = module.symbols.dwarf;
  if (dwarf === undefined) return undefined;
  const index = globalIndex(dwarf);
  const candidates = index.get(name);
  if (candidates === undefined) return undefined;
  const firstCode = first === undefined ? undefined : dwarf.codeUnit(first);
  return candidates.find((variable) => variable.die.unit === firstCode) ?? candidates.find((variable) => variable.isExternal) ?? candidates[0];
}

const globalIndexes = new WeakMap<DwarfInfo, Map<string, VariableInfo[]>>();

function globalIndex(dwarf: DwarfInfo): Map<string, VariableInfo[]> {
  let index = globalIndexes.get(dwarf);
  if (index !== undefined) return index;
  index = new Map();
  for (const unit of safely(() => dwarf.units.compileUnits()) ?? []) {
    for (const variable of safely(() => dwarf.unitGlobals(unit)) ?? []) {
      if (variable.name === undefined) continue;
      let list = index.get(variable.name);
      if (list === undefined) index.set(variable.name, (list = []));
      list.push(variable);
    }
  }
  globalIndexes.set(dwarf, index);
  return index;
}

/** C's base types from their keywords, in any order (`long unsigned int` is `unsigned long`). */
export function baseTypeOf(words: readonly string[]): DwarfType {
  const count = (word: string): number => words.filter((candidate) => candidate === word).length;
  const unsigned = count('unsigned') > 0;
  const longs = count('long');
  if (count('void') > 0) return VOID;
  if (count('_Bool') > 0 || count('bool') > 0) return BOOL;
  if (count('float') > 0) return FLOAT;
  if (count('double') > 0) return longs > 0 ? LONG_DOUBLE : DOUBLE;
  if (count('char') > 0) return unsigned ? baseType('unsigned char', 1, DW_ATE.unsigned_char) : count('signed') > 0 ? baseType('signed char', 1, DW_ATE.signed_char) : CHAR;
  if (count('__int128') > 0) return unsigned ? baseType('unsigned __int128', 16, DW_ATE.unsigned) : baseType('__int128', 16, DW_ATE.signed);
  if (count('short') > 0) return unsigned ? baseType('unsigned short', 2, DW_ATE.unsigned) : SHORT;
  if (longs >= 2) return unsigned ? baseType('unsigned long long', 8, DW_ATE.unsigned) : baseType('long long', 8, DW_ATE.signed);
  if (longs === 1) return unsigned ? UNSIGNED_LONG : LONG;
  return unsigned ? UNSIGNED_INT : INT;
}

export { canonicalIntegerName };

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
