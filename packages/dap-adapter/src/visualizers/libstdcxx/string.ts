// std::string (std::__cxx11::basic_string<char>) and std::string_view: the text, quoted, as gdb's
// printer shows it (also the old ABI's std::basic_string, and wide strings). Only the first
// STRING_LIMIT characters are read.
import { stripTypedefs, type DwarfType, type RecordType } from '../../symbols/index.js';
import { STRING_LIMIT, stringLiteral, wideStringLiteral } from '../../values/c-text.js';
import { findMember } from '../../values/record-parts.js';
import { byteSizeOf, integerOf, UNSIGNED_LONG, ValueError, type Value, type ValueHost } from '../../values/value.js';
import { checkedIndex } from './indexed-elements.js';
import type { Visualization, Visualizer } from '../visualizer.js';
import { checkedLength, field, isStd, numberField, pointeeType } from './fields.js';

/** The literal's prefix for a character type, as C++ writes it (gdb too): L"...", u"...", U"...". */
function prefixOf(character: DwarfType): string {
  const resolved = stripTypedefs(character);
  const name = resolved.kind === 'base' ? resolved.name : '';
  return name === 'wchar_t' ? 'L' : name === 'char16_t' ? 'u' : name === 'char32_t' ? 'U' : name === 'char8_t' ? 'u8' : '';
}

function text(host: ValueHost, address: bigint, length: number, character: DwarfType): string {
  const charSize = byteSizeOf(character);
  if (charSize !== 1 && charSize !== 2 && charSize !== 4) throw new ValueError(`<strings of ${charSize}-byte characters are not shown>`);
  if (length === 0) return `${prefixOf(character)}""`;
  const shown = Math.min(length, STRING_LIMIT);
  const bytes = host.readMemory(address, shown * charSize);
  if (charSize === 1) return `${prefixOf(character)}${stringLiteral(bytes, shown < length)}`;
  const units: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += charSize) units.push(charSize === 2 ? bytes.readUInt16LE(offset) : bytes.readUInt32LE(offset));
  return wideStringLiteral(units, prefixOf(character), shown < length);
}

/** The old ABI's (_GLIBCXX_USE_CXX11_ABI=0) string keeps its length in a header before the text: `_Rep`, {length, capacity, refcount}. */
const OLD_ABI_HEADER = 24;

function stringParts(value: Value, host: ValueHost): { address: bigint; length: number; character: DwarfType } {
  const pointer = field(value, host, '_M_dataplus', '_M_p');
  const address = numberField(value, host, '_M_dataplus', '_M_p');
  const length = findMember(value, '_M_string_length', host);
  return {
    address,
    length: checkedLength(length !== undefined ? integerOf(length, host) : integerOf({ type: UNSIGNED_LONG, place: { kind: 'memory', address: address - BigInt(OLD_ABI_HEADER) } }, host), 'string length'),
    character: pointeeType(pointer.type),
  };
}

function viewParts(value: Value, host: ValueHost): { address: bigint; length: number; character: DwarfType } {
  const pointer = field(value, host, '_M_str');
  return {
    address: numberField(value, host, '_M_str'),
    length: checkedLength(numberField(value, host, '_M_len'), 'string_view length'),
    character: pointeeType(pointer.type),
  };
}

function stringVisualizer(name: string, template: string, parts: typeof stringParts): Visualizer {
  return {
    name,
    matches: (type: RecordType) => isStd(type, template),
    visualize(value: Value, host: ValueHost): Visualization {
      const { address, length, character } = parts(value, host);
      return { header: text(host, address, length, character), hint: 'none', length: 0, indexed: false, children: () => [] };
    },
    index(value: Value, host: ValueHost, index: bigint): Value {
      const { address, length } = parts(value, host);
      checkedIndex(index, length);
      const pointer = stripTypedefs(field(value, host, ...(template === 'basic_string' ? ['_M_dataplus', '_M_p'] : ['_M_str'])).type);
      const element = pointeeType(pointer);
      return { type: element, place: { kind: 'memory', address: address + index * BigInt(byteSizeOf(element)) } };
    },
  };
}

export const STRING_VISUALIZERS: readonly Visualizer[] = [
  stringVisualizer('std::string', 'basic_string', stringParts),
  stringVisualizer('std::string_view', 'basic_string_view', viewParts),
];
