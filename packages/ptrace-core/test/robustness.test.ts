import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAccessError, TraceeGoneError, Tracer } from '@umview/ptrace-core';
import { fixture, processAlive } from './helpers.js';

let tracer: Tracer;
afterEach(() => tracer?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('robustness', () => {
  it('a tracee killed by SIGKILL mid-operation gives TraceeGoneError, then a killed stop', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('getppid-loop'), ['1000000']);
    tracee.syscall();
    const stop = tracer.wait()!;
    expect(stop.tracee).toBe(tracee);
    const rsp = tracee.getRegisters().rsp;
    process.kill(tracee.pid, 'SIGKILL');
    // The kernel takes it out of the ptrace-stop: every request now fails with ESRCH.
    let error: unknown;
    for (let i = 0; i < 1000 && !error; i++) {
      try {
        tracee.getRegisters();
        tracee.peek(rsp);
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(TraceeGoneError);
    expect((error as TraceeGoneError).code).toBe('ESRCH');
    expect((error as TraceeGoneError).tid).toBe(tracee.tid);
    expect(() => tracee.syscall()).toThrow(TraceeGoneError);
    // (process_vm_readv needs no ptrace-stop and may still succeed until the address space is
    // torn down; once reaped, every access fails the same way.)
    expect(tracer.wait()).toMatchObject({ kind: 'killed', signal: 9 });
    expect(tracee.state).toBe('exited');
    expect(() => tracee.read(rsp, 64)).toThrow(TraceeGoneError);
    expect(() => tracee.getRegisters()).toThrow(TraceeGoneError);
    expect(() => tracee.cont()).toThrow(TraceeGoneError);
    expect(tracer.wait()).toBeUndefined();
  });

  it('memory errors are MemoryAccessError, never TraceeGoneError, while the tracee lives', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('getppid-loop'), ['1']);
    expect(() => tracee.read(0n, 16)).toThrow(MemoryAccessError);
    expect(() => tracee.write(0n, Buffer.alloc(4))).toThrow(MemoryAccessError);
    expect(() => tracee.poke(0n, 0n)).toThrow(MemoryAccessError);
  });

  for (const mode of ['running', 'stopped'] as const) {
    it(`the tracer process killed with SIGKILL leaves no tracee behind (tracees ${mode})`, async () => {
      const script = fileURLToPath(new URL('./scripts/tracer-victim.mjs', import.meta.url));
      const child = spawn(process.execPath, [script, fixture('sleeper', ['-O0', '-pthread']), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
      const line = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d) => {
          text += d;
          if (text.includes('\n')) resolve(text.split('\n')[0]!);
        });
        child.on('exit', () => reject(new Error('tracer exited early')));
      });
      const pids = JSON.parse(line) as number[];
      expect(pids.length).toBeGreaterThanOrEqual(3);
      for (const pid of pids) expect(processAlive(pid)).toBe(true);
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      for (let i = 0; i < 100 && pids.some(processAlive); i++) await sleep(20);
      expect(pids.filter(processAlive)).toEqual([]);
    });
  }

  it('a signal interrupts the blocking wait, so a main-thread tracer can forward it', async () => {
    const script = fileURLToPath(new URL('./scripts/interruptible.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, fixture('sleeper', ['-O0', '-pthread'])], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    let buffer = '';
    child.stdout.on('data', (d) => {
      buffer += d;
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      lines.push(...parts);
    });
    while (lines.length === 0) await sleep(10);
    expect(JSON.parse(lines[0]!).changed).toEqual([15]);
    await sleep(100); // the tracer is blocked in waitpid now
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    expect(JSON.parse(lines[1]!)).toEqual({ forwarded: true, kind: 'killed', signal: 15 });
  });
});
