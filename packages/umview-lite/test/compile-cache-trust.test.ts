// The launcher's V8 code cache runs what it holds when it is loaded, so it is read and written
// only in a directory no one else can change: a directory it makes is 0700 and the cache 0600;
// a directory others can write, or that another user owns, is not used at all (not opened,
// nothing written to it).
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { describe, expect, it } from 'vitest';
import { cli, compileCacheName as cacheName, tempDir } from './helpers.js';

/** Runs `umview-lite --version` (the launcher and the whole CLI bundle, nothing traced: strace
 * may be the tracer) with XDG_CACHE_HOME=`cacheHome`, telling why a cache is not used; under
 * strace when `openedFiles` is set, which then lists every file the run opened. */
function run(cacheHome: string, openedFiles?: string[]): { status: number | null; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome, UMVIEW_DEBUG_COMPILE_CACHE: '1' };
  delete env.UMVIEW_NO_COMPILE_CACHE;
  if (openedFiles === undefined) {
    return spawnSync(process.execPath, [cli, '--version'], { env, encoding: 'utf8' });
  }
  const log = join(tempDir(), 'strace.log');
  const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=open,openat,openat2,creat', '-o', log, process.execPath, cli, '--version'], { env, encoding: 'utf8' });
  openedFiles.push(...[...readFileSync(log, 'utf8').matchAll(/open(?:at2?)?\((?:[^,]+, )?"([^"]+)"|creat\("([^"]+)"/g)].map((m) => m[1] ?? m[2]!));
  return r;
}

/** A cache directory with a planted "cache" under the exact name this build would read. */
function planted(mode: number): { dir: string; cacheHome: string; file: string } {
  const cacheHome = tempDir();
  const dir = join(cacheHome, 'umview-lite');
  mkdirSync(dir);
  const file = join(dir, cacheName());
  writeFileSync(file, 'planted');
  chmodSync(dir, mode);
  return { dir, cacheHome, file };
}

/** Why this run cannot give a file to `uid` (not root, or a root in a user namespace that does
 * not map it), or undefined when it can. */
function cannotChownTo(uid: number): string | undefined {
  if (process.geteuid!() !== 0) return 'needs root: it gives a directory to another uid';
  const file = join(tempDir(), 'probe');
  writeFileSync(file, '');
  try {
    chownSync(file, uid, uid);
    return undefined;
  } catch (error) {
    return `cannot give a file to uid ${uid} here (${(error as NodeJS.ErrnoException).code})`;
  }
}

describe('the code cache directory', () => {
  it('is made 0700 and the cache in it 0600, then used', () => {
    const cacheHome = tempDir();
    expect(run(cacheHome).stderr).toBe('');
    const dir = join(cacheHome, 'umview-lite');
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    expect(readdirSync(dir).sort()).toEqual([cacheName(), `${cacheName()}.bytecode`]);
    expect((statSync(join(dir, cacheName())).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(join(dir, `${cacheName()}.bytecode`)).mode & 0o777).toString(8)).toBe('600');
  });

  it('is not used when others can write to it (mode 0777)', () => {
    const { dir, cacheHome, file } = planted(0o777);
    const r = run(cacheHome);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`umview-lite: no compile cache: ${dir} is writable by others (mode 777)\n`);
    expect(readdirSync(dir)).toEqual([cacheName()]);
    expect(readFileSync(file, 'utf8')).toBe('planted');
  });

  it('is not used when its group can write to it (mode 0770)', () => {
    const { dir, cacheHome } = planted(0o770);
    expect(run(cacheHome).stderr).toBe(`umview-lite: no compile cache: ${dir} is writable by its group (mode 770)\n`);
  });

  describe('never opened when refused', () => {
    skipEachWhen(missing.tool('strace'));

    it('a planted cache in a directory others can write is never opened', () => {
      const { cacheHome, file } = planted(0o777);
      const opened: string[] = [];
      const r = run(cacheHome, opened);
      expect(r.status).toBe(0);
      expect(opened).toContain(cli); // strace saw the run's opens
      expect(opened).not.toContain(file);
    });

    describe('in a directory another user owns', () => {
      const otherUid = 3_000_000 + (process.pid % 100_000);
      skipEachWhen(cannotChownTo(otherUid));

      it('a planted cache is never opened', () => {
        const { dir, cacheHome, file } = planted(0o755);
        chownSync(file, otherUid, otherUid);
        chownSync(dir, otherUid, otherUid);
        const opened: string[] = [];
        const r = run(cacheHome, opened);
        expect(r.stderr).toBe(`umview-lite: no compile cache: ${dir} belongs to uid ${otherUid}, not to uid 0\n`);
        expect(opened).not.toContain(file);
        expect(readFileSync(file, 'utf8')).toBe('planted');
      });
    });
  });
});
