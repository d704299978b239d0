import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncTracer, SIGNALS, TraceeGoneError, syscallNumber, type AsyncStop } from '@umview/ptrace-core';
import { fixture, outputFile, processExists } from './helpers.js';
import { allAsleep, inWaitForAny, threads, until } from './proc-state.js';

let tracer: AsyncTracer | undefined;
afterEach(async () => {
  await tracer?.close();
  tracer = undefined;
});

describe('AsyncTracer (a Tracer in a worker thread)', () => {
  it('runs a whole session from the event loop', async () => {
    tracer = await AsyncTracer.start();
    const out = outputFile();
    const tracee = await tracer.spawn(fixture('getpid-print'), [], { stdout: { path: out.path } });
    expect((await tracee.getRegisters()).rip).toBeGreaterThan(0n);
    await tracee.syscall();
    const kinds: string[] = [];
    for await (const stop of tracer.stops()) {
      kinds.push(stop.kind);
      if (stop.kind === 'syscall-exit' && stop.nr === syscallNumber('getpid')) {
        const regs = await stop.tracee.getRegisters();
        regs.syscallResult = 777n;
        await stop.tracee.setRegisters(regs);
      }
      if (stop.kind === 'exited') break;
      // Let the event loop turn between stops, as a real UI would.
      await new Promise((r) => setImmediate(r));
      await stop.tracee.syscall(stop.kind === 'signal' ? stop.signal : 0);
    }
    expect(kinds.at(-1)).toBe('exited');
    expect(kinds.filter((k) => k === 'syscall-enter').length).toBeGreaterThan(10);
    expect(out.read()).toBe('getpid=777\n');
  });

  it('keeps timers firing while a stop is awaited: a stop that only a timer causes comes', async () => {
    tracer = await AsyncTracer.start();
    const tracee = await tracer.spawn(fixture('sleeper', ['-O0', '-pthread']), [], { stdout: 'ignore' });
    await tracee.cont();
    // A timer's tenth tick sends the signal: its stop can only come if the event loop keeps
    // running while the main thread awaits stops (the worker waits in waitpid meanwhile).
    let ticks = 0;
    const timer = setInterval(() => {
      if (++ticks === 10) process.kill(tracee.pid, 'SIGUSR1');
    }, 1);
    try {
      for (;;) {
        const stop = (await tracer.nextStop())!;
        if (stop.kind === 'signal' && stop.signal === SIGNALS.SIGUSR1) break;
        // The stops of its start (two threads created) are resumed.
        expect(['clone', 'interrupt']).toContain(stop.kind);
        await stop.tracee.cont();
      }
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it('delivers stops while the main thread is idle, and wakes the worker in waitpid for requests', async () => {
    tracer = await AsyncTracer.start();
    const tracee = await tracer.spawn(fixture('sleeper', ['-O0', '-pthread']), [], { stdout: 'ignore' });
    await tracee.cont();
    // The stops of its start, delivered while the main thread waits: two threads created (a
    // clone stop and the new thread's first stop each), each resumed.
    const start: string[] = [];
    while (start.length < 4) {
      const stop = (await tracer.nextStop())!;
      start.push(stop.kind === 'interrupt' ? `${stop.kind}:${stop.cause}` : stop.kind);
      await stop.tracee.cont();
    }
    expect(start.sort()).toEqual(['clone', 'clone', 'interrupt:new-child', 'interrupt:new-child']);
    // Now the tracee runs freely (its three threads asleep in their own calls) and the worker is
    // blocked in waitpid, where no message reaches it: a request must still be served.
    await until('the tracee\'s 3 threads asleep in pause/usleep', () => threads(tracee.pid), (list) => allAsleep(list, 3));
    await until('the tracer worker blocked in waitpid', () => threads('self').find(inWaitForAny), inWaitForAny);
    const stops: AsyncStop[] = [];
    await tracee.interrupt();
    for (;;) {
      const stop = (await tracer.nextStop())!;
      stops.push(stop);
      if (stop.tid === tracee.tid && stop.kind === 'interrupt' && stop.cause === 'interrupt') break;
      if (stop.kind !== 'exited' && stop.kind !== 'killed') await stop.tracee.cont();
    }
    expect(stops.map((s) => s.kind)).toEqual(['interrupt']);
    const regs = await tracee.getRegisters();
    expect(regs.rip).toBeGreaterThan(0n);
    const word = await tracee.peek(regs.rsp);
    expect(typeof word).toBe('bigint');
    // Many requests at once: each answered, in order.
    const results = await Promise.all(Array.from({ length: 50 }, () => tracee.peek(regs.rsp)));
    expect(new Set(results)).toEqual(new Set([word]));
  });

  it('rejects with typed errors across the thread boundary', async () => {
    tracer = await AsyncTracer.start();
    const tracee = await tracer.spawn(fixture('getpid-print'), [], { stdout: 'ignore' });
    await expect(tracee.read(0n, 8)).rejects.toMatchObject({ name: 'MemoryAccessError', address: 0n });
    await expect(tracer.spawn('/no/such/file')).rejects.toMatchObject({ name: 'SpawnError', code: 'ENOENT' });
    await tracee.kill();
    const stop = await tracer.nextStop();
    expect(stop).toMatchObject({ kind: 'killed', signal: SIGNALS.SIGKILL });
    await expect(tracee.getRegisters()).rejects.toBeInstanceOf(TraceeGoneError);
  });

  it('close() kills what it spawned and ends the worker', async () => {
    tracer = await AsyncTracer.start();
    const tracee = await tracer.spawn(fixture('sleeper', ['-O0', '-pthread']), [], { stdout: 'ignore' });
    await tracee.cont();
    expect(processExists(tracee.pid)).toBe(true);
    await tracer.close();
    tracer = undefined;
    // close() resolves once the worker has killed and reaped it: not even a zombie is left.
    expect(processExists(tracee.pid)).toBe(false);
  });

  it('runs an extension on the tracer thread: it sees stops first, answers commands, emits events', async () => {
    const workerPath = fileURLToPath(new URL('./scripts/counting-extension.mjs', import.meta.url));
    tracer = await AsyncTracer.start({ workerPath, workerData: { hello: 'worker' } });
    const events: unknown[] = [];
    tracer.onEvent((e) => events.push(e));
    const tracee = await tracer.spawn(fixture('getppid-loop'), ['1000']);
    await tracee.syscall();
    // Syscall stops never cross threads: the first stop the main thread sees is the exit.
    const stop = await tracer.nextStop();
    expect(stop).toMatchObject({ kind: 'exited', code: 0 });
    expect(await tracer.command('count', tracee.tid)).toBeGreaterThanOrEqual(1000);
    await expect(tracer.command('nope')).rejects.toThrow(/unknown command/);
    expect(events).toEqual([{ ready: true, data: { hello: 'worker' } }, { exited: tracee.tid, code: 0 }]);
  });
});
