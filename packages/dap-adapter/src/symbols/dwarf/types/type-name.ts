// C spelling of a type, as gdb prints it: `const char *`, `char * const`, `int [3][4]`,
// `int (*)(int, int)`, `struct point`. A C declaration is written inside out, so the formatter
// carries the declarator built so far ("*", "(*)[4]"...) down to the base type.
import type { DwarfType, Qualifier } from './type-model.js';

/** Beyond this nesting the formatter stops (cyclic data is possible only through records). */
const MAX_DEPTH = 64;
const QUALIFIER_ORDER: readonly Qualifier[] = ['const', 'volatile', 'restrict', 'atomic'];
const QUALIFIER_SPELLING: Record<Qualifier, string> = { const: 'const', volatile: 'volatile', restrict: 'restrict', atomic: '_Atomic' };

export function typeName(type: DwarfType): string {
  return declare(type, '', 0);
}

/** The type written as a declaration of `name`, e.g. `int (*handler)(int)`. */
export function declarationOf(type: DwarfType, name: string): string {
  return declare(type, name, 0);
}

function declare(type: DwarfType, declarator: string, depth: number): string {
  if (depth > MAX_DEPTH) return `<type nested too deeply>${declarator === '' ? '' : ` ${declarator}`}`;
  switch (type.kind) {
    case 'void': return withDeclarator('void', declarator);
    case 'base': return withDeclarator(canonicalIntegerName(type.name), declarator);
    case 'unspecified': return withDeclarator(type.name, declarator);
    case 'unknown': return withDeclarator(type.name ?? '<unknown type>', declarator);
    case 'typedef': return withDeclarator(type.name, declarator);
    // C++ names a class or an enum without its keyword, as gdb prints it in a C++ frame.
    case 'record': return withDeclarator(type.cplusplus && type.name !== undefined ? type.name : `${type.keyword} ${type.name ?? '{...}'}`, declarator);
    case 'enum': return withDeclarator(type.cplusplus && type.name !== undefined ? type.name : `enum ${type.name ?? '{...}'}`, declarator);
    case 'pointer': return declare(type.target, `*${spaceBeforeQualifier(declarator)}`, depth + 1);
    case 'reference': return declare(type.target, `${type.rvalue ? '&&' : '&'}${spaceBeforeQualifier(declarator)}`, depth + 1);
    case 'qualified': {
      // Collect a run of qualifiers so that `const volatile int` prints in one canonical order.
      const found = new Set<Qualifier>();
      let target: DwarfType = type;
      while (target.kind === 'qualified' && found.size < QUALIFIER_ORDER.length + 1 && depth < MAX_DEPTH) {
        found.add(target.qualifier);
        target = target.target;
        depth++;
      }
      const spelled = QUALIFIER_ORDER.filter((qualifier) => found.has(qualifier)).map((qualifier) => QUALIFIER_SPELLING[qualifier]).join(' ');
      // A qualified pointer is `T * const`: the qualifier follows the star it applies to.
      if (target.kind === 'pointer' || target.kind === 'reference') return declare(target, withDeclarator(spelled, declarator), depth + 1);
      return `${spelled} ${declare(target, declarator, depth + 1)}`;
    }
    case 'array': {
      const bounds = type.dimensions.map((dimension) => `[${dimension.count === undefined ? '' : dimension.count.toString()}]`).join('');
      return declare(type.element, `${parenthesizePointer(declarator)}${bounds === '' ? '[]' : bounds}`, depth + 1);
    }
    case 'function': {
      const parameters = type.parameters.map((parameter) => declare(parameter, '', depth + 1));
      if (type.variadic) parameters.push('...');
      const list = parameters.length > 0 ? parameters.join(', ') : type.prototyped ? 'void' : '';
      return declare(type.returnType, `${parenthesizePointer(declarator)}(${list})`, depth + 1);
    }
  }
}

/**
 * gcc names integer types the long way ("long unsigned int", "short int"); gdb, and C
 * programmers, say "unsigned long" and "short". Names without short/long are kept.
 */
export function canonicalIntegerName(name: string): string {
  const words = name.split(' ');
  if (!words.includes('int') || !(words.includes('short') || words.includes('long'))) return name;
  const rest = words.filter((word) => word !== 'int' && word !== 'unsigned' && word !== 'signed');
  return [...(words.includes('unsigned') ? ['unsigned'] : []), ...rest].join(' ');
}

function withDeclarator(base: string, declarator: string): string {
  return declarator === '' ? base : `${base} ${declarator}`;
}

/** `* const` rather than `*const`, as gdb prints it. */
function spaceBeforeQualifier(declarator: string): string {
  return /^(const|volatile|restrict|_Atomic)\b/.test(declarator) ? ` ${declarator}` : declarator;
}

/** A pointer declarator under an array or function suffix needs parentheses: `(*)[4]`, `(*)(int)`. */
function parenthesizePointer(declarator: string): string {
  return declarator.startsWith('*') || declarator.startsWith('&') ? `(${declarator})` : declarator;
}
