// What the launcher's V8 code cache holds (cli/launcher.ts, cli/cache-growth.ts): V8 compiles a
// function at its first call, so the cache a short run writes lacks what other runs compile. A
// run that compiled functions the cache lacks writes it again; one that brings nothing new
// leaves it, and once its kind of run is known, writes nothing at all. Node's own modules that
// a run loads (zlib and crypto over a .tar.gz) are no growth of ours, and must not hide ours.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, compileCacheName, tempDir } from './helpers.js';

interface CacheState {
  /** The cache file's inode (a write replaces it) and size. */
  ino: number;
  size: number;
  /** The inode of the figures file beside it (the run kinds' floors). */
  figuresIno: number;
}

/** Runs the CLI with its cache in `cacheHome`. */
function run(cacheHome: string, args: readonly string[]): CacheState {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete env.UMVIEW_NO_COMPILE_CACHE;
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const file = join(cacheHome, 'umview-lite', compileCacheName());
  const { ino, size } = statSync(file);
  return { ino, size, figuresIno: statSync(`${file}.bytecode`).ino };
}

describe('the code cache', () => {
  it('is written again by a run that compiled more than it holds, and only then', () => {
    const cacheHome = tempDir();
    const versionOnly = run(cacheHome, ['--version']); // the launcher and the CLI's parsing
    const checked = run(cacheHome, ['--version']); // its kind seen once: nothing new, cache left
    expect(checked.ino).toBe(versionOnly.ino);
    expect(run(cacheHome, ['--version'])).toEqual(checked); // known: nothing written at all
    const traced = run(cacheHome, ['--', '/bin/true']); // the monitor's code too
    expect(traced.ino).not.toBe(versionOnly.ino);
    expect(traced.size).toBeGreaterThan(versionOnly.size);
    expect(run(cacheHome, ['--', '/bin/true']).ino).toBe(traced.ino);
  });

  it('takes in what a run compiles after a run that loaded much more of Node\'s own code', () => {
    const cacheHome = tempDir();
    const tree = tempDir();
    mkdirSync(join(tree, 'd'));
    writeFileSync(join(tree, 'd', 'f'), 'hello\n');
    const archive = join(tree, 'a.tar.gz');
    expect(spawnSync('tar', ['-czf', archive, '-C', tree, 'd']).status).toBe(0);
    run(cacheHome, ['--', '/bin/true']);
    // node:zlib and node:crypto: far more bytecode at exit than any run without them.
    const archiveRun = run(cacheHome, ['-m', `archive,${archive}=/mnt`, '--', 'cat', '/mnt/d/f']);
    run(cacheHome, ['-m', `archive,${archive}=/mnt`, '--', 'cat', '/mnt/d/f']);
    // --strace's formatter: ours, and less bytecode in all than the archive run's.
    const strace = run(cacheHome, ['--strace=/dev/null', '--', '/bin/true']);
    expect(strace.ino).not.toBe(archiveRun.ino);
    expect(strace.size).toBeGreaterThan(archiveRun.size);
    expect(run(cacheHome, ['--strace=/dev/null', '--', '/bin/true']).ino).toBe(strace.ino);
  });

  it('reads a figures file of an older launcher, or a corrupt one, as no figures', () => {
    const cacheHome = tempDir();
    const first = run(cacheHome, ['--version']);
    const figures = join(cacheHome, 'umview-lite', `${compileCacheName()}.bytecode`);
    for (const old of ['403264', '{"kinds": 1', '[1,2]', 'null', '{"kinds": {"x": "y"}, "start": "z"}']) {
      writeFileSync(figures, old);
      const again = run(cacheHome, ['--version']);
      expect(again.ino).toBe(first.ino); // checked, nothing new: the cache stays
      const kept = JSON.parse(readFileSync(figures, 'utf8')) as { start: unknown; kinds: Record<string, unknown> };
      expect(typeof kept.start).toBe('number');
      expect(Object.values(kept.kinds).length).toBe(1);
      expect(Object.values(kept.kinds).every((v) => typeof v === 'number')).toBe(true);
    }
  });
});
