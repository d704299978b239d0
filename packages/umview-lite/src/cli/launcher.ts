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
//
// V8 compiles a function at its first call, so a cache holds only what the runs that wrote it
// ran: one written by `umview-lite -- true` leaves a later `dpkg -i` under -S compiling fake
// root's and the guest root's code from source at every run (~10 ms of a 50 ms job). A run that
// compiled functions the cache lacks writes it again, with the old functions and the new
// (cache-growth.ts tells when, by the heap's bytecode against the start's, run kind by run kind).
//
// V8 does not verify a code cache: loading one runs the code it holds. So the cache is kept only
// in a directory that no one else can write ($XDG_CACHE_HOME/umview-lite or
// ~/.cache/umview-lite, created 0700; the rule is ptrace-core's private-directory.ts), never in
// a shared temporary directory; when the directory does not pass, the CLI runs without a cache.
// UMVIEW_DEBUG_COMPILE_CACHE=1 prints on stderr why a cache is not used.
import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { makePrivateDirectory } from '@umview/ptrace-core/internal';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { atomicWrite } from './atomic-write.js';
import { restoreCarriedEnv } from './carried-env.js';
import { watchGrowth } from './cache-growth.js';
import { tuneV8 } from './v8-tuning.js';

const main = join(__dirname, 'cli-main.cjs');

restoreCarriedEnv(process.env);

function noCache(why: string): undefined {
  if (process.env.UMVIEW_DEBUG_COMPILE_CACHE) process.stderr.write(`umview-lite: no compile cache: ${why}\n`);
  return undefined;
}

function cacheFile(): string | undefined {
  if (process.env.UMVIEW_NO_COMPILE_CACHE) return noCache('UMVIEW_NO_COMPILE_CACHE is set');
  let home = '';
  try {
    home = homedir();
  } catch {
    /* no home directory (a uid without a passwd entry) */
  }
  // XDG: a relative XDG_CACHE_HOME is invalid and ignored.
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg?.startsWith('/') ? xdg : home ? join(home, '.cache') : undefined;
  if (!base) return noCache('no XDG_CACHE_HOME and no home directory');
  const dir = join(base, 'umview-lite');
  const problem = makePrivateDirectory(dir);
  if (problem) return noCache(problem);
  try {
    const { size, mtimeMs } = statSync(main);
    return join(dir, `cli-${process.version}-${process.arch}-${size}-${Math.floor(mtimeMs)}.v8`);
  } catch {
    return undefined;
  }
}

/** Each build has its own cache file: those not rewritten for a month go (one is rewritten at
 * the next run of its build if that build is still in use). */
function removeStaleCaches(dir: string): void {
  const monthAgo = Date.now() - 30 * 24 * 3600 * 1000;
  for (const name of readdirSync(dir)) {
    if (!/^cli-.*\.v8(\.bytecode)?$/.test(name)) continue;
    const path = join(dir, name);
    try {
      if (statSync(path).mtimeMs < monthAgo) unlinkSync(path);
    } catch {
      /* removed meanwhile */
    }
  }
}

// The warm monitor (--serve): see the code cache below, and v8-tuning.ts.
const serving = process.argv.length === 3 && process.argv[2] === '--serve';
tuneV8(serving);
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
// The bundle is written wrapped as Module.wrap would wrap it (tsup.config.ts says why).
const script = new vm.Script(source, { filename: main, cachedData: cached });
// The warm monitor (--serve) reads the cache but never writes it: after hours of commands its
// heap holds far more compiled code than a run needs, and a cache grown from it would cost every
// later run's start more to load than it saves.
if (file && !serving) {
  const fresh = !cached || script.cachedDataRejected;
  const growth = watchGrowth(`${file}.bytecode`, fresh ? undefined : cached!.length);
  process.once('exit', () => {
    try {
      const data = growth.cacheToWrite(() => script.createCachedData());
      if (data === undefined) return;
      atomicWrite(file, data);
      if (fresh) removeStaleCaches(dirname(file));
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
