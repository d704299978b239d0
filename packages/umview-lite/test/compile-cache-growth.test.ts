// What the launcher's V8 code cache holds (cli/launcher.ts): V8 compiles a function at its
// first call, so the cache a short run writes lacks what a longer run compiles; a run that
// ends with more bytecode than the run that wrote the cache writes it again, one that brings
// nothing new leaves it as it is. (The heap's bytecode counts Node's own modules too: a run that
// loads more of them, a pipe on stdout, may write it once more; harmless.)
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, compileCacheName, tempDir } from './helpers.js';

/** Runs the CLI with its cache in `cacheHome`; the cache file's inode (a write replaces it) and
 * the bytecode figure kept beside it. */
function run(cacheHome: string, args: readonly string[]): { ino: number; bytecode: number } {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete env.UMVIEW_NO_COMPILE_CACHE;
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const file = join(cacheHome, 'umview-lite', compileCacheName());
  return { ino: statSync(file).ino, bytecode: Number(readFileSync(`${file}.bytecode`, 'utf8')) };
}

describe('the code cache', () => {
  it('is written again by a run that compiled more than it holds, and only then', () => {
    const cacheHome = tempDir();
    const versionOnly = run(cacheHome, ['--version']); // the launcher and the CLI's parsing
    expect(run(cacheHome, ['--version'])).toEqual(versionOnly); // nothing new: left as it is
    const traced = run(cacheHome, ['--', '/bin/true']); // the monitor's code too
    expect(traced.ino).not.toBe(versionOnly.ino);
    expect(traced.bytecode).toBeGreaterThan(versionOnly.bytecode);
    expect(run(cacheHome, ['--', '/bin/true'])).toEqual(traced);
    // The figure never goes down: a run with less bytecode (or Node's own modules in another
    // mix: `--version` writes to a pipe here) does not undo what the cache holds.
    expect(run(cacheHome, ['--version']).bytecode).toBeGreaterThanOrEqual(traced.bytecode);
  });
});
