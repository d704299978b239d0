// C++ names as the program spells them: an entity's name with the namespaces and classes that
// enclose it (`geo::Rect::area`, `std::vector<int, std::allocator<int> >`). DWARF gives each DIE
// its own name only; the enclosing scopes are its parents — for an out-of-line definition, the
// parents of the declaration it completes (DW_AT_specification), for an inlined or concrete
// copy, those of its abstract origin.
import { DW_AT, DW_TAG } from '../constants/index.js';
import { isCplusplusLanguage } from '../constants/languages.js';
import type { Die } from '../units/die.js';

/** Bound on scope nesting and specification chains (corrupt data must not loop). */
const MAX_SCOPES = 64;

const SCOPE_TAGS: ReadonlySet<number> = new Set([
  DW_TAG.namespace, DW_TAG.structure_type, DW_TAG.class_type, DW_TAG.union_type, DW_TAG.enumeration_type, DW_TAG.module,
]);

/** Whether the unit holding a DIE is C++ (its DW_AT_language). */
export function isCplusplus(die: Die): boolean {
  return isCplusplusLanguage(die.unit.unitDie.number(DW_AT.language));
}

/** `ns::Class::name` for a C++ entity; the plain name elsewhere; undefined when it has none. */
export function qualifiedName(die: Die): string | undefined {
  const name = die.name;
  if (name === undefined) return undefined;
  const prefix = scopePrefix(die);
  return prefix === '' ? name : `${prefix}::${name}`;
}

/**
 * The scopes enclosing a DIE, joined by `::` (`geo::Rect`), or '' at file scope or outside C++.
 * A scoped enum's enumerators are inside it (`Color::Red`); an unscoped enum is no scope.
 */
export function scopePrefix(die: Die): string {
  if (!isCplusplus(die)) return '';
  const declaration = declarationOf(die);
  const names: string[] = [];
  let scope = declaration.parent;
  for (let depth = 0; scope !== undefined && depth < MAX_SCOPES; depth++, scope = scope.parent) {
    if (!SCOPE_TAGS.has(scope.tag)) {
      // Entities local to a function have no qualified name beyond their own.
      if (scope.tag === DW_TAG.subprogram || scope.tag === DW_TAG.lexical_block) break;
      continue;
    }
    if (scope.tag === DW_TAG.enumeration_type && !scope.flag(DW_AT.enum_class)) continue;
    names.push(scope.name ?? (scope.tag === DW_TAG.namespace ? '(anonymous namespace)' : '{unnamed}'));
  }
  return names.reverse().join('::');
}

/** The DIE that declares an entity: the end of its DW_AT_specification / abstract_origin chain. */
function declarationOf(die: Die): Die {
  let current = die;
  for (let depth = 0; depth < MAX_SCOPES; depth++) {
    const next = current.reference(DW_AT.specification) ?? current.reference(DW_AT.abstract_origin);
    if (next === undefined || next === current) return current;
    current = next;
  }
  return current;
}
