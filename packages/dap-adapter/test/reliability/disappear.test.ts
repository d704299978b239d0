// The client disappears (its end of stdio closes, its socket drops, the adapter is told to
// terminate) at any moment of a session: a launched debuggee is killed, an attached one is let
// go with its breakpoints removed, running; none is left stopped, and the adapter ends (stdio)
// or keeps serving other connections (TCP).
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@umview/test-fixtures';
import { lineOf, program, source, until } from '../dap/helpers.js';
import { RawClient } from '../dap/raw-client.js';
import { tcpAdapter } from '../dap/tcp-adapter.js';
import { ask, finishSleeper, processAlive, processGone, request, sleep, startAdapter, startSleeper, stateOf, tracerOf, type StdioAdapter } from './stdio-adapter.js';

const SCALE = Math.max(1, Number(process.env.FAULT_ITERATIONS ?? 1));
const pids: number[] = [];
let adapter: StdioAdapter | undefined;
afterEach(() => {
  adapter?.process.kill('SIGKILL');
  adapter = undefined;
  for (const pid of pids.splice(0)) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
});

/** Launches `name` and stops it at the line holding `text`; returns the debuggee's pid. */
async function launchStopped(client: RawClient, name: string, text: string): Promise<number> {
  expect(await ask(client, 'initialize', { adapterID: 'raw' })).toMatchObject({ success: true });
  expect(await ask(client, 'launch', { program: program(name) })).toMatchObject({ success: true });
  const processEvent = await client.event('process');
  const pid = (processEvent.body as { systemProcessId: number }).systemProcessId;
  pids.push(pid);
  await client.event('initialized');
  await ask(client, 'setBreakpoints', { source: { path: source(`${name}.c`) }, breakpoints: [{ line: lineOf(`${name}.c`, text) }] });
  await ask(client, 'configurationDone');
  await client.event('stopped');
  return pid;
}

/** Attaches to a sleeper and stops it at its tick breakpoint. */
async function attachStopped(client: RawClient): Promise<{ pid: number; result: string }> {
  const sleeper = await startSleeper();
  pids.push(sleeper.pid);
  expect(await ask(client, 'initialize', { adapterID: 'raw' })).toMatchObject({ success: true });
  expect(await ask(client, 'attach', { pid: sleeper.pid })).toMatchObject({ success: true });
  await client.event('initialized');
  await ask(client, 'setBreakpoints', { source: { path: source('sleeper.c') }, breakpoints: [{ line: lineOf('sleeper.c', 'ticks = i;') }] });
  await ask(client, 'configurationDone');
  await client.event('stopped');
  expect(stateOf(sleeper.pid)).toBe('t');
  return sleeper;
}

describe('over stdio', () => {
  it('stdin closes while the launched debuggee is stopped at a breakpoint: it is killed, the adapter exits 0', async () => {
    adapter = startAdapter();
    const pid = await launchStopped(adapter.client, 'basics', 'int sum');
    adapter.process.stdin!.end();
    expect(await adapter.exited).toEqual({ code: 0, signal: null });
    await processGone(pid);
  });

  it('stdin closes in the middle of a message while the debuggee runs: the same', async () => {
    adapter = startAdapter();
    const { client } = adapter;
    expect(await ask(client, 'initialize', { adapterID: 'raw' })).toMatchObject({ success: true });
    await ask(client, 'launch', { program: program('spin') });
    const pid = ((await client.event('process')).body as { systemProcessId: number }).systemProcessId;
    pids.push(pid);
    await ask(client, 'configurationDone');
    client.raw('Content-Length: 80\r\n\r\n{"seq":99,"type":"requ');
    adapter.process.stdin!.end();
    expect(await adapter.exited).toEqual({ code: 0, signal: null });
    await processGone(pid);
  });

  it('stdin closes while attached and stopped at a breakpoint: the process is let go and finishes normally', async () => {
    adapter = startAdapter();
    const sleeper = await attachStopped(adapter.client);
    adapter.process.stdin!.end();
    expect(await adapter.exited).toEqual({ code: 0, signal: null });
    expect(await finishSleeper(sleeper)).toMatch(/^finished \d+\n$/);
  });

  it('SIGTERM to the adapter while attached and stopped: the process is let go and finishes normally', async () => {
    adapter = startAdapter();
    const sleeper = await attachStopped(adapter.client);
    adapter.process.kill('SIGTERM');
    await adapter.exited;
    expect(await finishSleeper(sleeper)).toMatch(/^finished \d+\n$/);
  });

  it('stdin closes at a random point of a session, repeatedly: the debuggee never outlives the adapter', { timeout: 120_000 }, async () => {
    // A copy of its own, to find every process it started in /proc (launches still under way
    // when the input ended included).
    const spin = join(tempDir('umview-dap-spin-'), 'spin-copy');
    copyFileSync(program('spin'), spin);
    const running = (): number[] => readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((entry) => {
      try {
        return readlinkSync(`/proc/${entry}/exe`) === spin;
      } catch {
        return false;
      }
    }).map(Number);
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
    for (let i = 0; i < 8 * SCALE; i++) {
      const a = startAdapter();
      adapter = a;
      const { client } = a;
      let pid: number | undefined;
      client.send(request('initialize', { adapterID: 'raw' }));
      client.send(request('launch', { program: spin }));
      const stage = Math.floor(next() * 4);
      if (stage >= 1) pid = ((await client.event('process')).body as { systemProcessId: number }).systemProcessId;
      if (pid !== undefined) pids.push(pid);
      if (stage >= 2) client.send(request('configurationDone'));
      if (stage >= 3) client.send(request('pause', { threadId: pid }));
      await sleep(next() * 50); // the random point: the test's input, not a wait for anything
      a.process.stdin!.end();
      expect(await a.exited, `iteration ${i}, stage ${stage}: ${a.stderr()}`).toEqual({ code: 0, signal: null });
      if (pid !== undefined) await processGone(pid);
      // A launch that was still under way when the input ended: its debuggee is gone too. (One
      // left behind keeps this wait on until the test times out, printing its pid.)
      await until(`iteration ${i}, stage ${stage}: every process of ${spin} to end`, running, (left) => left.length === 0);
    }
  });
});

describe('over TCP', () => {
  const tcp = tcpAdapter();
  const connect = () => tcp.connect();

  it('the socket drops while the launched debuggee is stopped: it is killed; the server serves the next client', async () => {
    const { client, socket } = await connect();
    const pid = await launchStopped(client, 'basics', 'int sum');
    socket.destroy();
    await processGone(pid);
    const next = await connect();
    expect(await ask(next.client, 'initialize', { adapterID: 'raw' })).toMatchObject({ success: true });
    expect(await ask(next.client, 'threads')).toMatchObject({ success: true });
    expect(tcp.server.exitCode).toBeNull();
  });

  it('the socket drops while attached and stopped: the process is let go and finishes normally', async () => {
    const { client, socket } = await connect();
    const sleeper = await attachStopped(client);
    socket.destroy();
    expect(await finishSleeper(sleeper)).toMatch(/^finished \d+\n$/);
    expect(tracerOf(sleeper.pid)).toBe(0);
  });

  it('ten clients dropping at random points in parallel leave no debuggee and a serving adapter', async () => {
    const runs = Array.from({ length: 10 * SCALE }, async (_, i) => {
      const { client, socket } = await connect();
      client.send(request('initialize', { adapterID: 'raw' }));
      client.send(request('launch', { program: program(i % 2 ? 'spin' : 'basics') }));
      const pid = ((await client.event('process')).body as { systemProcessId: number }).systemProcessId;
      pids.push(pid);
      if (i % 3 !== 0) client.send(request('configurationDone'));
      await sleep((i * 37) % 60); // a point to drop at: the test's input
      socket.destroy();
      await processGone(pid);
    });
    await Promise.all(runs);
    const last = await connect();
    expect(await ask(last.client, 'initialize', { adapterID: 'raw' })).toMatchObject({ success: true });
  });
});
