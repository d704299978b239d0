// std::unordered_map, unordered_set and their multi variants (a `_Hashtable`, `_M_h`): gdb's
// `std::unordered_map with 2 elements = {["b"] = 2, ["a"] = 1}`, in the order of the table's
// singly linked node list (`_M_before_begin._M_nxt`). A page follows the list only up to its
// end (start + count nodes), never beyond the element count; a list that ends early or an
// unreadable node ends the page with a child that says why.
import { stripTypedefs } from '../../symbols/index.js';
import { findMember } from '../../values/record-parts.js';
import { byteSizeOf, errorText, ValueError, type Value, type ValueHost } from '../../values/value.js';
import type { Visualizer } from '../visualizer.js';
import { checkedLength, field, numberField, templateType } from './fields.js';
import { elementOffset, instanceName, templateArgumentSpelling } from './node-layout.js';
import { nodeContainerVisualizers, type NodeContainer, type NodeRun } from './node-containers.js';

function tableParts(value: Value, host: ValueHost): NodeContainer {
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
  const list = { size, first: numberField(beforeBegin, host, '_M_nxt'), nextAt: Number(next.place.address) };
  return { size, element, elementOffset: elementOffset(host, nodeName, byteSizeOf(beforeBegin.type), element), nodes: (start, count) => listNodes(list, host, start, count) };
}

/** The nodes [start, start + count) of the list, and why it stopped early if it did. */
function listNodes(parts: { size: number; first: bigint; nextAt: number }, host: ValueHost, start: number, count: number): NodeRun {
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
    return { nodes, error: errorText(error) };
  }
  return { nodes };
}

export const HASHTABLE_VISUALIZERS: readonly Visualizer[] = nodeContainerVisualizers(
  ['unordered_map', 'unordered_multimap', 'unordered_set', 'unordered_multiset'], (template) => template.endsWith('map'), tableParts,
);
