// std::tuple and std::pair. A tuple is a chain of base classes: std::tuple<A, B> derives from
// _Tuple_impl<0, A, B>, which derives from _Tuple_impl<1, B> (the rest) and _Head_base<0, A>
// (the element, its `_M_head_impl`). gdb: `std::tuple containing = {[1] = 1, [2] = 2.5}`,
// `empty std::tuple`; a pair has a printer without a header: `{first = 1, second = 2}`.
import { stripTypedefs, type RecordType } from '../../symbols/index.js';
import { baseValue } from '../../values/record-parts.js';
import { ValueError, type Value, type ValueHost } from '../../values/value.js';
import type { Visualization, VisualizedChild, Visualizer } from '../visualizer.js';
import { field, isStd } from './fields.js';

/** No tuple this debugger shows has more elements (a deeper chain is corrupt debug information). */
const MAX_ELEMENTS = 256;

function recordOf(value: Value): RecordType {
  const type = stripTypedefs(value.type);
  if (type.kind !== 'record') throw new ValueError('<libstdc++ layout not recognized: a tuple part is not a class>');
  return type;
}

/** The element held by a _Head_base: its `_M_head_impl`, or the base itself when the element is an empty base (old libstdc++). */
function headOf(head: Value, host: ValueHost): Value {
  const type = recordOf(head);
  const member = type.members[0];
  if (member?.name === '_M_head_impl') return field(head, host, '_M_head_impl');
  const base = type.bases[0];
  if (base !== undefined) return baseValue(head, base, host);
  throw new ValueError(`<libstdc++ layout not recognized: ${type.name}>`);
}

/** The elements of a std::tuple, in order (gdb's StdTuplePrinter walk). */
export function tupleElements(tuple: Value, host: ValueHost): Value[] {
  const top = recordOf(tuple);
  if (top.bases.length === 0 && top.members.length === 0) return [];
  if (top.bases.length !== 1) throw new ValueError(`<libstdc++ layout not recognized: ${top.name}>`);
  let node: Value | undefined = baseValue(tuple, top.bases[0]!, host);
  const elements: Value[] = [];
  while (node !== undefined && elements.length < MAX_ELEMENTS) {
    const { bases } = recordOf(node);
    if (bases.length === 0) break;
    if (bases.length > 2) throw new ValueError('<libstdc++ layout not recognized: a tuple node with more than 2 bases>');
    // Two bases: the rest of the tuple, then this element's _Head_base; one: the last element's.
    elements.push(headOf(baseValue(node, bases[bases.length - 1]!, host), host));
    node = bases.length === 2 ? baseValue(node, bases[0]!, host) : undefined;
  }
  return elements;
}

export const TUPLE_VISUALIZER: Visualizer = {
  name: 'std::tuple',
  matches: (type: RecordType) => isStd(type, 'tuple'),
  visualize(value: Value, host: ValueHost): Visualization {
    const elements = tupleElements(value, host);
    const type = recordOf(value);
    const empty = type.bases.length === 0 && type.members.length === 0;
    return {
      header: empty ? 'empty std::tuple' : 'std::tuple containing',
      hint: 'entries',
      length: elements.length,
      indexed: false,
      children: (start: number, count: number): VisualizedChild[] => elements.slice(start, start + count)
        .map((element, index) => ({ name: `[${start + index + 1}]`, value: element })),
    };
  },
};

export const PAIR_VISUALIZER: Visualizer = {
  name: 'std::pair',
  matches: (type: RecordType) => isStd(type, 'pair'),
  visualize(value: Value, host: ValueHost): Visualization {
    const parts: VisualizedChild[] = [
      { name: 'first', value: field(value, host, 'first'), access: '.first' },
      { name: 'second', value: field(value, host, 'second'), access: '.second' },
    ];
    // gdb's pair printer has no to_string: the value is its children alone.
    return { header: '', hint: 'entries', length: 2, indexed: false, children: (start: number, count: number) => parts.slice(start, start + count) };
  },
};
