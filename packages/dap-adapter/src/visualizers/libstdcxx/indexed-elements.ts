// What the containers reached by index share (vector, vector<bool>, array, deque): gdb's
// `header = {1, 2, 3}`, elements as `[i]` children made only for the page asked for, `v[i]` in
// expressions with the range checked.
import { ValueError, type Value } from '../../values/value.js';
import type { Visualization, VisualizedChild } from '../visualizer.js';

export function indexedElements(header: string, length: number, element: (index: number) => Value): Visualization {
  return {
    header,
    hint: 'array',
    length,
    indexed: true,
    children(first: number, count: number): VisualizedChild[] {
      const out: VisualizedChild[] = [];
      for (let index = first; index < Math.min(length, first + count); index++) out.push({ name: `[${index}]`, access: `[${index}]`, value: element(index) });
      return out;
    },
  };
}

/** `index` as a position in a container of `length` elements, or the error an expression gets. */
export function checkedIndex(index: bigint, length: number): number {
  if (index < 0n || index >= BigInt(length)) throw new ValueError(`index ${index} is out of range (length ${length})`);
  return Number(index);
}
