// std::vector<bool>, a packed array of bits in words (`_Bit_type`, unsigned long): gdb's
// `std::vector<bool> of length 3, capacity 64 = {true, false, true}`. Element i is bit i % 8 of
// byte i / 8 of the storage (x86-64 words are little-endian), shown as a one-bit bool.
import { stripTypedefs, type DwarfType, type RecordType } from '../../symbols/index.js';
import { byteSizeOf, ValueError, type Value, type ValueHost } from '../../values/value.js';
import { checkedIndex, indexedElements } from './indexed-elements.js';
import type { Visualization, Visualizer } from '../visualizer.js';
import { containerName } from './container-name.js';
import { checkedLength, field, isStd, numberField, pointeeType, templateType } from './fields.js';

interface BitVectorParts {
  readonly start: bigint;
  readonly length: number;
  readonly capacity: number;
  readonly bool: DwarfType;
}

function parts(value: Value, host: ValueHost): BitVectorParts {
  const word = byteSizeOf(pointeeType(field(value, host, '_M_impl', '_M_start', '_M_p').type));
  if (word === 0) throw new ValueError('<libstdc++ layout not recognized: vector<bool> words of unknown size>');
  const start = numberField(value, host, '_M_impl', '_M_start', '_M_p');
  const finish = numberField(value, host, '_M_impl', '_M_finish', '_M_p');
  const offset = numberField(value, host, '_M_impl', '_M_finish', '_M_offset');
  const end = numberField(value, host, '_M_impl', '_M_end_of_storage');
  const bits = BigInt(word * 8);
  if (finish < start || end < finish || offset < 0n || offset >= bits || (finish - start) % BigInt(word) !== 0n) {
    throw new ValueError(`<invalid vector<bool>: start 0x${start.toString(16)}, finish 0x${finish.toString(16)}+${offset}, end 0x${end.toString(16)}>`);
  }
  return {
    start,
    length: checkedLength(((finish - start) / BigInt(word)) * bits + offset, 'vector<bool> length'),
    capacity: checkedLength(((end - start) / BigInt(word)) * bits, 'vector<bool> capacity'),
    bool: templateType(value.type, 0),
  };
}

function bit(vector: BitVectorParts, index: number): Value {
  return { type: vector.bool, place: { kind: 'memory', address: vector.start + BigInt(Math.floor(index / 8)) }, bits: { offset: index % 8, size: 1 } };
}

export const VECTOR_BOOL_VISUALIZER: Visualizer = {
  name: 'std::vector<bool>',
  matches: (type: RecordType) => isStd(type, 'vector') && stripTypedefs(type.templateArguments[0]?.type ?? type).kind === 'base'
    && /^std::(?:__debug::|__8::)?vector<bool,/.test(type.name!),
  visualize(value: Value, host: ValueHost): Visualization {
    const vector = parts(value, host);
    return indexedElements(`${containerName(value.type)}<bool> of length ${vector.length}, capacity ${vector.capacity}`, vector.length, (index) => bit(vector, index));
  },
  index(value: Value, host: ValueHost, index: bigint): Value {
    const vector = parts(value, host);
    const position = checkedIndex(index, vector.length);
    return bit(vector, position);
  },
};
