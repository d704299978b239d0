// Signals storming a process blocked on a FIFO opened through /unreal: EINTR and SA_RESTART
// behave as they do natively, in every trace mode, in proxy mode and in remap mode (the default),
// and where the FIFO's host path is placed below the stack (a bind, a guest root), whose
// restarted open must be seen with the program's own path again (sysvm's restoreArguments).
// The FIFO's blocking calls must block in the tracee (where signals interrupt them), not
// in the monitor on the tracee's behalf (where they would not, and where the whole tree would
// wait with it).
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syscallNumber } from '@umview/ptrace-core';
import { fixture, tempDir, umview } from '../helpers.js';
import { blockedIn, iterations, marker, noLeftovers, start, storm, until, type Running } from './fault-helpers.js';

const program = fixture('fifo-signals');

/** Opens the FIFO for writing once its reader is there (O_NONBLOCK: ENXIO until then; a reader
 * between two attempts at its open, after an EINTR, is not there). No event says so: polled. */
async function openWriter(path: string, run: Running): Promise<number> {
  const fd = await until(`a reader on ${path}`, () => {
    try {
      return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
      if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`the reader ended without opening ${path}: stdout ${JSON.stringify(run.stdout())} stderr ${JSON.stringify(run.stderr())}`);
      return -1;
    }
  }, (fd) => fd >= 0);
  return fd;
}

type Blocking = 'open' | 'read';

/** How the program names the FIFO under the monitor: the options, and the FIFO's guest path. */
type Via = (fifo: string) => { cliArgs: string[]; path: string };

/** One run: the program blocks in `blocking`, 60 SIGUSR1 hit it, then data comes and EOF. */
async function transcript(blocking: Blocking, restart: boolean, via?: Via): Promise<{ stdout: string; code: number | null; tag: string }> {
  const dir = tempDir();
  const tag = marker();
  const fifo = join(dir, `${tag}.fifo`);
  execFileSync('mkfifo', [fifo]);
  // For 'read' the harness holds the FIFO open (read-write: no blocking), so the program's
  // open returns at once and its read blocks.
  let held = blocking === 'read' ? openSync(fifo, constants.O_RDWR) : -1;
  const { cliArgs, path } = via?.(fifo) ?? { cliArgs: undefined, path: fifo };
  const run = start([program, path, restart ? 'restart' : 'norestart', blocking], cliArgs);
  try {
    const pid = Number((await run.line(/^ready (\d+)$/))[1]);
    const call = blocking === 'open' ? 'openat' : 'read';
    // Inside the blocking call: asleep in it in the kernel, where a signal interrupts it.
    await blockedIn(pid, call);
    expect(await storm(pid, 'SIGUSR1', 60, 1)).toBe(60);
    // Every signal of the storm handled (none pending) and the program back in its call, so that
    // none can land in the read that comes after the open.
    await blockedIn(pid, call);
    if (held < 0) held = await openWriter(fifo, run);
    writeSync(held, 'hello\n');
  } finally {
    if (held >= 0) closeSync(held);
  }
  const { code } = await run.exited;
  return { stdout: run.stdout().replace(/^ready \d+\n/, ''), code, tag };
}

const unreal = (cliArgs: string[]): Via => (fifo) => ({ cliArgs, path: `/unreal${fifo}` });
const MODES: [string, Via][] = [
  ['proxy, seccomp', unreal(['-m', 'unreal,mode=proxy'])],
  ['proxy, seccomp-all', unreal(['-m', 'unreal,mode=proxy', '--trace=seccomp-all'])],
  ['proxy, syscall', unreal(['-m', 'unreal,mode=proxy', '--trace=syscall'])],
  ['remap, seccomp', unreal(['-m', 'unreal,mode=remap'])],
  ['remap, syscall', unreal(['-m', 'unreal,mode=remap', '--trace=syscall'])],
  // The host path placed below the stack: by the let-through at the stop, by the full way.
  ['remap through a bind, seccomp', (fifo) => ({ cliArgs: ['-m', `bind,${dirname(fifo)}=/fifos`], path: `/fifos/${basename(fifo)}` })],
  ['guest root -r /, seccomp', (fifo) => ({ cliArgs: ['-r', '/'], path: fifo })],
];

describe.each(['read', 'open'] as const)('a process blocked in %s on a FIFO opened through /unreal', (blocking) => {
  for (const restart of [false, true]) {
    const flag = restart ? 'SA_RESTART' : 'no SA_RESTART';
    it(`${flag}: native transcript first`, async () => {
      const native = await transcript(blocking, restart);
      expect(native.code).toBe(0);
      expect(native.stdout).toBe(`${blocking === 'open' ? `open-eintr=${restart ? 'no' : 'yes'} read-eintr=no` : `open-eintr=no read-eintr=${restart ? 'no' : 'yes'}`} handled=yes data=hello\n`);
    });
    it.each(MODES)(`${flag}: the same under umview-lite (%s)`, async (_label, via) => {
      const native = await transcript(blocking, restart);
      for (let i = 0; i < iterations(2); i++) {
        const monitored = await transcript(blocking, restart, via);
        expect(monitored.stdout).toBe(native.stdout);
        expect(monitored.code).toBe(0);
        await noLeftovers(monitored.tag);
      }
    });
  }
});

describe('two tracees meeting at a FIFO opened through /unreal', () => {
  it.each([
    ['proxy', ['-m', 'unreal,mode=proxy']],
    ['remap', ['-m', 'unreal,mode=remap']],
  ])('do not wait for each other forever (%s): the reader gets the writer\'s data', async (_label, cliArgs) => {
    for (let i = 0; i < iterations(3); i++) {
      const dir = tempDir();
      const tag = marker();
      const fifo = join(dir, `${tag}.fifo`);
      execFileSync('mkfifo', [fifo]);
      // The reader opens first and blocks until the writer opens: under a proxy that opened
      // the FIFO in the monitor, the writer's open would never be served. The shell waits until
      // cat is blocked in that open, openat(..., O_RDONLY) (/proc/PID/syscall: "257 dirfd path
      // 0x0 ..." while it is blocked in it), before it opens the FIFO for writing.
      const openat = syscallNumber('openat')!;
      const script = `cat /unreal${fifo} & until read -r nr dirfd path flags rest < /proc/$!/syscall && [ "$nr" = ${openat} ] && [ "$flags" = 0x0 ]; do :; done; `
        + `echo through-the-fifo > /unreal${fifo}; wait; echo ${tag} done`;
      // No wall-clock limit: a deadlock fails the test at vitest's timeout, and marker() kills
      // what it left.
      const r = await umview(cliArgs, ['/bin/sh', '-c', script], { timeout: 0 });
      expect(r.signal).toBeNull();
      expect(r.stdout).toBe(`through-the-fifo\n${tag} done\n`);
      expect(r.code).toBe(0);
      await noLeftovers(tag);
    }
  });
});
