// C++ functions by the name a person types, as gdb's linespecs find them: `geo::Rect::area`
// (every overload), `Rect::area` or `area` (the name in any namespace or class: gdb's "wild"
// matching), `twice` for every instance of a template (`twice<int>`, `twice<double>`), or
// `twice<int>` for one. The symbol table holds mangled names: each function symbol is demangled
// once per module and indexed by its name without the parameter list.
import type { ElfSymbol, SymbolTable } from '../symbols/index.js';
import { demangle } from '../symbols/elf/demangle.js';

interface NamedSymbol {
  /** `geo::Rect::area`, `twice<int>`: the demangled name without parameters and qualifiers. */
  readonly name: string;
  /** The same with template argument lists removed: `twice`. */
  readonly plain: string;
  readonly symbol: ElfSymbol;
}

const indexes = new WeakMap<SymbolTable, NamedSymbol[]>();

/** Function symbols of C++ functions whose name matches `query` as gdb matches a function linespec. */
export function cxxFunctionSymbols(table: SymbolTable, query: string): ElfSymbol[] {
  const wanted = query.replace(/\s+/g, '').replace(/^::/, '');
  const withTemplate = wanted.includes('<');
  return namedSymbols(table)
    .filter((entry) => matches(withTemplate ? entry.name.replace(/\s+/g, '') : entry.plain, wanted))
    .map((entry) => entry.symbol);
}

function matches(name: string, wanted: string): boolean {
  return name === wanted || name.endsWith(`::${wanted}`);
}

function namedSymbols(table: SymbolTable): NamedSymbol[] {
  let index = indexes.get(table);
  if (index === undefined) {
    index = [];
    for (const symbol of table.symbols) {
      if (symbol.type !== 'func' || !symbol.name.startsWith('_Z') || symbol.sectionIndex === 0 || symbol.value === 0n) continue;
      const demangled = demangle(symbol.name);
      if (demangled === symbol.name) continue;
      const name = withoutParameters(demangled);
      index.push({ name, plain: withoutTemplateArguments(name), symbol });
    }
    indexes.set(table, index);
  }
  return index;
}

/**
 * `geo::Rect::area() const` -> `geo::Rect::area`; `int twice<int>(int)` -> `twice<int>`: the
 * parameter list is the last top-level parenthesis (an operator() has two), and a template
 * instance's return type comes before the name.
 */
export function withoutParameters(demangled: string): string {
  let depth = 0;
  let open = -1;
  for (let index = demangled.length - 1; index >= 0; index--) {
    const c = demangled[index];
    if (c === ')') depth++;
    else if (c === '(' && --depth === 0) {
      open = index;
      break;
    }
  }
  const head = open < 0 ? demangled : demangled.slice(0, open);
  // A return type is separated by a space outside any template argument list.
  let angle = 0;
  for (let index = head.length - 1; index >= 0; index--) {
    const c = head[index];
    if (c === '>') angle++;
    else if (c === '<') angle--;
    else if (c === ' ' && angle === 0 && !head.slice(0, index).endsWith('operator')) return head.slice(index + 1); // `operator int` is one name
  }
  return head;
}

function withoutTemplateArguments(name: string): string {
  let out = '';
  let depth = 0;
  for (const c of name) {
    if (c === '<') depth++;
    else if (c === '>') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += c;
  }
  return out;
}
