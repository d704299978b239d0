// std::vector<T> (not vector<bool>, a packed bit array of its own): gdb's
// `std::vector of length 3, capacity 4 = {1, 2, 3}`, the elements as indexed children.
import type { RecordType } from '../../symbols/index.js';
import { byteSizeOf, ValueError, type Value, type ValueHost } from '../../values/value.js';
import { checkedIndex, indexedElements } from './indexed-elements.js';
import type { Visualization, Visualizer } from '../visualizer.js';
import { containerName } from './container-name.js';
import { checkedLength, field, isStd, numberField, pointeeType } from './fields.js';

interface VectorParts {
  readonly start: bigint;
  readonly length: number;
  readonly capacity: number;
  readonly element: Value['type'];
  readonly elementSize: number;
}

function parts(value: Value, host: ValueHost): VectorParts {
  const startField = field(value, host, '_M_impl', '_M_start');
  const element = pointeeType(startField.type);
  const elementSize = byteSizeOf(element);
  if (elementSize === 0) throw new ValueError('<vector of elements of unknown size>');
  const start = numberField(value, host, '_M_impl', '_M_start');
  const finish = numberField(value, host, '_M_impl', '_M_finish');
  const end = numberField(value, host, '_M_impl', '_M_end_of_storage');
  if (finish < start || end < finish) throw new ValueError(`<invalid vector: start 0x${start.toString(16)}, finish 0x${finish.toString(16)}, end 0x${end.toString(16)}>`);
  const size = BigInt(elementSize);
  return {
    start, element, elementSize,
    length: checkedLength((finish - start) / size, 'vector length'),
    capacity: checkedLength((end - start) / size, 'vector capacity'),
  };
}

export const VECTOR_VISUALIZER: Visualizer = {
  name: 'std::vector',
  matches: (type: RecordType) => isStd(type, 'vector') && !/^std::(?:__debug::)?vector<bool,/.test(type.name!),
  visualize(value: Value, host: ValueHost): Visualization {
    const vector = parts(value, host);
    return indexedElements(`${containerName(value.type)} of length ${vector.length}, capacity ${vector.capacity}`, vector.length, (index) => ({ type: vector.element, place: { kind: 'memory', address: vector.start + BigInt(index * vector.elementSize) } }));
  },
  index(value: Value, host: ValueHost, index: bigint): Value {
    const vector = parts(value, host);
    const position = checkedIndex(index, vector.length);
    return { type: vector.element, place: { kind: 'memory', address: vector.start + BigInt(position * vector.elementSize) } };
  },
};
