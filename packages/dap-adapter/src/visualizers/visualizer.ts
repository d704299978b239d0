// Visualizers show a library's types as their users think of them — a std::vector as its
// elements, a std::string as its text — instead of the members that implement them, the way
// gdb's Python pretty printers do (libstdc++ ships them; these follow what they print). A
// visualizer reads the value's own fields through a ValueHost, bounded: a container read before
// its constructor ran holds garbage, and must give an error or a bounded prefix, never read
// gigabytes or loop.
import type { RecordType } from '../symbols/index.js';
import type { Value, ValueHost } from '../values/value.js';

/** One child of a visualized value: an element (`[3]`), a map entry (its key), or a named part (`get()`). */
export interface VisualizedChild {
  /** The child's name; for a map entry, leave it out and give `key`: it is shown as `["key"]`. */
  readonly name?: string;
  /** A map entry's key, shown formatted as the child's name (`["a"] = 1`). */
  readonly key?: Value;
  readonly value: Value;
  /** How to reach the child from the parent's expression (`[3]`), when the evaluator can; else undefined. */
  readonly access?: string;
}

export interface Visualization {
  /**
   * What gdb's printer says of the whole value (its `to_string`): `std::vector of length 3, capacity 4`,
   * or for a string, the quoted text itself. Empty for a value shown as its children alone
   * (a std::array, `{1, 2, 3}` like the C array it wraps).
   */
  readonly header: string;
  /**
   * How gdb writes the children after the header in a one-line print:
   * 'array' `= {1, 2, 3}`, 'entries' `= {["a"] = 1}` or `= {[0] = 1}` (name = value), 'none' (no children shown).
   */
  readonly hint: 'array' | 'entries' | 'none';
  /** How many children there are, known without reading them (for paging). */
  readonly length: number;
  /** Whether the children are elements, paged by the client (DAP indexed variables), rather than named parts. */
  readonly indexed: boolean;
  /** Children [start, start + count): reads only those. */
  children(start: number, count: number): VisualizedChild[];
}

export interface Visualizer {
  /** What it shows, for messages and the README: `std::vector`. */
  readonly name: string;
  /** Whether it is for this record type (by its qualified name, template arguments included). */
  matches(type: RecordType): boolean;
  /** Reads what the header and the children need; throws a ValueError for a value that makes no sense. */
  visualize(value: Value, host: ValueHost): Visualization;
  /** `value[index]` in expressions (vector, deque, array, string...). */
  index?(value: Value, host: ValueHost, index: bigint): Value;
  /** `*value` and `value->member` in expressions (smart pointers, optional). */
  pointee?(value: Value, host: ValueHost): Value;
}
