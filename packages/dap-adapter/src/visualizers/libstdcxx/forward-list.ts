// std::forward_list<T>: gdb's `std::forward_list = {[0] = 5, [1] = 6}` or `empty std::forward_list`.
// A singly linked list ending in a null pointer, with no count of its own: its length is counted
// when asked for, up to COUNT_LIMIT nodes (a longer one shows its first COUNT_LIMIT elements).
import type { RecordType } from '../../symbols/index.js';
import type { Value, ValueHost } from '../../values/value.js';
import type { Visualization, VisualizedChild, Visualizer } from '../visualizer.js';
import { containerName } from './container-name.js';
import { field, isStd, numberField, templateType } from './fields.js';
import { elementAddress, storageOffset, walkNodes } from './linked-nodes.js';

/** The most nodes counted for the length (the Variables view's indexed children). */
export const COUNT_LIMIT = 10_000;
/** The size of `_Fwd_list_node_base`'s one link. */
const LINKS_SIZE = 8;

export const FORWARD_LIST_VISUALIZER: Visualizer = {
  name: 'std::forward_list',
  matches: (type: RecordType) => isStd(type, 'forward_list'),
  visualize(value: Value, host: ValueHost): Visualization {
    const first = numberField(field(value, host, '_M_impl', '_M_head'), host, '_M_next');
    const element = templateType(value.type, 0);
    const storage = storageOffset(host, 'std::_Fwd_list_node', element, LINKS_SIZE);
    const name = containerName(value.type);
    const isEnd = (node: bigint): boolean => node === 0n;
    let counted: number | undefined;
    return {
      header: first === 0n ? `empty ${name}` : name,
      hint: 'entries',
      get length(): number {
        // A walk that ends in an error (a cycle, a bad pointer) still counts its error child.
        if (counted === undefined) {
          const walked = walkNodes(host, first, isEnd, 0, COUNT_LIMIT);
          counted = Math.min(COUNT_LIMIT, walked.nodes.length + (walked.error === undefined ? 0 : 1));
        }
        return counted;
      },
      indexed: true,
      children(start: number, count: number): VisualizedChild[] {
        const walked = walkNodes(host, first, isEnd, start, count);
        const out: VisualizedChild[] = walked.nodes.map((node, offset) => ({
          name: `[${start + offset}]`, value: { type: element, place: { kind: 'memory', address: elementAddress(node, storage) } },
        }));
        if (walked.error !== undefined) out.push({ name: `[${start + out.length}]`, value: { type: element, place: { kind: 'unavailable', reason: walked.error } } });
        return out;
      },
    };
  },
};
