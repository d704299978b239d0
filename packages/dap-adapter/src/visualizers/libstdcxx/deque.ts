// std::deque<T>: gdb's `std::deque with 4 elements = {10, 20, 30, 40}`. The elements live in
// fixed-size buffers (512 bytes' worth, or one element when larger) listed by a map of buffer
// pointers, `_M_node`; element i is found from the start iterator with one read of the map, so a
// page costs a read per buffer it touches, whatever the deque's length.
import type { DwarfType, RecordType } from '../../symbols/index.js';
import { byteSizeOf, integerOf, VOID_POINTER, ValueError, type Value, type ValueHost } from '../../values/value.js';
import { checkedIndex, indexedElements } from './indexed-elements.js';
import type { Visualization, Visualizer } from '../visualizer.js';
import { containerName, elementCount } from './container-name.js';
import { checkedLength, isStd, numberField, templateType } from './fields.js';

interface DequeParts {
  readonly element: DwarfType;
  readonly elementSize: number;
  /** Elements per buffer (libstdc++'s __deque_buf_size). */
  readonly bufferLength: number;
  /** The start iterator: its buffer's first element, its map slot, and the first element's index in that buffer. */
  readonly firstBuffer: bigint;
  readonly node: bigint;
  readonly skip: number;
  readonly length: number;
}

function iterator(value: Value, host: ValueHost, which: '_M_start' | '_M_finish'): { cur: bigint; first: bigint; last: bigint; node: bigint } {
  return {
    cur: numberField(value, host, '_M_impl', which, '_M_cur'),
    first: numberField(value, host, '_M_impl', which, '_M_first'),
    last: numberField(value, host, '_M_impl', which, '_M_last'),
    node: numberField(value, host, '_M_impl', which, '_M_node'),
  };
}

function parts(value: Value, host: ValueHost): DequeParts {
  const element = templateType(value.type, 0);
  const elementSize = byteSizeOf(element);
  if (elementSize === 0) throw new ValueError('<deque of elements of unknown size>');
  const bufferLength = elementSize < 512 ? Math.floor(512 / elementSize) : 1;
  const start = iterator(value, host, '_M_start');
  const finish = iterator(value, host, '_M_finish');
  const size = BigInt(elementSize);
  const span = BigInt(bufferLength) * size;
  const sane = (it: typeof start): boolean => it.last - it.first === span && it.cur >= it.first && it.cur <= it.last && (it.cur - it.first) % size === 0n;
  if (!sane(start) || !sane(finish) || finish.node < start.node || (finish.node - start.node) % 8n !== 0n) {
    throw new ValueError(`<invalid deque: start 0x${start.cur.toString(16)} in node 0x${start.node.toString(16)}, finish 0x${finish.cur.toString(16)} in node 0x${finish.node.toString(16)}>`);
  }
  const buffers = (finish.node - start.node) / 8n;
  const length = BigInt(bufferLength) * (buffers - 1n) + (start.last - start.cur) / size + (finish.cur - finish.first) / size;
  return {
    element, elementSize, bufferLength,
    firstBuffer: start.first, node: start.node, skip: Number((start.cur - start.first) / size),
    length: checkedLength(length, 'deque length'),
  };
}

/** Element `index`: its buffer's pointer is read from the map (the start buffer's is known). */
function elementAt(deque: DequeParts, host: ValueHost, index: number): Value {
  const position = deque.skip + index;
  const slot = Math.floor(position / deque.bufferLength);
  const within = BigInt((position % deque.bufferLength) * deque.elementSize);
  if (slot === 0) return { type: deque.element, place: { kind: 'memory', address: deque.firstBuffer + within } };
  try {
    const buffer = integerOf({ type: VOID_POINTER, place: { kind: 'memory', address: deque.node + BigInt(slot * 8) } }, host);
    return { type: deque.element, place: { kind: 'memory', address: buffer + within } };
  } catch (error) {
    return { type: deque.element, place: { kind: 'unavailable', reason: (error as Error).message } };
  }
}

export const DEQUE_VISUALIZER: Visualizer = {
  name: 'std::deque',
  matches: (type: RecordType) => isStd(type, 'deque'),
  visualize(value: Value, host: ValueHost): Visualization {
    const deque = parts(value, host);
    return indexedElements(`${containerName(value.type)} with ${elementCount(deque.length)}`, deque.length, (index) => elementAt(deque, host, index));
  },
  index(value: Value, host: ValueHost, index: bigint): Value {
    const deque = parts(value, host);
    const position = checkedIndex(index, deque.length);
    return elementAt(deque, host, position);
  },
};
