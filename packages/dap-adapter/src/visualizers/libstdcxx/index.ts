// The libstdc++ visualizers (what g++ on Linux links), most specific first.
import type { Visualizer } from '../visualizer.js';
import { ARRAY_VISUALIZER } from './array.js';
import { CONTAINED_VALUE_VISUALIZERS } from './contained-value.js';
import { DEQUE_VISUALIZER } from './deque.js';
import { FORWARD_LIST_VISUALIZER } from './forward-list.js';
import { HASHTABLE_VISUALIZERS } from './hashtable.js';
import { LIST_VISUALIZER } from './list.js';
import { SMART_POINTER_VISUALIZERS } from './smart-pointers.js';
import { STRING_VISUALIZERS } from './string.js';
import { TREE_VISUALIZERS } from './tree.js';
import { PAIR_VISUALIZER, TUPLE_VISUALIZER } from './tuple.js';
import { VECTOR_BOOL_VISUALIZER } from './vector-bool.js';
import { VECTOR_VISUALIZER } from './vector.js';

export const LIBSTDCXX_VISUALIZERS: readonly Visualizer[] = [
  ...STRING_VISUALIZERS,
  VECTOR_BOOL_VISUALIZER,
  VECTOR_VISUALIZER,
  ARRAY_VISUALIZER,
  DEQUE_VISUALIZER,
  LIST_VISUALIZER,
  FORWARD_LIST_VISUALIZER,
  ...TREE_VISUALIZERS,
  ...HASHTABLE_VISUALIZERS,
  ...SMART_POINTER_VISUALIZERS,
  ...CONTAINED_VALUE_VISUALIZERS,
  TUPLE_VISUALIZER,
  PAIR_VISUALIZER,
];
