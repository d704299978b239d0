// std::list<T> (std::__cxx11::list in the C++11 ABI): gdb's `std::__cxx11::list = {[0] = 1, [1] = 2}`
// or `empty std::__cxx11::list`. A circular doubly linked list through a header node inside the
// object; the C++11 header also counts the nodes (`_M_size`), which is the children's length. A
// page walks the nodes before it (bounded, cycles detected: see linked-nodes.ts).
import type { DwarfType, RecordType } from '../../symbols/index.js';
import { findMember } from '../../values/record-parts.js';
import { integerOf, ValueError, type Value, type ValueHost } from '../../values/value.js';
import type { Visualization, VisualizedChild, Visualizer } from '../visualizer.js';
import { containerName } from './container-name.js';
import { checkedLength, field, isStd, numberField, templateType } from './fields.js';
import { elementAddress, MAX_WALK, storageOffset, walkNodes } from './linked-nodes.js';

/** Sizes of `_List_node_base`'s two links. */
const LINKS_SIZE = 16;

interface ListParts {
  readonly head: bigint;
  readonly first: bigint;
  readonly length: number;
  readonly element: DwarfType;
  readonly storage: number;
}

function parts(value: Value, host: ValueHost): ListParts {
  const header = field(value, host, '_M_impl', '_M_node');
  if (header.place.kind !== 'memory') throw new ValueError('<a std::list not in memory cannot be followed>');
  const head = header.place.address;
  const first = numberField(header, host, '_M_next');
  const element = templateType(value.type, 0);
  const storage = storageOffset(host, 'std::_List_node', element, LINKS_SIZE);
  if (first === head) return { head, first, length: 0, element, storage };
  // The C++11 ABI counts the nodes; the old one does not: count them (bounded).
  const size = findMember(header, '_M_size', host);
  const length = size !== undefined
    ? checkedLength(integerOf(size, host), 'list size')
    : walkNodes(host, first, (node) => node === head, 0, MAX_WALK).nodes.length;
  return { head, first, length, element, storage };
}

export const LIST_VISUALIZER: Visualizer = {
  name: 'std::list',
  matches: (type: RecordType) => isStd(type, 'list'),
  visualize(value: Value, host: ValueHost): Visualization {
    const list = parts(value, host);
    const name = containerName(value.type);
    return {
      header: list.length === 0 ? `empty ${name}` : name,
      hint: 'entries',
      length: list.length,
      indexed: true,
      children(start: number, count: number): VisualizedChild[] {
        const walked = walkNodes(host, list.first, (node) => node === list.head, start, Math.min(count, list.length - start));
        const out: VisualizedChild[] = walked.nodes.map((node, offset) => ({
          name: `[${start + offset}]`, value: { type: list.element, place: { kind: 'memory', address: elementAddress(node, list.storage) } },
        }));
        if (walked.error !== undefined) out.push({ name: `[${start + out.length}]`, value: { type: list.element, place: { kind: 'unavailable', reason: walked.error } } });
        return out;
      },
    };
  },
};
