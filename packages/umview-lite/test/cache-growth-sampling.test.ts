// The launcher's check for a code cache that lacks what a run compiled (cli/cache-growth.ts),
// in this process: its heap, its modules, a real figures file. A run of a kind with a floor
// checks only when sampled (the heap walk costs 1-2 ms at every exit otherwise); a kind not seen
// yet is checked whatever the sample says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchGrowth } from '../src/cli/cache-growth.js';
import { tempDir } from './helpers.js';

const LOADED = 1000; // the size of the cache "loaded"

/** Compiles and runs a function of ~`lines` statements: new bytecode on the heap, kept alive. */
const kept: unknown[] = [];
function compileNewCode(lines: number): void {
  const body = Array.from({ length: lines }, (_, i) => `x = (x * ${i + 3} + ${i}) % 1000003;`).join('\n');
  const f = new Function('x', `${body}\nreturn x;`) as (x: number) => number;
  kept.push(f, f(1));
}

/** A figures file with a floor for the kind of run this test process is. */
function figuresWithAFloor(): string {
  const figures = join(tempDir(), 'cache.v8.bytecode');
  const first = watchGrowth(figures, LOADED, () => true);
  expect(first.cacheToWrite(() => Buffer.alloc(LOADED))).toBeUndefined(); // not larger: a floor
  const kinds = (JSON.parse(readFileSync(figures, 'utf8')) as { kinds: Record<string, number> }).kinds;
  expect(Object.keys(kinds)).toHaveLength(1);
  return figures;
}

describe('the code cache growth check', () => {
  it('skips the heap at a run of a known kind that is not sampled, and grows the cache at one that is', () => {
    const figures = figuresWithAFloor();
    const before = readFileSync(figures, 'utf8');

    const notSampled = watchGrowth(figures, LOADED, () => false);
    compileNewCode(2000);
    let serialized = 0;
    expect(notSampled.cacheToWrite(() => (serialized++, Buffer.alloc(20 * LOADED)))).toBeUndefined();
    expect(serialized).toBe(0);
    expect(readFileSync(figures, 'utf8')).toBe(before);

    const sampled = watchGrowth(figures, LOADED, () => true);
    compileNewCode(2000);
    const grown = sampled.cacheToWrite(() => (serialized++, Buffer.alloc(20 * LOADED)));
    expect(serialized).toBe(1);
    expect(grown?.length).toBe(20 * LOADED);
    expect(JSON.parse(readFileSync(figures, 'utf8'))).toEqual({ kinds: {} }); // the new cache's floors start again
  });

  it('checks a run of a kind not seen yet, sampled or not', () => {
    const figures = figuresWithAFloor();
    const growth = watchGrowth(figures, LOADED, () => false);
    // A built-in module this process has not loaded: another kind of run.
    const unloaded = ['node:dgram', 'node:inspector', 'node:repl', 'node:http2', 'node:tls'].find(
      (name) => !(process as { moduleLoadList?: string[] }).moduleLoadList?.includes(`NativeModule ${name.slice(5)}`),
    );
    expect(unloaded, 'every candidate module is loaded already').toBeDefined();
    process.getBuiltinModule(unloaded!);
    let serialized = 0;
    expect(growth.cacheToWrite(() => (serialized++, Buffer.alloc(LOADED)))).toBeUndefined();
    expect(serialized).toBe(1);
    const kinds = (JSON.parse(readFileSync(figures, 'utf8')) as { kinds: Record<string, number> }).kinds;
    expect(Object.keys(kinds)).toHaveLength(2); // its floor recorded beside the first kind's
  });

  it('always checks a run without a cache loaded', () => {
    const figures = figuresWithAFloor();
    const growth = watchGrowth(figures, undefined, () => false);
    const data = growth.cacheToWrite(() => Buffer.alloc(LOADED));
    expect(data?.length).toBe(LOADED);
  });
});
