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
// pays two reads of the heap's statistics and of a small JSON file.
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

/** Starts watching right after the cache was loaded: `loadedSize` is its size in bytes,
 * undefined when there was none or V8 rejected it (then the cache is written at exit). */
export function watchGrowth(figuresFile: string, loadedSize: number | undefined): CacheGrowth {
  const { getHeapCodeStatistics } = process.getBuiltinModule('node:v8');
  const bytecode = (): number => getHeapCodeStatistics().bytecode_and_metadata_size;
  const atStart = bytecode();
  const modulesAtStart = loadedModules().length;
  return {
    cacheToWrite(serialize) {
      const added = bytecode() - atStart;
      const kind = runKind(loadedModules().slice(modulesAtStart));
      const floors = readFloors(figuresFile);
      const floor = floors[kind];
      if (loadedSize !== undefined && floor !== undefined && added <= floor + GROWTH) return undefined;
      const data = serialize();
      if (loadedSize === undefined || data.length > loadedSize + GROWTH) {
        atomicWrite(figuresFile, '{}'); // the floors were the old cache's
        return data;
      }
      floors[kind] = added;
      atomicWrite(figuresFile, JSON.stringify(floors));
      return undefined;
    },
  };
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

/** The floors kept for the cache; none when the file is missing, unreadable, or of an older
 * launcher (a single number). */
function readFloors(file: string): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
  } catch {
    return {};
  }
}
