// std::map, std::multimap, std::set, std::multiset (a red-black tree, `_M_t`): gdb's
// `std::map with 2 elements = {["a"] = 1, ["b"] = 2}` and `std::set with 3 elements = {[0] = 1, [1] = 2, [2] = 3}`.
// The elements are paged: a page walks only as far as it needs (see rb-tree.ts); a walk that
// fails (a corrupt tree) ends the page with a child that says why.
import { byteSizeOf, type Value, type ValueHost } from '../../values/value.js';
import type { Visualizer } from '../visualizer.js';
import { checkedLength, field, numberField, templateType } from './fields.js';
import { elementOffset, instanceName, templateArgumentSpelling } from './node-layout.js';
import { RbTree } from './rb-tree.js';
import { nodeContainerVisualizers, type NodeContainer } from './node-containers.js';

function treeParts(value: Value, host: ValueHost): NodeContainer {
  const rbTree = field(value, host, '_M_t');
  const size = checkedLength(numberField(rbTree, host, '_M_impl', '_M_node_count'), 'tree size');
  const header = field(rbTree, host, '_M_impl', '_M_header');
  // _Rb_tree<Key, Value, KeyOfValue, Compare, Alloc>: the node holds a Value.
  const element = templateType(rbTree.type, 1);
  const spelled = templateArgumentSpelling(element);
  const nodeName = spelled === undefined ? undefined : instanceName('std::_Rb_tree_node', [spelled]);
  const tree = new RbTree(host, header, size);
  return { size, element, elementOffset: elementOffset(host, nodeName, byteSizeOf(header.type), element), nodes: (start, count) => tree.nodes(start, count) };
}

export const TREE_VISUALIZERS: readonly Visualizer[] = nodeContainerVisualizers(
  ['map', 'multimap', 'set', 'multiset'], (template) => template.endsWith('map'), treeParts,
);
