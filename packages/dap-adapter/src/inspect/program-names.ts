// C++ names looked up in the program from a frame: the frame's module first, then the
// executable (as gdb searches the current objfile first). Types by qualified name, namespace
// variables and static members, each found through the module's C++ name index.
import type { LoadedModule, ModuleMap } from '../modules/module-map.js';
import type { Die, DwarfInfo, DwarfType, StaticMember, VariableInfo } from '../symbols/index.js';

export interface NamedVariable {
  readonly module: LoadedModule;
  readonly variable: VariableInfo;
}

/** The modules searched from a frame: its own, then the executable. */
export function modulesFrom(frameModule: LoadedModule | undefined, modules: ModuleMap): LoadedModule[] {
  const list: LoadedModule[] = [];
  if (frameModule !== undefined) list.push(frameModule);
  const main = modules.mainExecutable;
  if (main !== undefined && main !== frameModule) list.push(main);
  return list;
}

/** The first module (in search order) whose C++ name index finds a DIE, with that module's DWARF. */
function firstFound(search: readonly LoadedModule[], find: (names: DwarfInfo['cplusplus']) => Die | undefined): { module: LoadedModule; dwarf: DwarfInfo; die: Die } | undefined {
  for (const module of search) {
    const dwarf = safely(() => module.symbols.dwarf);
    const die = dwarf === undefined ? undefined : safely(() => find(dwarf.cplusplus));
    if (die !== undefined) return { module, dwarf: dwarf!, die };
  }
  return undefined;
}

export function typeNamed(search: readonly LoadedModule[], name: string): DwarfType | undefined {
  const found = firstFound(search, (names) => names.type(name));
  return found?.dwarf.types.typeOf(found.die);
}

/** The enumeration type holding the enumerator with this qualified name. */
export function enumerationOf(search: readonly LoadedModule[], name: string): DwarfType | undefined {
  const found = firstFound(search, (names) => names.enumerationOf(name));
  return found?.dwarf.types.typeOf(found.die);
}

/** `ns::name` or `Class::member`: a variable with that qualified name. */
export function variableNamed(search: readonly LoadedModule[], name: string): NamedVariable | undefined {
  const found = firstFound(search, (names) => names.variable(name));
  return found === undefined ? undefined : { module: found.module, variable: found.dwarf.globalVariable(found.die) };
}

/** A static data member's definition (or its declaration, when that carries a constant value). */
export function staticMemberDefinition(search: readonly LoadedModule[], member: StaticMember): NamedVariable | undefined {
  const found = firstFound(search, (names) => names.definitionOf(member.die));
  if (found !== undefined) return { module: found.module, variable: found.dwarf.globalVariable(found.die) };
  // `static constexpr int limit = 8;` may have no definition: the declaration holds the value.
  const dwarf = search[0]?.symbols.dwarf;
  if (dwarf === undefined) return undefined;
  const variable = dwarf.globalVariable(member.die);
  return variable.location.kind === 'constant' ? { module: search[0]!, variable } : undefined;
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
