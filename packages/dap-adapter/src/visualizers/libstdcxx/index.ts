// The libstdc++ visualizers (what g++ on Linux links), most specific first.
import type { Visualizer } from '../visualizer.js';
import { STRING_VISUALIZERS } from './string.js';
import { VECTOR_VISUALIZER } from './vector.js';

export const LIBSTDCXX_VISUALIZERS: readonly Visualizer[] = [
  ...STRING_VISUALIZERS,
  VECTOR_VISUALIZER,
];
