// The name gdb's printers put in a container's header: the class template's own name as the type
// spells it (`std::deque`, `std::__cxx11::list`, `std::__debug::vector`), without the versioned
// namespace `__8::` (gdb's strip_versioned_namespace).
import type { DwarfType, RecordType } from '../../symbols/index.js';
import { stripTypedefs } from '../../symbols/index.js';

export function containerName(type: DwarfType | RecordType): string {
  const record = stripTypedefs(type);
  const name = record.kind === 'record' ? record.name ?? '' : '';
  const open = name.indexOf('<');
  return (open < 0 ? name : name.slice(0, open)).replace('::__8::', '::');
}

/** gdb's num_elements: `1 element`, `3 elements`. */
export function elementCount(count: number): string {
  return count === 1 ? '1 element' : `${count} elements`;
}
