// Walking libstdc++'s linked nodes (std::list, std::forward_list) as far as a page needs, never
// further than a bound, and never round a cycle: a corrupt or uninitialized list (garbage
// pointers, a node that points back into the list) ends in an error child instead of a hang.
import { stripTypedefs, typeName, type DwarfType } from '../../symbols/index.js';
import { byteSizeOf, integerOf, VOID_POINTER, type ValueHost } from '../../values/value.js';

/** The most nodes a walk follows: a page beyond this is not shown. */
export const MAX_WALK = 1_000_000;

/** The `_M_next` pointer at the start of a node. */
export function nextOf(host: ValueHost, node: bigint): bigint {
  return integerOf({ type: VOID_POINTER, place: { kind: 'memory', address: node } }, host);
}

export interface Walked {
  /** The nodes reached, in order. */
  readonly nodes: bigint[];
  /** Why the walk stopped before `count` nodes (a cycle, an unreadable pointer, the bound), if it did. */
  readonly error?: string;
}

/**
 * Nodes [start, start + count) of a chain beginning at `first`, ending where `isEnd(node)` (the
 * list's head, or null). Walks `start` nodes to reach the page; detects a node seen twice.
 */
export function walkNodes(host: ValueHost, first: bigint, isEnd: (node: bigint) => boolean, start: number, count: number): Walked {
  const seen = new Set<bigint>();
  const nodes: bigint[] = [];
  let node = first;
  for (let index = 0; index < start + count; index++) {
    if (isEnd(node)) return { nodes };
    if (index >= MAX_WALK) return { nodes, error: `<list longer than ${MAX_WALK} nodes: not shown further>` };
    if (seen.has(node)) return { nodes, error: `<corrupted list: node 0x${node.toString(16)} is reached twice>` };
    seen.add(node);
    // A node is one whose link can be read: a garbage pointer ends the walk here.
    let next: bigint;
    try {
      next = nextOf(host, node);
    } catch (error) {
      return { nodes, error: `<corrupted list: ${(error as Error).message}>` };
    }
    if (index >= start) nodes.push(node);
    node = next;
  }
  return { nodes };
}

/** The address of a node's element (addresses wrap at 64 bits, as garbage pointers may make them). */
export function elementAddress(node: bigint, storage: number): bigint {
  return BigInt.asUintN(64, node + BigInt(storage));
}

/**
 * Where a node (`std::_List_node<T>`, `std::_Fwd_list_node<T>`) keeps its element: the offset of
 * `_M_storage`, from the node type the program's debug information has (as gdb's printers look it
 * up), else after the node's links, aligned for the element.
 */
export function storageOffset(host: ValueHost, nodeTemplate: string, element: DwarfType, linksSize: number): number {
  const node = host.typeNamed?.(`${nodeTemplate}<${templateArgument(element)}>`);
  const record = node === undefined ? undefined : stripTypedefs(node);
  const storage = record?.kind === 'record' ? record.members.find((member) => member.name === '_M_storage') : undefined;
  if (storage !== undefined) return storage.byteOffset;
  const align = alignmentOf(element);
  return Math.ceil(linksSize / align) * align;
}

/** A type as g++ spells it inside a template argument list (`> >`: a space between closing brackets). */
function templateArgument(type: DwarfType): string {
  const name = typeName(type);
  return name.endsWith('>') ? `${name} ` : name;
}

/** The alignment x86-64 gives a type: its scalars' sizes (up to 16), the largest of a record's members. */
function alignmentOf(type: DwarfType, depth = 0): number {
  const resolved = stripTypedefs(type);
  if (depth > 32) return 8;
  switch (resolved.kind) {
    case 'record': {
      let align = 1;
      for (const member of resolved.members) align = Math.max(align, alignmentOf(member.type, depth + 1));
      for (const base of resolved.bases) align = Math.max(align, alignmentOf(base.type, depth + 1));
      return align;
    }
    case 'array':
      return alignmentOf(resolved.element, depth + 1);
    default: {
      const size = byteSizeOf(resolved);
      return size >= 16 ? 16 : size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
    }
  }
}
