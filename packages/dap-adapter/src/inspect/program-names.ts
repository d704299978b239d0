// C++ names looked up in the program from a frame: the frame's module first, then the
// executable (as gdb searches the current objfile first). Types by qualified name, namespace
// variables and static members, each found through the module's C++ name index.
import type { LoadedModule, ModuleMap } from '../modules/module-map.js';
import type { DwarfType, StaticMember, VariableInfo } from '../symbols/index.js';

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

export function typeNamed(search: readonly LoadedModule[], name: string): DwarfType | undefined {
  for (const module of search) {
    const dwarf = safely(() => module.symbols.dwarf);
    const die = dwarf === undefined ? undefined : safely(() => dwarf.cplusplus.type(name));
    if (die !== undefined) return dwarf!.types.typeOf(die);
  }
  return undefined;
}

/** The enumeration type holding the enumerator with this qualified name. */
export function enumerationOf(search: readonly LoadedModule[], name: string): DwarfType | undefined {
  for (const module of search) {
    const dwarf = safely(() => module.symbols.dwarf);
    const die = dwarf === undefined ? undefined : safely(() => dwarf.cplusplus.enumerationOf(name));
    if (die !== undefined) return dwarf!.types.typeOf(die);
  }
  return undefined;
}

/** `ns::name` or `Class::member`: a variable with that qualified name. */
export function variableNamed(search: readonly LoadedModule[], name: string): NamedVariable | undefined {
  for (const module of search) {
    const dwarf = safely(() => module.symbols.dwarf);
    const die = dwarf === undefined ? undefined : safely(() => dwarf.cplusplus.variable(name));
    if (die !== undefined) return { module, variable: dwarf!.globalVariable(die) };
  }
  return undefined;
}

/** A static data member's definition (or its declaration, when that carries a constant value). */
export function staticMemberDefinition(search: readonly LoadedModule[], member: StaticMember): NamedVariable | undefined {
  for (const module of search) {
    const dwarf = safely(() => module.symbols.dwarf);
    const definition = dwarf === undefined ? undefined : safely(() => dwarf.cplusplus.definitionOf(member.die));
    if (definition !== undefined) return { module, variable: dwarf!.globalVariable(definition) };
  }
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
