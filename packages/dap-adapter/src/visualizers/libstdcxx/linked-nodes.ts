// Walking libstdc++'s linked nodes (std::list, std::forward_list) as far as a page needs, never
// further than a bound, and never round a cycle: a corrupt or uninitialized list (garbage
// pointers, a node that points back into the list) ends in an error child instead of a hang.
import type { DwarfType } from '../../symbols/index.js';
import { integerOf, VOID_POINTER, type ValueHost } from '../../values/value.js';
import { elementOffset, instanceName, templateArgumentSpelling } from './node-layout.js';

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
 * `_M_storage` in the node type the program's debug information has (as gdb's printers look it
 * up), else after the node's links, aligned for the element (node-layout.ts).
 */
export function storageOffset(host: ValueHost, nodeTemplate: string, element: DwarfType, linksSize: number): number {
  const spelling = templateArgumentSpelling(element);
  return elementOffset(host, spelling === undefined ? undefined : instanceName(nodeTemplate, [spelling]), linksSize, element);
}
