// std::unordered_map, unordered_set and their multi variants (a `_Hashtable`, `_M_h`): gdb's
// `std::unordered_map with 2 elements = {["b"] = 2, ["a"] = 1}`, in the order of the table's
// singly linked node list (`_M_before_begin._M_nxt`). A page follows the list only up to its
// end (start + count nodes), never beyond the element count; a list that ends early or an
// unreadable node ends the page with a child that says why.
import { stripTypedefs, type DwarfType, type RecordType } from '../../symbols/index.js';
import { findMember } from '../../values/record-parts.js';
import { byteSizeOf, ValueError, type Value, type ValueHost } from '../../values/value.js';
import type { Visualization, Visualizer } from '../visualizer.js';
import { checkedLength, field, isStd, numberField, templateType } from './fields.js';
import { elementOffset, instanceName, templateArgumentSpelling } from './node-layout.js';
import { nodeContainerVisualization } from './node-containers.js';

interface TableParts {
  readonly size: number;
  readonly first: bigint;
  /** Offset of `_M_nxt` in a node. */
  readonly nextAt: number;
  readonly element: DwarfType;
  readonly elementOffset: number;
}

function tableParts(value: Value, host: ValueHost): TableParts {
  const table = field(value, host, '_M_h');
  const size = checkedLength(numberField(table, host, '_M_element_count'), 'hashtable size');
  const beforeBegin = field(table, host, '_M_before_begin');
  const next = findMember({ type: beforeBegin.type, place: { kind: 'memory', address: 0n } }, '_M_nxt', host);
  if (next?.place.kind !== 'memory') throw new ValueError('<libstdc++ layout not recognized: no _M_nxt in _Hash_node_base>');
  // _Hashtable<Key, Value, Alloc, ExtractKey, Equal, Hash, RangeHash, Unused, RehashPolicy, Traits>;
  // Traits = _Hashtable_traits<cache hash code, ...> decides the node type, as gdb's printer reads it.
  const element = templateType(table.type, 1);
  const traits = stripTypedefs(templateType(table.type, 9));
  const cached = traits.kind === 'record' ? traits.templateArguments[0]?.value : undefined;
  const spelled = templateArgumentSpelling(element);
  const nodeName = spelled === undefined || cached === undefined ? undefined : instanceName('std::__detail::_Hash_node', [spelled, cached !== 0n ? 'true' : 'false']);
  return {
    size, element,
    first: numberField(beforeBegin, host, '_M_nxt'),
    nextAt: Number(next.place.address),
    elementOffset: elementOffset(host, nodeName, byteSizeOf(beforeBegin.type), element),
  };
}

/** The nodes [start, start + count) of the list, and why it stopped early if it did. */
function listNodes(parts: TableParts, host: ValueHost, start: number, count: number): { nodes: bigint[]; error?: string } {
  const end = Math.min(parts.size, start + count);
  const nodes: bigint[] = [];
  let node = parts.first;
  try {
    for (let index = 0; index < end; index++) {
      if (node === 0n) return { nodes, error: `<corrupted hashtable: its list ends after ${index} of ${parts.size} elements>` };
      if (index >= start) nodes.push(node);
      if (index < end - 1) node = host.readMemory(node + BigInt(parts.nextAt), 8).readBigUInt64LE();
    }
  } catch (error) {
    const message = (error as Error).message;
    return { nodes, error: message.startsWith('<') ? message : `<error: ${message}>` };
  }
  return { nodes };
}

function hashtableVisualizer(template: 'unordered_map' | 'unordered_multimap' | 'unordered_set' | 'unordered_multiset'): Visualizer {
  const keyed = template.endsWith('map');
  return {
    name: `std::${template}`,
    matches: (type: RecordType) => isStd(type, template),
    visualize(value: Value, host: ValueHost): Visualization {
      const parts = tableParts(value, host);
      return nodeContainerVisualization(value, host, {
        size: parts.size, element: parts.element, elementOffset: parts.elementOffset,
        nodes: (start, count) => listNodes(parts, host, start, count),
      }, keyed);
    },
  };
}

export const HASHTABLE_VISUALIZERS: readonly Visualizer[] = [
  hashtableVisualizer('unordered_map'), hashtableVisualizer('unordered_multimap'),
  hashtableVisualizer('unordered_set'), hashtableVisualizer('unordered_multiset'),
];
