// C++ names looked up in the program from a frame: the frame's own unit first, then its module,
// then the executable (as gdb searches the current objfile first). Types by qualified name,
// namespace variables and static members, each found through a C++ name index.
import type { LoadedModule, ModuleMap } from '../modules/module-map.js';
import type { CplusplusNames, Die, DwarfInfo, DwarfType, DwarfUnit, StaticMember, VariableInfo } from '../symbols/index.js';

export interface NamedVariable {
  readonly module: LoadedModule;
  readonly variable: VariableInfo;
}

/** Where names are looked up from a frame: its unit (of its module), then whole modules in order. */
export interface NameSearch {
  readonly unit?: { readonly module: LoadedModule; readonly unit: DwarfUnit };
  readonly modules: readonly LoadedModule[];
}

/** The search from a frame at `filePc` of `frameModule`: its unit, its module, then the executable. */
export function searchFrom(frameModule: LoadedModule | undefined, filePc: bigint | undefined, modules: ModuleMap): NameSearch {
  const list: LoadedModule[] = [];
  if (frameModule !== undefined) list.push(frameModule);
  const main = modules.mainExecutable;
  if (main !== undefined && main !== frameModule) list.push(main);
  const unit = frameModule === undefined || filePc === undefined ? undefined : safely(() => frameModule.symbols.dwarf?.unitFor(filePc));
  return { unit: unit === undefined ? undefined : { module: frameModule!, unit }, modules: list };
}

/** The first index (in search order) that finds a DIE, with its module's DWARF. */
function firstFound(search: NameSearch, find: (names: CplusplusNames) => Die | undefined): { module: LoadedModule; dwarf: DwarfInfo; die: Die } | undefined {
  if (search.unit !== undefined) {
    const dwarf = search.unit.module.symbols.dwarf;
    const die = dwarf === undefined ? undefined : safely(() => find(dwarf.cplusplusOf(search.unit!.unit)));
    if (die !== undefined) return { module: search.unit.module, dwarf: dwarf!, die };
  }
  for (const module of search.modules) {
    const dwarf = safely(() => module.symbols.dwarf);
    const die = dwarf === undefined ? undefined : safely(() => find(dwarf.cplusplus));
    if (die !== undefined) return { module, dwarf: dwarf!, die };
  }
  return undefined;
}

export function typeNamed(search: NameSearch, name: string): DwarfType | undefined {
  const found = firstFound(search, (names) => names.type(name));
  return found?.dwarf.types.typeOf(found.die);
}

/** The enumeration type holding the enumerator with this qualified name. */
export function enumerationOf(search: NameSearch, name: string): DwarfType | undefined {
  const found = firstFound(search, (names) => names.enumerationOf(name));
  return found?.dwarf.types.typeOf(found.die);
}

/** `ns::name` or `Class::member`: a variable with that qualified name. */
export function variableNamed(search: NameSearch, name: string): NamedVariable | undefined {
  const found = firstFound(search, (names) => names.variable(name));
  return found === undefined ? undefined : { module: found.module, variable: found.dwarf.globalVariable(found.die) };
}

/** A static data member's definition (or its declaration, when that carries a constant value). */
export function staticMemberDefinition(search: NameSearch, member: StaticMember): NamedVariable | undefined {
  const found = firstFound(search, (names) => names.definitionOf(member.die));
  if (found !== undefined) return { module: found.module, variable: found.dwarf.globalVariable(found.die) };
  // `static constexpr int limit = 8;` may have no definition: the declaration holds the value.
  const first = search.modules[0];
  const dwarf = first?.symbols.dwarf;
  if (dwarf === undefined) return undefined;
  const variable = dwarf.globalVariable(member.die);
  return variable.location.kind === 'constant' ? { module: first!, variable } : undefined;
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
