// std::array<T, N>: gdb has no printer for it and prints the struct (`{_M_elems = {1, 2, 3}}`);
// shown here as the C array it wraps, `{1, 2, 3}`, with the elements as indexed children and
// `a[i]` in expressions. std::array<T, 0> holds an empty struct in place of the array.
import { stripTypedefs, type RecordType } from '../../symbols/index.js';
import { arrayLength, elementValue, ValueError, type Value, type ValueHost } from '../../values/value.js';
import { checkedIndex, indexedElements } from './indexed-elements.js';
import type { Visualization, Visualizer } from '../visualizer.js';
import { field, isStd } from './fields.js';

/** The `_M_elems` array and its length (0 for std::array<T, 0>). */
function elements(value: Value, host: ValueHost): { array: Value; length: number } {
  const array = field(value, host, '_M_elems');
  const type = stripTypedefs(array.type);
  if (type.kind !== 'array') return { array, length: 0 };
  const length = arrayLength(type);
  if (length === undefined) throw new ValueError('<libstdc++ layout not recognized: std::array of unknown length>');
  return { array, length };
}

export const ARRAY_VISUALIZER: Visualizer = {
  name: 'std::array',
  matches: (type: RecordType) => isStd(type, 'array'),
  visualize(value: Value, host: ValueHost): Visualization {
    const { array, length } = elements(value, host);
    return indexedElements('', length, (index) => elementValue(array, index));
  },
  index(value: Value, host: ValueHost, index: bigint): Value {
    const { array, length } = elements(value, host);
    const position = checkedIndex(index, length);
    return elementValue(array, position);
  },
};
