// std::map, std::multimap, std::set, std::multiset (a red-black tree, `_M_t`): gdb's
// `std::map with 2 elements = {["a"] = 1, ["b"] = 2}` and `std::set with 3 elements = {[0] = 1, [1] = 2, [2] = 3}`.
// The elements are paged: a page walks only as far as it needs (see rb-tree.ts); a walk that
// fails (a corrupt tree) ends the page with a child that says why.
import { type DwarfType, type RecordType } from '../../symbols/index.js';
import { byteSizeOf, type Value, type ValueHost } from '../../values/value.js';
import type { Visualization, Visualizer } from '../visualizer.js';
import { checkedLength, field, isStd, numberField, templateType } from './fields.js';
import { elementOffset, instanceName, templateArgumentSpelling } from './node-layout.js';
import { RbTree } from './rb-tree.js';
import { nodeContainerVisualization } from './node-containers.js';

interface TreeParts {
  readonly size: number;
  readonly tree: RbTree;
  /** The node's value type (`std::pair<const K, V>` for a map). */
  readonly element: DwarfType;
  readonly elementOffset: number;
}

function treeParts(value: Value, host: ValueHost): TreeParts {
  const tree = field(value, host, '_M_t');
  const size = checkedLength(numberField(tree, host, '_M_impl', '_M_node_count'), 'tree size');
  const header = field(tree, host, '_M_impl', '_M_header');
  // _Rb_tree<Key, Value, KeyOfValue, Compare, Alloc>: the node holds a Value.
  const element = templateType(tree.type, 1);
  const spelled = templateArgumentSpelling(element);
  const nodeName = spelled === undefined ? undefined : instanceName('std::_Rb_tree_node', [spelled]);
  return { size, tree: new RbTree(host, header, size), element, elementOffset: elementOffset(host, nodeName, byteSizeOf(header.type), element) };
}

function treeVisualizer(template: 'map' | 'multimap' | 'set' | 'multiset'): Visualizer {
  const keyed = template === 'map' || template === 'multimap';
  return {
    name: `std::${template}`,
    matches: (type: RecordType) => isStd(type, template),
    visualize(value: Value, host: ValueHost): Visualization {
      const parts = treeParts(value, host);
      return nodeContainerVisualization(value, host, {
        size: parts.size, element: parts.element, elementOffset: parts.elementOffset,
        nodes: (start, count) => parts.tree.nodes(start, count),
      }, keyed);
    },
  };
}

export const TREE_VISUALIZERS: readonly Visualizer[] = [
  treeVisualizer('map'), treeVisualizer('multimap'), treeVisualizer('set'), treeVisualizer('multiset'),
];
