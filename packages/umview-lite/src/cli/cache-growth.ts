// When the launcher writes its code cache again (cli/launcher.ts): when this run compiled
// functions of ours that the cache lacks.
//
// V8 compiles a function at its first call, so a cache holds what the runs that wrote it ran.
// What a run compiled beyond the cache it loaded shows in the heap's bytecode (V8's heap code
// statistics) at its exit against its start, but so do Node's own modules that the run loaded
// meanwhile, which no cache of ours holds: ~20 KB for any run (the exit path, a pipe on stdout),
// ~285 KB at every run over a `.tar.gz` (zlib, crypto). A single figure for all runs could not
// tell them apart: one archive run set it so high that fake root's ~80 KB, or --strace's ~100
// KB, were compiled again at every later run of theirs.
//
// So a run is known by its kind (the set of Node's modules it loaded after the cache, which
// Node's share of its bytecode depends on), and the figure file keeps, for each kind seen since
// the cache was written, what such a run adds when the cache already holds its code (its
// floor). A run that adds more than its kind's floor, or whose kind has none yet, serializes
// the cache (V8's createCachedData: 3.6 ms for 470 KB, 6 ms for 790 KB): larger than the one
// loaded, it is written, and the floors start again; not larger, this run's figure becomes its
// kind's floor. Each kind pays that check once per cache, and a run that brings nothing new
// pays a read of a small JSON file and one of the heap's statistics at its exit: the bytecode
// right after a cache is loaded is the same at every run, so it is measured once (node:v8 at
// start-up costs ~1.5 ms) and kept with the floors.
import { readFileSync } from 'node:fs';
import { atomicWrite } from './atomic-write.js';

/** Bytes of bytecode (or of cache) that count as growth: a few of our functions. */
const GROWTH = 4096;

/** What the launcher asks at exit. */
export interface CacheGrowth {
  /** The cache to write now (made with `serialize`), or undefined when the one loaded holds
   * what this run compiled. */
  cacheToWrite(serialize: () => Buffer): Buffer | undefined;
}

/** What the figures file keeps for a cache. */
interface Figures {
  /** The heap's bytecode right after the cache was loaded. */
  start?: number;
  /** Each run kind's floor. */
  kinds: Record<string, number>;
}

/** Starts watching right after the cache was loaded: `loadedSize` is its size in bytes,
 * undefined when there was none or V8 rejected it (then the cache is written at exit). */
export function watchGrowth(figuresFile: string, loadedSize: number | undefined): CacheGrowth {
  const figures = loadedSize === undefined ? { kinds: {} } : readFigures(figuresFile);
  // Counted before node:v8 may be loaded here: the run that measures the start loads it now,
  // the others at exit, and both must be of one kind.
  const modulesAtStart = loadedModules().length;
  const atStart = figures.start ?? heapBytecode();
  return {
    cacheToWrite(serialize) {
      const added = heapBytecode() - atStart;
      const kind = runKind(loadedModules().slice(modulesAtStart));
      const floor = figures.kinds[kind];
      if (loadedSize !== undefined && floor !== undefined && added <= floor + GROWTH) return undefined;
      const data = serialize();
      if (loadedSize === undefined || data.length > loadedSize + GROWTH) {
        atomicWrite(figuresFile, JSON.stringify({ kinds: {} })); // the old cache's figures
        return data;
      }
      figures.kinds[kind] = added;
      atomicWrite(figuresFile, JSON.stringify({ start: atStart, kinds: figures.kinds }));
      return undefined;
    },
  };
}

function heapBytecode(): number {
  return process.getBuiltinModule('node:v8').getHeapCodeStatistics().bytecode_and_metadata_size;
}

/** Node's record of the built-in modules and bindings loaded so far, in order. */
function loadedModules(): readonly string[] {
  return (process as { moduleLoadList?: readonly string[] }).moduleLoadList ?? [];
}

/** A short name for a set of modules (FNV-1a of their sorted names). */
function runKind(modules: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const ch of [...modules].sort().join('\n')) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193);
  return (hash >>> 0).toString(36);
}

/** The figures kept for the cache; none when the file is missing, unreadable, or of an older
 * launcher (a single number). */
function readFigures(file: string): Figures {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<keyof Figures, unknown>> | null;
    const kinds = parsed?.kinds;
    if (kinds === null || typeof kinds !== 'object' || Array.isArray(kinds)) return { kinds: {} };
    return {
      start: typeof parsed?.start === 'number' ? parsed.start : undefined,
      kinds: Object.fromEntries(Object.entries(kinds).filter((entry): entry is [string, number] => typeof entry[1] === 'number')),
    };
  } catch {
    return { kinds: {} };
  }
}
