// Where a user breakpoint goes in one loaded module: the addresses of a source line, or of a
// function's body. File addresses in, file addresses out (the caller adds the load bias).
//
// A source breakpoint must not parse a big module whole: the line programs whose header lists
// a file of that name are found first (one pass over the headers, indexed once per module), and
// only they run.
import { posix } from 'node:path';
import type { LoadedModule } from '../modules/module-map.js';
import { afterPrologue } from '../stepping/prologue.js';
import { cxxFunctionSymbols } from './cxx-function-names.js';
import { readLineProgramHeader } from '../symbols/dwarf/line/line-program-header.js';
import { stringAt } from '../symbols/binary/byte-reader.js';
import { SectionFlag, type AttributeValue, type DwarfInfo, type DwarfUnit } from '../symbols/index.js';

export interface LineAddresses {
  /** The line used: the requested one or the next one that has code. */
  readonly line: number;
  readonly addresses: readonly bigint[];
}

/** Line-program offsets in .debug_line by the base names of the files their headers list. */
const programsByFileName = new WeakMap<DwarfInfo, Map<string, Set<number>>>();

/**
 * The units whose line table names a file with this base name. The headers are read straight
 * from .debug_line, without touching .debug_info: a module that does not have the file (libc's
 * separate debug information, for a breakpoint in the user's code) costs one pass over small
 * headers. Only a module that has it looks for the units that own the matching programs.
 */
function unitsNaming(dwarf: DwarfInfo, baseName: string): DwarfUnit[] {
  if (!mayName(dwarf, baseName)) return [];
  let index = programsByFileName.get(dwarf);
  if (index === undefined) {
    index = indexLinePrograms(dwarf);
    programsByFileName.set(dwarf, index);
  }
  const offsets = index.get(baseName);
  if (offsets === undefined) return [];
  return dwarf.units.compileUnits().filter((unit) => {
    try {
      const offset = (unit.skeleton ?? unit).lineProgramOffset;
      return offset !== undefined && offsets.has(offset);
    } catch {
      return false; // a corrupt unit cannot hold a breakpoint; the others still can
    }
  });
}

/**
 * Whether the name occurs at all in the sections a line-table file name can come from (inline in
 * .debug_line, or in a string section): a byte search, far cheaper than reading the headers, that
 * rules out most modules (the dynamic loader and libc, for a breakpoint in the user's program).
 */
function mayName(dwarf: DwarfInfo, baseName: string): boolean {
  const needle = Buffer.from(baseName);
  return (['.debug_line', '.debug_line_str', '.debug_str'] as const).some((name) => dwarf.sections.data(name)?.includes(needle) ?? false);
}

function indexLinePrograms(dwarf: DwarfInfo): Map<string, Set<number>> {
  const index = new Map<string, Set<number>>();
  const size = dwarf.sections.data('.debug_line')?.length ?? 0;
  const strings = (value: AttributeValue): string | undefined => {
    if (value.kind === 'string') return value.value;
    if (value.kind !== 'string-offset') return undefined; // strx needs a unit: gcc and clang do not use it here
    const data = dwarf.sections.data(value.section);
    return data === undefined ? undefined : stringAt(data, value.offset, dwarf.sections.corruption(value.section));
  };
  for (let offset = 0; offset < size;) {
    let header;
    try {
      header = readLineProgramHeader(dwarf.sections.reader('.debug_line', offset), strings);
    } catch {
      break; // corrupt from here on: what was indexed stays usable
    }
    for (const file of header.files) {
      const name = posix.basename(file.name);
      let offsets = index.get(name);
      if (offsets === undefined) index.set(name, (offsets = new Set()));
      offsets.add(header.offset);
    }
    offset = header.end;
  }
  return index;
}

/** Addresses of `path:line` (or of the next line with code), one per function or inlined copy. */
export function sourceLineAddresses(module: LoadedModule, path: string, line: number): LineAddresses | undefined {
  const dwarf = module.symbols.dwarf;
  if (dwarf === undefined) return undefined;
  let bestLine: number | undefined;
  let candidates: bigint[] = [];
  for (const unit of unitsNaming(dwarf, posix.basename(path))) {
    const found = dwarf.lineTable(unit)?.lineCandidates(path, line);
    if (found === undefined) continue;
    if (bestLine === undefined || found.line < bestLine) {
      bestLine = found.line;
      candidates = [...found.addresses];
    } else if (found.line === bestLine) {
      candidates.push(...found.addresses);
    }
  }
  if (bestLine === undefined) return undefined;
  // One location per function (or inlined copy): the lowest address of the line in it.
  const byScope = new Map<unknown, bigint>();
  for (const address of new Set(candidates)) {
    if (!isCode(module, address)) continue; // code the linker dropped keeps rows at address 0
    const fn = dwarf.functionAt(address);
    const chain = fn?.inlineChainAt(address) ?? [];
    const scope = chain[chain.length - 1]?.die ?? fn?.die ?? address;
    const known = byScope.get(scope);
    if (known === undefined || address < known) byScope.set(scope, address);
  }
  if (byScope.size === 0) return undefined;
  return { line: bestLine, addresses: [...byScope.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
}

/** Addresses of the bodies of the functions named `name` (after their prologue when there is
 * DWARF, at the symbol otherwise). Found through the symbol table only: no unit is scanned.
 * A C++ name (`geo::Rect::area`, or `area` alone) names every overload, as in gdb. */
export function functionAddresses(module: LoadedModule, name: string): bigint[] {
  const addresses = new Set<bigint>();
  const plain = module.symbols.symbols.allNamed(name);
  // C++ names are mangled in the symbol table: `geo::Rect::area`, `area` or `twice<int>` are found demangled.
  const symbols = plain.length > 0 && !name.includes('::') ? plain : [...plain, ...cxxFunctionSymbols(module.symbols.symbols, name)];
  for (const symbol of symbols) {
    // An ifunc symbol is the resolver that picks an implementation, not the function.
    if (symbol.type !== 'func' || symbol.sectionIndex === 0 || symbol.value === 0n) continue;
    let fn;
    try {
      fn = module.symbols.functionAt(symbol.value);
    } catch {
      fn = undefined;
    }
    addresses.add(fn !== undefined && fn.entryPc === symbol.value ? afterPrologue(module, fn) : symbol.value);
  }
  return [...addresses].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function isCode(module: LoadedModule, address: bigint): boolean {
  const section = module.symbols.elf.sectionContaining(address);
  return section !== undefined && (section.flags & SectionFlag.EXECINSTR) !== 0n;
}
