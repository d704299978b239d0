// The nodes of libstdc++'s red-black tree (`_Rb_tree`, behind std::map, set, multimap, multiset)
// in order, one page at a time: from the leftmost node forward, or from the rightmost node backward
// when the page is nearer the end, as _Rb_tree_increment and _Rb_tree_decrement step. A page
// [start, start + count) visits at most min(start + count, size - start) nodes. The tree may be
// garbage (read before its constructor ran) or corrupt (a cycle): every link followed counts
// against a budget of what a valid tree of that many nodes needs, and the walk stops with an
// error when it is spent, returning the nodes found before.
import { findMember } from '../../values/record-parts.js';
import { byteSizeOf, errorText, ValueError, type Value, type ValueHost } from '../../values/value.js';
import { numberField } from './fields.js';
import type { NodeRun } from './node-containers.js';

/**
 * Link reads a walk may make: a step to the next node reads at most 2 links per edge it follows
 * plus 4, and an in-order walk over k nodes follows at most 2k edges plus twice the tree's height
 * (≤ 2·log2(n + 1) ≤ 64 for a valid tree): 8k + SLACK covers a valid tree with room to spare.
 */
const READS_PER_NODE = 8;
const HEIGHT_SLACK = 1024;

interface Links {
  readonly parent: bigint;
  readonly left: bigint;
  readonly right: bigint;
}


class CorruptTree extends Error {}

/** An in-order walk meets each node once: a second time means the links go round. */
function once(seen: Set<bigint>, node: bigint): void {
  if (seen.has(node)) throw new CorruptTree('<corrupted tree: its links lead in a cycle>');
  seen.add(node);
}

export class RbTree {
  private readonly cache = new Map<bigint, Links>();
  private readonly parentAt: number;
  private readonly leftAt: number;
  private readonly rightAt: number;
  private readonly linkSize: number;
  private readonly leftmost: bigint;
  private readonly rightmost: bigint;
  private budget = 0;

  /**
   * @param header the container's `_M_header` (an `_Rb_tree_node_base`: parent = root, left = leftmost, right = rightmost)
   * @param size its `_M_node_count`, checked
   */
  constructor(private readonly host: ValueHost, header: Value, private readonly size: number) {
    const at = (name: string): number => {
      const member = findMember({ type: header.type, place: { kind: 'memory', address: 0n } }, name, host);
      if (member?.place.kind !== 'memory') throw new ValueError(`<libstdc++ layout not recognized: no ${name} in _Rb_tree_node_base>`);
      return Number(member.place.address);
    };
    this.parentAt = at('_M_parent');
    this.leftAt = at('_M_left');
    this.rightAt = at('_M_right');
    this.linkSize = byteSizeOf(header.type);
    this.leftmost = numberField(header, host, '_M_left');
    this.rightmost = numberField(header, host, '_M_right');
    if (size > 0 && (this.leftmost === 0n || this.rightmost === 0n)) throw new ValueError('<corrupted tree: no leftmost or rightmost node>');
  }

  /** The nodes [start, start + count) in order (clipped to the size). */
  nodes(start: number, count: number): NodeRun {
    const end = Math.min(this.size, start + count);
    if (start >= end) return { nodes: [] };
    return start <= this.size - end ? this.forward(start, end) : this.backward(start, end);
  }

  private forward(start: number, end: number): NodeRun {
    const found: bigint[] = [];
    this.budget = READS_PER_NODE * end + HEIGHT_SLACK;
    try {
      const seen = new Set<bigint>();
      let node = this.leftmost;
      for (let index = 0; index < end; index++) {
        once(seen, node);
        if (index >= start) found.push(node);
        if (index < end - 1) node = this.next(node);
      }
      return { nodes: found };
    } catch (error) {
      return { nodes: found, error: this.reason(error) };
    }
  }

  private backward(start: number, end: number): NodeRun {
    const found: bigint[] = [];
    this.budget = READS_PER_NODE * (this.size - start) + HEIGHT_SLACK;
    try {
      const seen = new Set<bigint>();
      let node = this.rightmost;
      for (let index = this.size - 1; index >= start; index--) {
        once(seen, node);
        if (index < end) found.push(node);
        if (index > start) node = this.previous(node);
      }
      return { nodes: found.reverse() };
    } catch (error) {
      // Found from the end: a prefix of the page is not known. The page reports the error alone.
      return { nodes: [], error: this.reason(error) };
    }
  }

  /** _Rb_tree_increment. */
  private next(node: bigint): bigint {
    let x = node;
    const right = this.links(x).right;
    if (right !== 0n) {
      x = right;
      for (let left = this.links(x).left; left !== 0n; left = this.links(x).left) x = left;
      return x;
    }
    let y = this.links(x).parent;
    while (x === this.links(y).right) {
      x = y;
      y = this.links(y).parent;
    }
    return this.links(x).right !== y ? y : x;
  }

  /** _Rb_tree_decrement (never called on the header). */
  private previous(node: bigint): bigint {
    let x = node;
    const left = this.links(x).left;
    if (left !== 0n) {
      x = left;
      for (let right = this.links(x).right; right !== 0n; right = this.links(x).right) x = right;
      return x;
    }
    let y = this.links(x).parent;
    while (x === this.links(y).left) {
      x = y;
      y = this.links(y).parent;
    }
    return y;
  }

  /** A node's links: each call is one link followed, counted against the budget. */
  private links(node: bigint): Links {
    if (--this.budget < 0) throw new CorruptTree('<corrupted tree: its links lead in a cycle>');
    if (node === 0n) throw new CorruptTree('<corrupted tree: a null link inside the tree>');
    let links = this.cache.get(node);
    if (links === undefined) {
      const bytes = this.host.readMemory(node, this.linkSize);
      links = {
        parent: bytes.readBigUInt64LE(this.parentAt),
        left: bytes.readBigUInt64LE(this.leftAt),
        right: bytes.readBigUInt64LE(this.rightAt),
      };
      this.cache.set(node, links);
    }
    return links;
  }

  private reason(error: unknown): string {
    if (error instanceof CorruptTree) return error.message;
    return errorText(error);
  }
}
