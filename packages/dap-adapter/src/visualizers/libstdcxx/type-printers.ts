// Type names as libstdc++'s gdb type printers write them in a printer's header: `std::string` for
// std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, and class
// templates without the template arguments left at their defaults (`std::vector<int>`,
// `std::map<int, std::vector<int>>`), applied to the arguments recursively. gdb's optional and
// variant printers name their alternatives this way (`std::optional<std::vector<int>>`); the
// smart pointer printers do not (they print the plain type name).
import { stripTypedefs, typeName, type DwarfType, type RecordType } from '../../symbols/index.js';
import { instanceName, templateArgumentSpelling } from './node-layout.js';

/** Nesting followed at most (corrupt debug information can make a type contain itself). */
const MAX_DEPTH = 16;

const CHARACTER_STRINGS: Record<string, string> = { char: '', wchar_t: 'w', char8_t: 'u8', char16_t: 'u16', char32_t: 'u32' };

/** Whether argument `index` of `args` is the default the class template gives it. */
type DefaultCheck = (argument: DwarfType, args: readonly DwarfType[]) => boolean;

/** `std::NAME<{0}>` as the default: a specialization of NAME for the first argument. */
function templateOfFirst(name: string): DefaultCheck {
  return (argument, args) => {
    const record = stripTypedefs(argument);
    const first = args[0];
    if (record.kind !== 'record' || record.name?.startsWith(`${name}<`) !== true || first === undefined) return false;
    const inner = record.templateArguments[0]?.type;
    if (inner !== undefined) return typeName(inner) === typeName(first);
    // g++ leaves some instances' template parameters out (std::allocator<int>): compare its name.
    const spelled = templateArgumentSpelling(first);
    return spelled !== undefined && record.name === instanceName(name, [spelled]);
  };
}

/** std::allocator<std::pair<const {0}, {1}> >. */
const PAIR_ALLOCATOR: DefaultCheck = (argument) => {
  const record = stripTypedefs(argument);
  return record.kind === 'record' && record.name?.startsWith('std::allocator<std::pair<') === true;
};

const allocator = templateOfFirst('std::allocator');
const less = templateOfFirst('std::less');
const hash = templateOfFirst('std::hash');
const equalTo = templateOfFirst('std::equal_to');

const DEFAULT_ARGUMENTS: Record<string, Record<number, DefaultCheck>> = {
  unique_ptr: { 1: templateOfFirst('std::default_delete') },
  deque: { 1: allocator },
  forward_list: { 1: allocator },
  list: { 1: allocator },
  vector: { 1: allocator },
  map: { 2: less, 3: PAIR_ALLOCATOR },
  multimap: { 2: less, 3: PAIR_ALLOCATOR },
  set: { 1: less, 2: allocator },
  multiset: { 1: less, 2: allocator },
  unordered_map: { 2: hash, 3: equalTo, 4: PAIR_ALLOCATOR },
  unordered_multimap: { 2: hash, 3: equalTo, 4: PAIR_ALLOCATOR },
  unordered_set: { 1: hash, 2: equalTo, 3: allocator },
  unordered_multiset: { 1: hash, 2: equalTo, 3: allocator },
};

/** gdb's `apply_type_recognizers(type) or str(type)`: the name a type printer gives, else the plain name. */
export function recognizedName(type: DwarfType, depth = 0): string {
  return recognize(type, depth) ?? typeName(type);
}

function recognize(type: DwarfType, depth: number): string | undefined {
  if (depth > MAX_DEPTH || type.kind !== 'record' || type.name === undefined) return undefined;
  return stringTypedef(type) ?? withoutDefaults(type, depth);
}

function stringTypedef(type: RecordType): string | undefined {
  const match = /^std::(?:__cxx11::)?basic_string(_view)?<(\w+), std::char_traits<\2>(?:, std::allocator<\2>)? ?>$/.exec(type.name!);
  if (match === null) return undefined;
  const view = match[1] !== undefined;
  // basic_string_view has no allocator; basic_string must have it.
  if (view === type.name!.includes('std::allocator<')) return undefined;
  const prefix = CHARACTER_STRINGS[match[2]!];
  return prefix === undefined ? undefined : `std::${prefix}string${view ? '_view' : ''}`;
}

function withoutDefaults(type: RecordType, depth: number): string | undefined {
  const match = /^std::(?:__debug::)?(?:__cxx11::)?(\w+)</.exec(type.name!);
  const defaults = match === null ? undefined : DEFAULT_ARGUMENTS[match[1]!];
  if (defaults === undefined) return undefined;
  const args = type.templateArguments.map((argument) => argument.type);
  const shown: string[] = [];
  let defaulted = false;
  for (let index = 0; index < args.length; index++) {
    const check = defaults[index];
    if (check !== undefined) {
      if (!check(args[index]!, args)) return undefined;
      defaulted = true;
    } else if (defaulted) {
      return undefined;
    } else {
      shown.push(subtypeName(args[index]!, depth + 1));
    }
  }
  const template = type.name!.slice(0, type.name!.indexOf('<')).replace('std::__cxx11::', 'std::');
  return `${template}<${shown.join(', ')}>`;
}

/** A template argument's name inside a recognized name: `int*`, `std::string&`, else as recognized. */
function subtypeName(type: DwarfType, depth: number): string {
  if (depth > MAX_DEPTH) return typeName(type);
  switch (type.kind) {
    case 'pointer':
      return `${subtypeName(type.target, depth + 1)}*`;
    case 'reference':
      return `${subtypeName(type.target, depth + 1)}${type.rvalue ? '&&' : '&'}`;
    case 'array': {
      const count = type.dimensions[0]?.count;
      return `${subtypeName(type.element, depth + 1)}${count === undefined ? '[]' : `[${count}]`}`;
    }
    default:
      return recognize(type, depth + 1) ?? typeName(type);
  }
}
