// What the node-based associative containers (std::map and std::set families, the unordered
// ones) share once their nodes are found: gdb's header `std::map with 2 elements`, and a page
// of children made from the nodes a walk returns — map entries by key, set elements by position,
// and in place of the next element the reason a corrupt structure stopped the walk.
import type { DwarfType, RecordType } from '../../symbols/index.js';
import { INT, type Value, type ValueHost } from '../../values/value.js';
import type { Visualization, VisualizedChild, Visualizer } from '../visualizer.js';
import { containerName, elementCount } from './container-name.js';
import { field, isStd } from './fields.js';

/** The nodes of a page, and why the walk stopped early (a corrupt or uninitialized structure). */
export interface NodeRun {
  readonly nodes: readonly bigint[];
  readonly error?: string;
}

export interface NodeContainer {
  readonly size: number;
  /** The element type (a std::pair for a map). */
  readonly element: DwarfType;
  /** Where a node keeps its element. */
  readonly elementOffset: number;
  /** The nodes [start, start + count), in the container's order. */
  nodes(start: number, count: number): NodeRun;
}

/** The visualizers of one family: each template's visualizer reads its container with `read`; a map's entries are keyed. */
export function nodeContainerVisualizers<T extends string>(templates: readonly T[], keyed: (template: T) => boolean, read: (value: Value, host: ValueHost) => NodeContainer): Visualizer[] {
  return templates.map((template) => ({
    name: `std::${template}`,
    matches: (type: RecordType) => isStd(type, template),
    visualize: (value: Value, host: ValueHost) => nodeContainerVisualization(value, host, read(value, host), keyed(template)),
  }));
}

function nodeContainerVisualization(value: Value, host: ValueHost, container: NodeContainer, keyed: boolean): Visualization {
  return {
    header: `${containerName(value.type)} with ${elementCount(container.size)}`,
    hint: 'entries',
    length: container.size,
    indexed: true,
    children(start: number, count: number): VisualizedChild[] {
      const run = container.nodes(start, count);
      const out = run.nodes.map((node, index): VisualizedChild => {
        const element: Value = { type: container.element, place: { kind: 'memory', address: node + BigInt(container.elementOffset) } };
        if (!keyed) return { name: `[${start + index}]`, value: element };
        return { key: field(element, host, 'first'), value: field(element, host, 'second') };
      });
      // The error in place of the next element (an int: shown as the reason, with no parts to expand).
      if (run.error !== undefined) out.push({ name: `[${start + out.length}]`, value: { type: INT, place: { kind: 'unavailable', reason: run.error } } });
      return out;
    },
  };
}
