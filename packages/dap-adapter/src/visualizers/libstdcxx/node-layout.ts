// Where a linked container's node keeps its element. libstdc++'s nodes are a link part (the
// red-black tree's `_Rb_tree_node_base`, the hashtable's `_Hash_node_base`) followed by the element's
// aligned storage. The node type itself (`std::_Rb_tree_node<int>`) is reachable from no member of
// the container: gdb's printers look it up by name, and so does this, through ValueHost.typeNamed;
// a program whose debug information lacks it (the container built in another unit) still has the
// element at the link part's size rounded up to the element's alignment.
import { DW_ATE, stripTypedefs, type DwarfType } from '../../symbols/index.js';
import { findMember } from '../../values/record-parts.js';
import { byteSizeOf, type ValueHost } from '../../values/value.js';

/** Records nest at most this deep when their alignment is computed (corrupt data can loop). */
const MAX_DEPTH = 32;

/** alignof(type) on x86-64, from the debug information (DWARF records no alignment unless asked for one). */
export function alignmentOf(type: DwarfType, depth = 0): number {
  const resolved = stripTypedefs(type);
  if (depth > MAX_DEPTH) return 8;
  switch (resolved.kind) {
    case 'base':
      // A complex number is aligned as one of its two parts.
      return Math.min(16, Math.max(1, resolved.encoding === DW_ATE.complex_float ? resolved.byteSize / 2 : resolved.byteSize));
    case 'enum':
      return Math.min(16, Math.max(1, byteSizeOf(resolved)));
    case 'pointer':
    case 'reference':
      return 8;
    case 'array':
      return alignmentOf(resolved.element, depth + 1);
    case 'record': {
      let alignment = resolved.isPolymorphic ? 8 : 1;
      for (const member of resolved.members) alignment = Math.max(alignment, alignmentOf(member.type, depth + 1));
      for (const base of resolved.bases) alignment = Math.max(alignment, base.isVirtual ? 8 : alignmentOf(base.type, depth + 1));
      return alignment;
    }
    default:
      return 1;
  }
}

/**
 * The offset of the element in a node: read from the node type `nodeName` when the program's debug
 * information has it (its `_M_storage` member, in the node or a base), else the link part's size
 * rounded up to the element's alignment.
 */
export function elementOffset(host: ValueHost, nodeName: string | undefined, linkSize: number, element: DwarfType): number {
  const node = nodeName === undefined ? undefined : host.typeNamed?.(nodeName);
  if (node !== undefined && stripTypedefs(node).kind === 'record') {
    const storage = findMember({ type: node, place: { kind: 'memory', address: 0n } }, '_M_storage', host);
    if (storage?.place.kind === 'memory') return Number(storage.place.address);
  }
  const alignment = alignmentOf(element);
  return Math.ceil(linkSize / alignment) * alignment;
}

/** How g++ spells a type inside a template instance's name (`std::_Rb_tree_node<geo::Shape*>`), or undefined when unsure. */
export function templateArgumentSpelling(type: DwarfType, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (type.kind) {
    case 'typedef':
      return templateArgumentSpelling(type.target, depth + 1);
    case 'base':
    case 'record':
    case 'enum':
      return type.name;
    case 'pointer': {
      const target = templateArgumentSpelling(type.target, depth + 1);
      return target === undefined ? undefined : `${target}*`;
    }
    case 'qualified': {
      const target = templateArgumentSpelling(type.target, depth + 1);
      return target === undefined || type.qualifier !== 'const' ? undefined : `${target} const`;
    }
    default:
      return undefined;
  }
}

/** `std::NAME<ARGS>` as g++ names an instance: a space between closing brackets (`> >`). */
export function instanceName(template: string, args: readonly string[]): string {
  const list = args.join(', ');
  return `${template}<${list}${list.endsWith('>') ? ' ' : ''}>`;
}
