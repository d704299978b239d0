import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { ERRNO, MemoryAccessError, TraceeGoneError, Tracer, isTraceeGone } from '@umview/ptrace-core';
import { failedCallErrno, failedWaitErrno } from '@umview/ptrace-core/internal';
import { fixture, processAlive } from './helpers.js';
import { allAsleep, inWaitForAny, threads, until } from './proc-state.js';

let tracer: Tracer;
afterEach(() => tracer?.close());

describe('robustness', () => {
  // errno is read after the call has returned to JavaScript, and the runtime may change it in
  // between (ENOENT once, on Node 24, for a PTRACE_POKEUSER of a thread an execve had killed):
  // an errno that ptrace cannot return is checked against the thread.
  it('takes an errno ptrace cannot return as ESRCH for a thread out of its ptrace-stop, and keeps it otherwise', async () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('getppid-loop'), ['1000000000']);
    const { tid } = tracee;
    expect(failedCallErrno('PTRACE_POKEUSER', ERRNO.ENOENT, tid)).toBe(ERRNO.ENOENT); // stopped at its exec
    tracee.cont();
    await until('the tracee running its loop', () => threads(tracee.pid)[0]?.state === 'R');
    expect(failedCallErrno('PTRACE_POKEUSER', ERRNO.ENOENT, tid)).toBe(ERRNO.ESRCH);
    expect(failedCallErrno('PTRACE_POKEUSER', ERRNO.EIO, tid)).toBe(ERRNO.EIO); // ptrace's own
    expect(failedCallErrno('waitpid', ERRNO.ENOENT, tid)).toBe(ERRNO.ENOENT); // not a ptrace request
    process.kill(tracee.pid, 'SIGKILL');
    expect(tracer.wait()).toMatchObject({ kind: 'killed', signal: 9 });
    expect(failedCallErrno('PTRACE_GETREGSET', ERRNO.ENOENT, tid)).toBe(ERRNO.ESRCH); // reaped
  });

  // The same for a wait (ENOENT once, on Node 26): an errno waitpid cannot return is taken as an
  // interrupted wait, made again; a real ECHILD then comes back at once.
  it('takes an errno waitpid cannot return as EINTR, and keeps its own', () => {
    expect(failedWaitErrno(ERRNO.ENOENT)).toBe(ERRNO.EINTR);
    expect(failedWaitErrno(ERRNO.ECHILD)).toBe(ERRNO.ECHILD);
    expect(failedWaitErrno(ERRNO.EINVAL)).toBe(ERRNO.EINVAL);
    expect(failedWaitErrno(ERRNO.EINTR)).toBe(ERRNO.EINTR);
  });

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
    expect(isTraceeGone(error)).toBe(true);
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
      onTestFinished(() => void child.kill('SIGKILL')); // a failed test leaves no tracer behind (its tracees die with it)
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
      // The kernel kills them as the tracer dies (PTRACE_O_EXITKILL). They are not our children:
      // no event says they are gone, /proc is polled. One that never goes fails the test at
      // vitest's timeout, the hang guard, which prints the pids still alive (then kills them).
      await until('no tracee alive', () => pids.filter(processAlive), (alive) => alive.length === 0, {
        onFail: (alive) => alive.forEach((pid) => processAlive(pid) && process.kill(pid, 'SIGKILL')),
      });
    });
  }

  it('a signal interrupts the blocking wait, so a main-thread tracer can forward it', async () => {
    const script = fileURLToPath(new URL('./scripts/interruptible.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, fixture('sleeper', ['-O0', '-pthread'])], { stdio: ['ignore', 'pipe', 'inherit'] });
    onTestFinished(() => void child.kill('SIGKILL')); // a failed test leaves no tracer behind (its tracee dies with it)
    const lines: string[] = [];
    let buffer = '';
    let firstLine: () => void;
    const started = new Promise<void>((resolve, reject) => {
      firstLine = resolve;
      child.on('exit', () => reject(new Error('tracer exited early')));
    });
    child.stdout.on('data', (d) => {
      buffer += d;
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      lines.push(...parts);
      if (lines.length > 0) firstLine();
    });
    const closed = new Promise((r) => child.on('close', r)); // exited, its last line read
    await started;
    const { changed, pid } = JSON.parse(lines[0]!) as { changed: number[]; pid: number };
    expect(changed).toEqual([15]);
    // The tracer must be blocked in waitpid when the signal comes, with nothing left to handle:
    // every thread of the tracee asleep in its own calls (past the stops of its start, which the
    // tracer resumed), then the tracer's main thread in wait4(-1).
    await until('the tracee\'s 3 threads asleep in pause/usleep', () => threads(pid), (list) => allAsleep(list, 3));
    await until('the tracer blocked in waitpid', () => threads(child.pid!).find((t) => t.tid === child.pid), inWaitForAny);
    child.kill('SIGTERM');
    const code = await closed;
    expect(code).toBe(0);
    expect(JSON.parse(lines[1]!)).toEqual({ forwarded: true, kind: 'killed', signal: 15 });
  });
});

describe('isTraceeGone', () => {
  it('recognises TraceeGoneError, also from another copy of the package, and nothing else', () => {
    const gone = new TraceeGoneError('tid 1 is gone', { errno: 3, operation: 'test', tid: 1 });
    expect(isTraceeGone(gone)).toBe(true);
    // As another copy's class would make it (ESM and CJS side by side): same name and code.
    const foreign = Object.assign(new Error('tid 1 is gone'), { name: 'TraceeGoneError', code: 'ESRCH' });
    expect(isTraceeGone(foreign)).toBe(true);
    expect(isTraceeGone(new MemoryAccessError('x', { errno: 14, operation: 'read', address: 0n, transferred: 0 }))).toBe(false);
    expect(isTraceeGone(Object.assign(new Error('x'), { name: 'TraceeGoneError' }))).toBe(false);
    expect(isTraceeGone({ name: 'TraceeGoneError', code: 'ESRCH' })).toBe(false);
    expect(isTraceeGone(undefined)).toBe(false);
  });
});
