// std::unique_ptr, std::shared_ptr and std::weak_ptr, as gdb's printers show them:
// `std::unique_ptr<int> = {get() = 0x4172b0}`, `std::shared_ptr<int> (use count 1, weak count 0) = {get() = 0x...}`,
// `(empty)`, `(expired, weak count 1)`; the template argument is named plainly (gdb's str(type)).
// `*p` and `p->x` reach the object (as its dynamic class, gdb's `print object on`).
import { stripTypedefs, typeName, type RecordType } from '../../symbols/index.js';
import { withDynamicType } from '../../values/dynamic-type.js';
import { dereference, type Value, type ValueHost, ValueError } from '../../values/value.js';
import type { Visualization, Visualizer } from '../visualizer.js';
import { field, isStd, numberField, templateType } from './fields.js';
import { tupleElements } from './tuple.js';

/** unique_ptr's stored pointer: element 0 of the std::tuple<pointer, deleter> it keeps (in `_M_t._M_t` since GCC 7, `_M_t` before). */
function uniquePointer(value: Value, host: ValueHost): Value {
  const impl = field(value, host, '_M_t');
  const implType = stripTypedefs(impl.type);
  if (implType.kind !== 'record') throw new ValueError('<libstdc++ layout not recognized: unique_ptr>');
  const tuple = isStd(implType, '__uniq_ptr_data') || isStd(implType, '__uniq_ptr_impl') ? field(impl, host, '_M_t')
    : isStd(implType, 'tuple') ? impl : undefined;
  if (tuple === undefined) throw new ValueError(`<libstdc++ layout not recognized: unique_ptr holding ${implType.name}>`);
  const pointer = tupleElements(tuple, host)[0];
  if (pointer === undefined) throw new ValueError('<libstdc++ layout not recognized: unique_ptr with an empty tuple>');
  return pointer;
}

/** A pointer as the object it points to, of its dynamic class. */
function pointeeOf(pointer: Value, host: ValueHost): Value {
  return dereference(withDynamicType(pointer, host), host);
}

function pointerVisualization(header: string, pointer: Value): Visualization {
  return {
    header, hint: 'entries', length: 1, indexed: false,
    children: (start: number, count: number) => (start === 0 && count > 0 ? [{ name: 'get()', value: pointer }] : []),
  };
}

export const UNIQUE_PTR_VISUALIZER: Visualizer = {
  name: 'std::unique_ptr',
  matches: (type: RecordType) => isStd(type, 'unique_ptr'),
  visualize: (value: Value, host: ValueHost) => pointerVisualization(`std::unique_ptr<${typeName(templateType(value.type, 0))}>`, uniquePointer(value, host)),
  pointee: (value: Value, host: ValueHost) => pointeeOf(uniquePointer(value, host), host),
};

/** The reference counts' state as gdb words it. */
function countState(value: Value, host: ValueHost): string {
  const counts = field(value, host, '_M_refcount', '_M_pi');
  if (numberField(value, host, '_M_refcount', '_M_pi') === 0n) return 'empty';
  const block = dereference(counts, host);
  const uses = numberField(block, host, '_M_use_count');
  const weak = numberField(block, host, '_M_weak_count');
  // The weak count includes one for all the owners together while there are any.
  return uses === 0n ? `expired, weak count ${weak}` : `use count ${uses}, weak count ${weak - 1n}`;
}

function sharedVisualizer(name: 'shared_ptr' | 'weak_ptr'): Visualizer {
  return {
    name: `std::${name}`,
    matches: (type: RecordType) => isStd(type, name),
    visualize: (value: Value, host: ValueHost) => pointerVisualization(
      `std::${name}<${typeName(templateType(value.type, 0))}> (${countState(value, host)})`, field(value, host, '_M_ptr'),
    ),
    // gdb's xmethods dereference a shared_ptr, not a weak_ptr (it must be locked first).
    ...(name === 'shared_ptr' ? { pointee: (value: Value, host: ValueHost) => pointeeOf(field(value, host, '_M_ptr'), host) } : {}),
  };
}

export const SMART_POINTER_VISUALIZERS: readonly Visualizer[] = [
  UNIQUE_PTR_VISUALIZER,
  sharedVisualizer('shared_ptr'),
  sharedVisualizer('weak_ptr'),
];
