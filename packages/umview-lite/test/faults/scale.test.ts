// Scale and races in one process tree: a 1000-process tree, 64 threads hammering virtualized
// calls, exec from a multithreaded tracee while its other threads are in virtualized calls.
// Each gives the native result, and leaves nothing behind.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec, fixture, tempDir, umview } from '../helpers.js';
import { iterations, marker, noLeftovers } from './fault-helpers.js';

const forkTree = fixture('fork-tree', ['-O1']);
const threads = fixture('threads', ['-O1', '-pthread']);
const mtExec = fixture('mt-exec', ['-O1', '-pthread']);

// The big runs take no wall-clock limit of their own ({ timeout: 0 }): the test's timeout is the
// hang guard, and marker() kills what a failed test left.

function scenarioDir(tag: string): string {
  const dir = join(tempDir(), tag);
  mkdirSync(dir);
  return dir;
}

describe('a 1000-process tree', () => {
  it.each([
    ['proxy, seccomp', ['-m', 'unreal,mode=proxy', '--stats']],
    ['remap, seccomp-all', ['-m', 'unreal,mode=remap', '--trace=seccomp-all', '--stats']],
  ])('32 children x 32 (fork, vfork + exec) through /unreal (%s): the native result', async (_label, cliArgs) => {
    const nativeDir = scenarioDir(marker());
    const native = await exec(forkTree, [nativeDir, '/bin/true', '32']);
    expect(native.stdout).toBe('children=32 processes=1056 bad=0\n');
    const tag = marker();
    const dir = scenarioDir(tag);
    const r = await umview(cliArgs, [`/unreal${forkTree}`, `/unreal${dir}`, '/unreal/bin/true', '32'], { timeout: 0 });
    expect(r.stdout).toBe(native.stdout);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/processes\s+1057\b/);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1024);
    expect(files.sort()).toEqual(readdirSync(nativeDir).sort());
    for (const f of files.slice(0, 64)) expect(readFileSync(join(dir, f), 'utf8')).toBe(`/unreal${dir}\n`);
    await noLeftovers(tag);
  }, 180_000);
});

describe('64 threads hammering virtualized calls', () => {
  it.each([
    ['proxy, seccomp', ['-m', 'unreal,mode=proxy']],
    ['proxy, --no-multi', ['-m', 'unreal,mode=proxy', '--no-multi']],
    ['remap, syscall', ['-m', 'unreal,mode=remap', '--trace=syscall']],
  ])('64 threads x 8 rounds of open/write/stat/read through /unreal (%s): the native result', async (_label, cliArgs) => {
    const nativeDir = scenarioDir(marker());
    const native = await exec(threads, [nativeDir, '64', '8']);
    for (let i = 0; i < iterations(1); i++) {
      const tag = marker();
      const dir = scenarioDir(tag);
      const r = await umview(cliArgs, [threads, `/unreal${dir}`, '64', '8'], { timeout: 0 });
      expect(r.stderr).toBe('');
      expect(r.stdout.replace(`/unreal${dir}`, '$D')).toBe(native.stdout.replace(nativeDir, '$D'));
      expect(r.stdout).toContain('opens=512 stats=32768 bytes=');
      expect(readdirSync(dir).sort()).toEqual(readdirSync(nativeDir).sort());
      await noLeftovers(tag);
    }
  }, 180_000);
});

describe('exec from a multithreaded tracee', () => {
  it.each([
    ['proxy, seccomp', ['-m', 'unreal,mode=proxy']],
    ['remap, syscall', ['-m', 'unreal,mode=remap', '--trace=syscall']],
  ])('a thread execs while 8 others stat through /unreal (%s), repeated: the native result', async (_label, cliArgs) => {
    const nativeDir = scenarioDir(marker());
    const native = await exec(mtExec, [nativeDir, '/bin/echo', '8']);
    expect(native.stdout).toBe(`exec from thread ${nativeDir}\n`);
    for (let i = 0; i < iterations(8); i++) {
      const tag = marker();
      const dir = scenarioDir(tag);
      const r = await umview(cliArgs, [`/unreal${mtExec}`, `/unreal${dir}`, '/unreal/bin/echo', '8']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`exec from thread /unreal${dir}\n`);
      expect(r.code).toBe(0);
      await noLeftovers(tag);
    }
  });
});
