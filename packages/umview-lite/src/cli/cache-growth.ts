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
// kind's floor. The bytecode right after a cache is loaded is the same at every run, so it is
// measured once and kept with the floors.
//
// The heap's statistics are not free: V8 walks the whole heap for them (1.0-2.4 ms at the exit
// of `-- /bin/true`, a run of ~45 ms), and after Node 20 node:v8 must be loaded to ask (~3 ms
// where nothing else loaded it; on Node 20 its binding is asked: node20-v8.ts). So a run of a
// kind with a floor checks only one time in CHECK_ONE_IN, at random: a run of a known kind that compiled new code (`useradd` under -S after runs of `-S --
// true`: same modules, more of fake root's code) is taken in at one of its next few runs rather
// than at the first. A kind not seen yet is checked at once. The kind is told before node:v8 is
// loaded at exit, and without the modules node:v8 itself loaded when the start was measured (kept
// with the figures), so that every run of a kind is of one kind whether it checks or not.
import { readFileSync } from 'node:fs';
import { atomicWrite } from './atomic-write.js';
import { node20V8 } from './node20-v8.js';

/** Bytes of bytecode (or of cache) that count as growth: a few of our functions. */
const GROWTH = 4096;
/** A run of a kind with a floor checks the heap one time in this many. */
export const CHECK_ONE_IN = 4;

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
  /** The modules that loading node:v8 to measure the start brought (none where it was loaded
   * before): left out of every run's kind. */
  startModules?: string[];
  /** Each run kind's floor. */
  kinds: Record<string, number>;
}

/** Starts watching right after the cache was loaded: `loadedSize` is its size in bytes,
 * undefined when there was none or V8 rejected it (then the cache is written at exit).
 * `sample` tells whether a run of a known kind checks (random, one in CHECK_ONE_IN). */
export function watchGrowth(figuresFile: string, loadedSize: number | undefined, sample = (): boolean => Math.random() * CHECK_ONE_IN < 1): CacheGrowth {
  const figures = loadedSize === undefined ? { kinds: {} } : readFigures(figuresFile);
  const beforeStart = loadedModules().length;
  const atStart = figures.start ?? heapBytecode();
  const startModules = figures.start === undefined ? loadedModules().slice(beforeStart) : figures.startModules ?? [];
  const modulesAtStart = loadedModules().length;
  return {
    cacheToWrite(serialize) {
      const kind = runKind(loadedModules().slice(modulesAtStart), startModules);
      const floor = figures.kinds[kind];
      if (loadedSize !== undefined && floor !== undefined && !sample()) return undefined;
      const added = heapBytecode() - atStart;
      if (loadedSize !== undefined && floor !== undefined && added <= floor + GROWTH) return undefined;
      const data = serialize();
      if (loadedSize === undefined || data.length > loadedSize + GROWTH) {
        atomicWrite(figuresFile, JSON.stringify({ kinds: {} })); // the old cache's figures
        return data;
      }
      figures.kinds[kind] = added;
      atomicWrite(figuresFile, JSON.stringify({ start: atStart, startModules, kinds: figures.kinds }));
      return undefined;
    },
  };
}

/** The heap's bytecode, in bytes: through Node 20's binding of V8 there (node:v8 would load 30
 * modules, compiled from source once the flags are set: ~8 ms at exit), node:v8 elsewhere. */
function heapBytecode(): number {
  const v8 = node20V8();
  if (v8 === undefined) return process.getBuiltinModule('node:v8').getHeapCodeStatistics().bytecode_and_metadata_size;
  v8.updateHeapCodeStatisticsBuffer();
  return v8.heapCodeStatisticsBuffer[v8.kBytecodeAndMetadataSizeIndex]!;
}

/** Node's record of the built-in modules and bindings loaded so far, in order. */
function loadedModules(): readonly string[] {
  return (process as { moduleLoadList?: readonly string[] }).moduleLoadList ?? [];
}

/** A short name for a set of modules, those in `leftOut` aside (FNV-1a of their sorted names). */
function runKind(modules: readonly string[], leftOut: readonly string[]): string {
  const skip = new Set(leftOut);
  let hash = 0x811c9dc5;
  for (const ch of modules.filter((name) => !skip.has(name)).sort().join('\n')) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193);
  return (hash >>> 0).toString(36);
}

/** The figures kept for the cache; none when the file is missing, unreadable, or of an older
 * launcher (a single number). */
function readFigures(file: string): Figures {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<keyof Figures, unknown>> | null;
    const kinds = parsed?.kinds;
    if (kinds === null || typeof kinds !== 'object' || Array.isArray(kinds)) return { kinds: {} };
    const startModules = parsed?.startModules;
    // A start without its modules is an older launcher's: measured again.
    const modulesKnown = Array.isArray(startModules) && startModules.every((name) => typeof name === 'string');
    return {
      start: typeof parsed?.start === 'number' && modulesKnown ? parsed.start : undefined,
      startModules: modulesKnown ? startModules : undefined,
      kinds: Object.fromEntries(Object.entries(kinds).filter((entry): entry is [string, number] => typeof entry[1] === 'number')),
    };
  } catch {
    return { kinds: {} };
  }
}
