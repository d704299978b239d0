// std::string (std::__cxx11::basic_string<char>) and std::string_view: the text, quoted, as gdb's
// printer shows it. Only the first STRING_LIMIT characters are read.
import { stripTypedefs, type RecordType } from '../../symbols/index.js';
import { stringLiteral } from '../../values/c-text.js';
import { STRING_LIMIT } from '../../values/c-text.js';
import { byteSizeOf, ValueError, type Value, type ValueHost } from '../../values/value.js';
import type { Visualization, Visualizer } from '../visualizer.js';
import { checkedLength, field, isStd, numberField, pointeeType } from './fields.js';

function text(host: ValueHost, address: bigint, length: number, charSize: number): string {
  if (charSize !== 1) throw new ValueError(`<strings of ${charSize}-byte characters are not shown>`);
  if (length === 0) return '""';
  const shown = Math.min(length, STRING_LIMIT);
  return stringLiteral(host.readMemory(address, shown), shown < length);
}

function stringParts(value: Value, host: ValueHost): { address: bigint; length: number; charSize: number } {
  const pointer = field(value, host, '_M_dataplus', '_M_p');
  return {
    address: numberField(value, host, '_M_dataplus', '_M_p'),
    length: checkedLength(numberField(value, host, '_M_string_length'), 'string length'),
    charSize: byteSizeOf(pointeeType(pointer.type)),
  };
}

function viewParts(value: Value, host: ValueHost): { address: bigint; length: number; charSize: number } {
  const pointer = field(value, host, '_M_str');
  return {
    address: numberField(value, host, '_M_str'),
    length: checkedLength(numberField(value, host, '_M_len'), 'string_view length'),
    charSize: byteSizeOf(pointeeType(pointer.type)),
  };
}

function stringVisualizer(name: string, template: string, parts: typeof stringParts): Visualizer {
  return {
    name,
    matches: (type: RecordType) => isStd(type, template),
    visualize(value: Value, host: ValueHost): Visualization {
      const { address, length, charSize } = parts(value, host);
      return { header: text(host, address, length, charSize), hint: 'none', length: 0, indexed: false, children: () => [] };
    },
    index(value: Value, host: ValueHost, index: bigint): Value {
      const { address, length } = parts(value, host);
      if (index < 0n || index >= BigInt(length)) throw new ValueError(`index ${index} is out of range (length ${length})`);
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
