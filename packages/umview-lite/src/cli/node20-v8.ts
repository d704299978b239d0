// Node 20's own binding of V8, the one node:v8 wraps, for the launcher's two uses of V8: its
// flags (v8-tuning.ts) and the heap's bytecode (cache-growth.ts).
//
// node:v8 loads 30 of Node's modules, its streams among them. Loaded before the flags are set,
// they cost ~2.3 ms; after (at exit, where the launcher checks its code cache), 7.6-8.5 ms,
// since Node's code cache of its own modules is checked against V8's flags and they then
// compile from source. The binding costs 0.3 ms either way (measured on Node 20.20, pinned).
// process.binding is deprecated (a warning, silenced here: it is no concern of the user's), and
// its 'v8' differs from one Node to the next (Node 24 has none): it is used on Node 20 alone,
// whose API no longer changes. Elsewhere the callers take node:v8.

export interface Node20V8 {
  setFlagsFromString(flags: string): void;
  /** Fills heapCodeStatisticsBuffer with V8's heap code statistics (a walk of the heap). */
  updateHeapCodeStatisticsBuffer(): void;
  readonly heapCodeStatisticsBuffer: Float64Array;
  readonly kBytecodeAndMetadataSizeIndex: number;
}

let binding: Node20V8 | undefined | null = null;

/** The binding on Node 20, undefined on any other Node. */
export function node20V8(): Node20V8 | undefined {
  if (binding === null) binding = process.versions.node.startsWith('20.') ? bind() : undefined;
  return binding;
}

function bind(): Node20V8 {
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return (process as unknown as { binding(name: string): Node20V8 }).binding('v8');
  } finally {
    process.noDeprecation = quiet;
  }
}
