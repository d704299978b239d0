#!/usr/bin/env node
// umview-lite's launcher (started by the executable, bin/umview-lite; `node cli.cjs` works too):
// runs the bundled CLI (cli-main.cjs) through V8's code cache.
//
// Start-up is part of every run (`umview-lite -- /bin/true` should cost little more than Node
// itself). Most of what is left after Node's own start is V8 compiling our code, so, as Node
// 22's module.enableCompileCache() and the v8-compile-cache package do, the compiled code is
// kept in a cache file, written after a run (so that it holds every function that run
// compiled) and checked by V8 on load. UMVIEW_NO_COMPILE_CACHE=1 turns it off; a cache that
// cannot be read or written is simply not used; caches of other builds are removed after a month.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

const main = join(__dirname, 'cli-main.cjs');

// The executable (bin/umview-lite) started Node without NODE_EXTRA_CA_CERTS, which Node 20 would
// have parsed for nothing: the command gets it back as it was.
const carried = process.env.UMVIEW_NODE_EXTRA_CA_CERTS;
if (carried !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = carried;
  delete process.env.UMVIEW_NODE_EXTRA_CA_CERTS;
}

function cacheFile(): string | undefined {
  if (process.env.UMVIEW_NO_COMPILE_CACHE) return undefined;
  try {
    const { size, mtimeMs } = statSync(main);
    const base = process.env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : tmpdir());
    return join(base, 'umview-lite', `cli-${process.version}-${process.arch}-${size}-${Math.floor(mtimeMs)}.v8`);
  } catch {
    return undefined;
  }
}

/** Each build has its own cache file: those not rewritten for a month go (one is rewritten at
 * the next run of its build if that build is still in use). */
function removeStaleCaches(dir: string): void {
  const monthAgo = Date.now() - 30 * 24 * 3600 * 1000;
  for (const name of readdirSync(dir)) {
    if (!/^cli-.*\.v8$/.test(name)) continue;
    const path = join(dir, name);
    try {
      if (statSync(path).mtimeMs < monthAgo) unlinkSync(path);
    } catch {
      /* removed meanwhile */
    }
  }
}

const file = cacheFile();
let cached: Buffer | undefined;
try {
  if (file) cached = readFileSync(file);
} catch {
  /* no cache yet */
}
const source = readFileSync(main, 'utf8');
// Code compiled by vm.Script cannot use import() once it comes from a code cache (V8 loses the
// host options), so module files (-m ./my-module.js) are imported through this module, a
// plain CommonJS module whose import() always works.
(globalThis as { __umviewImport?: (specifier: string) => Promise<unknown> }).__umviewImport = (specifier) => import(specifier);
const script = new vm.Script(Module.wrap(source), { filename: main, cachedData: cached });
if (file && (!cached || script.cachedDataRejected)) {
  process.once('exit', () => {
    try {
      mkdirSync(dirname(file), { recursive: true });
      const partial = `${file}.${process.pid}`;
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, file); // atomic: a concurrent run never reads half a cache
      removeStaleCaches(dirname(file));
    } catch {
      /* read-only home or full disk: run without a cache */
    }
  });
}
const module = new Module(main);
module.filename = main;
const run = script.runInThisContext() as (...args: unknown[]) => void;
try {
  run.call(module.exports, module.exports, Module.createRequire(main), module, main, dirname(main));
} catch (error) {
  // Loading the layers on another OS or architecture: one clear line, no stack trace.
  if ((error as Error | undefined)?.name !== 'UnsupportedPlatformError') throw error;
  process.stderr.write(`umview-lite: ${(error as Error).message}\n`);
  process.exit(1);
}
