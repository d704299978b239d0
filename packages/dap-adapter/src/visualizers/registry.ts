// Which visualizer shows a type: the first whose `matches` accepts the record behind its
// typedefs and qualifiers. The raw members stay reachable (the inspector adds a `[raw]` child).
import { stripTypedefs, type DwarfType, type RecordType } from '../symbols/index.js';
import { LIBSTDCXX_VISUALIZERS } from './libstdcxx/index.js';
import type { Visualizer } from './visualizer.js';

const VISUALIZERS: readonly Visualizer[] = [...LIBSTDCXX_VISUALIZERS];

const chosen = new WeakMap<RecordType, Visualizer | null>();

export function visualizerFor(type: DwarfType): Visualizer | undefined {
  const record = stripTypedefs(type);
  if (record.kind !== 'record' || record.name === undefined || record.byteSize === undefined || !record.cplusplus) return undefined;
  let visualizer = chosen.get(record);
  if (visualizer === undefined) {
    visualizer = VISUALIZERS.find((candidate) => candidate.matches(record)) ?? null;
    chosen.set(record, visualizer);
  }
  return visualizer ?? undefined;
}
