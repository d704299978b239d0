// Compiles C test fixtures with the system compiler into a content-addressed cache, so that
// nothing compiled is ever committed and parallel test files never see a half-written binary.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const temps = [];
let removeAtExit = false;
/** A fresh directory under the system's temporary folder, removed after the test file (see
 * temp-cleanup.js) or, failing that, when the process exits. */
export function tempDir(prefix = 'umview-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (!removeAtExit) {
    removeAtExit = true;
    process.on('exit', removeTempDirs);
  }
  temps.push(dir);
  return dir;
}

/** Removes every directory tempDir made in this process, as far as it can: a tree a test left
 * unwritable (a directory of mode 0555, as a rootfs tarball has) is made writable first. Never
 * throws: what stays is the system's to clean. */
export function removeTempDirs() {
  for (const dir of temps.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      try {
        execFileSync('chmod', ['-R', 'u+rwx', dir], { stdio: 'ignore' });
        rmSync(dir, { recursive: true, force: true });
      } catch {
        /* left behind */
      }
    }
  }
}

const sharedCache = process.env.UMVIEW_FIXTURE_CACHE ?? join(root, 'node_modules', '.cache', 'umview-fixtures');

/** Why `dir` may hold programs that the tests run, or undefined when it may: the rule of
 * ptrace-core's private-directory.ts (a directory owned by this user that neither its group nor
 * others can write), restated here because a test tool cannot depend on the package it tests. */
function cacheProblem(dir) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stats = lstatSync(dir);
    if (!stats.isDirectory()) return `${dir} is not a directory`;
    if (stats.uid !== process.geteuid()) return `${dir} belongs to uid ${stats.uid}`;
    if ((stats.mode & 0o022) !== 0) return `${dir} is writable by its group or others (mode ${(stats.mode & 0o777).toString(8)})`;
    return undefined;
  } catch (error) {
    return `${dir} cannot be made (${error.code ?? error.message})`;
  }
}

/** Where compiled fixtures are kept: the shared cache when only this user can write to it,
 * otherwise a private directory of this process (said once on stderr). */
export const cacheDir = (() => {
  const problem = cacheProblem(sharedCache);
  if (problem === undefined) return sharedCache;
  process.stderr.write(`test-fixtures: not caching compiled fixtures in ${sharedCache}: ${problem}\n`);
  return tempDir('umview-fixtures-');
})();

const compilerVersions = new Map();
function compilerVersion(compiler) {
  let version = compilerVersions.get(compiler);
  if (version === undefined) compilerVersions.set(compiler, (version = execFileSync(compiler, ['--version'], { encoding: 'utf8' }).split('\n')[0]));
  return version;
}

/** The source and the local headers it includes (`#include "x.h"`, next to it, recursively):
 * what the cached binary depends on besides the flags and the compiler. */
function sourceTexts(source, seen = new Set()) {
  if (seen.has(source)) return [];
  seen.add(source);
  const text = readFileSync(source);
  const headers = [...text.toString('latin1').matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)].map((m) => join(dirname(source), m[1]));
  return [text, ...headers.flatMap((header) => sourceTexts(header, seen))];
}

export function compileC(source, options = {}) {
  const flags = options.flags ?? ['-O0', '-g'];
  const compiler = options.compiler ?? 'cc';
  const hasher = createHash('sha256');
  for (const text of sourceTexts(source)) hasher.update(text).update('\0');
  const hash = hasher.update(flags.join('\0')).update('\0').update(compiler).update('\0').update(compilerVersion(compiler)).digest('hex').slice(0, 16);
  const name = options.name ?? basename(source).replace(/\.(c|cc|cpp)$/, '');
  const out = join(cacheDir, `${name}-${hash}`);
  if (existsSync(out)) return out;
  const partial = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(compiler, [...flags, '-o', partial, source], { stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(partial, out); // atomic: a concurrent test never runs a half-written file
  } finally {
    rmSync(partial, { force: true });
  }
  return out;
}

// README examples: a package README embeds a runnable file of examples/ verbatim, in the fenced
// code block that follows a `<!-- example: examples/NAME.mjs -->` comment; its test checks the
// embedding and runs the file.
export function readmeExamples(packageDir) {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const found = [];
  const marker = /<!-- example: (\S+)[^>]*-->\s*\n```[a-z]*\n([\s\S]*?)\n```/g;
  for (let m = marker.exec(readme); m !== null; m = marker.exec(readme)) {
    const path = join(packageDir, m[1]);
    found.push({ file: m[1], path, embedded: `${m[2]}\n`, source: existsSync(path) ? readFileSync(path, 'utf8') : undefined });
  }
  return found;
}

// mulberry32: a small seeded PRNG, so that a randomized test (fault points, input mutations)
// can be replayed from its seed.
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
