// The C++ names of one file's debug information, by qualified name: types (`geo::Rect`,
// `std::_Rb_tree_node<int>`), namespace-scope variables and static data members
// (`geo::Shape::count`), enumerators (`geo::Color::Green`), and which definition completes which declaration. Built on first use
// from the units whose language is C++ only (a C library's large DWARF is never walked); one walk
// through namespaces and classes, not into functions.
import { DW_AT, DW_TAG } from '../constants/index.js';
import { isCplusplusLanguage } from '../constants/languages.js';
import type { Die } from '../units/die.js';
import type { DwarfUnit } from '../units/unit.js';
import { qualifiedName } from './qualified-name.js';

const TYPE_TAGS: ReadonlySet<number> = new Set([
  DW_TAG.structure_type, DW_TAG.class_type, DW_TAG.union_type, DW_TAG.enumeration_type, DW_TAG.typedef,
]);
const SCOPE_TAGS: ReadonlySet<number> = new Set([DW_TAG.namespace, DW_TAG.structure_type, DW_TAG.class_type, DW_TAG.union_type]);
/** Bound on nesting of namespaces and classes (corrupt data must not exhaust the stack). */
const MAX_DEPTH = 64;

export class CplusplusNames {
  private readonly types = new Map<string, Die>();
  private readonly variables = new Map<string, Die>();
  private readonly definitions = new Map<Die, Die>();
  private readonly enumerators = new Map<string, Die>();
  /** Qualified names of functions and methods declared in namespaces and classes (for completion). */
  private readonly functions = new Set<string>();

  constructor(units: Iterable<DwarfUnit>) {
    for (const unit of units) {
      if (!isCplusplusLanguage(unit.unitDie.number(DW_AT.language))) continue;
      this.walk(unit.unitDie.children, 0);
    }
  }

  /** The complete definition of the type with this qualified name. */
  type(name: string): Die | undefined {
    return this.types.get(name);
  }

  /** The variable (with a location or a constant value) with this qualified name. */
  variable(name: string): Die | undefined {
    return this.variables.get(name);
  }

  /** The enumeration type that holds the enumerator with this qualified name (`geo::Color::Green`, `ns::B`). */
  enumerationOf(name: string): Die | undefined {
    return this.enumerators.get(name);
  }

  /** The DIE that defines what `declaration` declares (a static member's out-of-class definition). */
  definitionOf(declaration: Die): Die | undefined {
    return this.definitions.get(declaration);
  }

  /**
   * Every indexed qualified name that starts with `prefix`, with what it names: for completion
   * (`geo::` lists what `geo` holds). A name's next component is found by the caller.
   */
  *namesStartingWith(prefix: string): Generator<{ readonly name: string; readonly kind: 'type' | 'variable' | 'enumerator' | 'function' }> {
    for (const name of this.types.keys()) if (name.startsWith(prefix)) yield { name, kind: 'type' };
    for (const name of this.variables.keys()) if (name.startsWith(prefix)) yield { name, kind: 'variable' };
    for (const name of this.enumerators.keys()) if (name.startsWith(prefix)) yield { name, kind: 'enumerator' };
    for (const name of this.functions) if (name.startsWith(prefix)) yield { name, kind: 'function' };
  }

  private walk(dies: readonly Die[], depth: number): void {
    if (depth > MAX_DEPTH) return;
    for (const die of dies) {
      if (TYPE_TAGS.has(die.tag)) this.addType(die);
      else if (die.tag === DW_TAG.variable || (die.tag === DW_TAG.member && die.flag(DW_AT.declaration))) this.addVariable(die);
      else if (die.tag === DW_TAG.subprogram && !die.flag(DW_AT.artificial)) this.addFunction(die);
      if (SCOPE_TAGS.has(die.tag)) this.walk(die.children, depth + 1);
    }
  }

  private addType(die: Die): void {
    const name = qualifiedName(die);
    if (name === undefined) return;
    const known = this.types.get(name);
    // A complete definition wins over a declaration.
    if (known === undefined || (known.flag(DW_AT.declaration) && !die.flag(DW_AT.declaration))) this.types.set(name, die);
    if (die.tag !== DW_TAG.enumeration_type) return;
    for (const enumerator of die.children) {
      if (enumerator.tag !== DW_TAG.enumerator) continue;
      const qualified = qualifiedName(enumerator);
      if (qualified !== undefined && !this.enumerators.has(qualified)) this.enumerators.set(qualified, die);
    }
  }

  private addFunction(die: Die): void {
    // File-scope C++ functions too: the symbol tables have them only under their mangled names.
    const name = qualifiedName(die);
    if (name !== undefined) this.functions.add(name);
  }

  private addVariable(die: Die): void {
    const declaration = die.reference(DW_AT.specification);
    if (declaration !== undefined && declaration !== die) this.definitions.set(declaration, die);
    const hasValue = die.has(DW_AT.location) || die.has(DW_AT.const_value);
    const name = qualifiedName(die);
    if (name === undefined || !hasValue) return;
    if (!this.variables.has(name)) this.variables.set(name, die);
  }
}
