// std::optional and std::variant: one contained value or none, as gdb's printers show them:
// `std::optional<int> = {[contained value] = 5}`, `std::optional<int> [no contained value]`,
// `std::variant<int, double> [index 1] = {2.5}`. A contained value that is itself a container
// (it has children) lends them: `std::optional<std::vector<int>> containing std::vector of length 2, capacity 2 = {1, 2}`.
// Type arguments are named as gdb's type printers name them (`std::optional<std::string>`).
import { stripTypedefs, type RecordType } from '../../symbols/index.js';
import { ValueError, type Value, type ValueHost } from '../../values/value.js';
import { visualizerFor } from '../registry.js';
import type { Visualization, VisualizedChild, Visualizer } from '../visualizer.js';
import { field, isStd, numberField, templateType } from './fields.js';
import { recognizedName } from './type-printers.js';

const CONTAINED = '[contained value]';

/** The visualization of a held value: its own when it has children to show, else the value as the one child. */
function holding(typeName: string, header: string, contained: Value, hint: 'array' | 'entries', host: ValueHost): Visualization {
  const inner = visualizerFor(contained.type)?.visualize(contained, host);
  if (inner !== undefined && inner.hint !== 'none') return { ...inner, header: `${typeName}${header} containing ${inner.header}`, children: inner.children.bind(inner) };
  return {
    header: `${typeName}${header}`, hint, length: 1, indexed: false,
    children: (start: number, count: number): VisualizedChild[] => (start === 0 && count > 0 ? [{ name: CONTAINED, value: contained }] : []),
  };
}

function empty(header: string): Visualization {
  return { header: `${header} [no contained value]`, hint: 'none', length: 0, indexed: false, children: () => [] };
}

/** optional's value and whether it holds one (GCC 9+: `_M_payload._M_payload._M_value`, `_M_payload._M_engaged`). */
function optionalParts(value: Value, host: ValueHost): { engaged: boolean; contained: Value } {
  const payload = field(value, host, '_M_payload');
  const engaged = numberField(payload, host, '_M_engaged') !== 0n;
  const storage = field(payload, host, '_M_payload');
  const storageType = stripTypedefs(storage.type);
  const hasValue = storageType.kind === 'record' && storageType.members.some((member) => member.name === '_M_value');
  return { engaged, contained: hasValue ? field(storage, host, '_M_value') : storage };
}

export const OPTIONAL_VISUALIZER: Visualizer = {
  name: 'std::optional',
  matches: (type: RecordType) => isStd(type, 'optional'),
  visualize(value: Value, host: ValueHost): Visualization {
    const name = `std::optional<${recognizedName(templateType(value.type, 0))}>`;
    const { engaged, contained } = optionalParts(value, host);
    return engaged ? holding(name, '', contained, 'entries', host) : empty(name);
  },
  pointee(value: Value, host: ValueHost): Value {
    const { engaged, contained } = optionalParts(value, host);
    if (!engaged) throw new ValueError('the optional has no contained value');
    return contained;
  },
};

export const VARIANT_VISUALIZER: Visualizer = {
  name: 'std::variant',
  matches: (type: RecordType) => isStd(type, 'variant'),
  visualize(value: Value, host: ValueHost): Visualization {
    const type = stripTypedefs(value.type) as RecordType;
    const alternatives = type.templateArguments.map((argument) => argument.type);
    const name = `std::variant<${alternatives.map((alternative) => recognizedName(alternative)).join(', ')}>`;
    const index = numberField(value, host, '_M_index');
    // variant_npos in the index's width: valueless by exception.
    if (index < 0n || index >= BigInt(alternatives.length)) return empty(name);
    const storage = field(value, host, '_M_u', '_M_first', '_M_storage');
    const contained: Value = { type: alternatives[Number(index)]!, place: storage.place };
    return holding(name, ` [index ${index}]`, contained, 'array', host);
  },
};

export const CONTAINED_VALUE_VISUALIZERS: readonly Visualizer[] = [OPTIONAL_VISUALIZER, VARIANT_VISUALIZER];
