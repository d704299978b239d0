// Four threads hitting one breakpoint together: every hit is reported once, in the thread that
// made it, with every thread stopped (all-stop); thread events follow their lives.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  collect, frames, launch, lineOf, program, source, startClient, stopClient, stoppedAfter, threadState, topFrame,
} from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

describe('threads', () => {
  it('reports the hit of each of 4 threads once, stopping every thread each time', async () => {
    const line = lineOf('threads.c', 'int value = id * 10;');
    const threadEvents = collect<DebugProtocol.ThreadEvent>(client, 'thread');
    await launch(client, { program: program('threads', ['-g', '-O0', '-pthread']) });
    await client.setBreakpointsRequest({ source: { path: source('threads.c') }, breakpoints: [{ line }] });
    const output = client.assertOutput('stdout', '1 11 21 31\n');
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    let stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    const pid = (await client.threadsRequest()).body.threads.map((thread) => thread.id).sort((a, b) => a - b)[0]!;
    const hitThreads: number[] = [];
    for (;;) {
      expect(stopped.body).toMatchObject({ reason: 'breakpoint', allThreadsStopped: true });
      const threadId = stopped.body.threadId!;
      hitThreads.push(threadId);
      expect(await topFrame(client, threadId)).toMatchObject({ name: 'work', line });
      // All-stop: every thread of the process is in a ptrace stop.
      const threads = (await client.threadsRequest()).body.threads;
      expect(threads.length).toBeGreaterThanOrEqual(2);
      for (const thread of threads) expect(threadState(pid, thread.id)).toBe('t');
      if (hitThreads.length === 4) break;
      stopped = await stoppedAfter(client, () => client.continueRequest({ threadId }));
    }
    expect(new Set(hitThreads).size).toBe(4);
    expect(hitThreads).not.toContain(pid);
    await client.continueRequest({ threadId: hitThreads[3]! });
    await output;
    expect((await exited).body.exitCode).toBe(0);
    const started = threadEvents.filter((event) => event.body.reason === 'started').map((event) => event.body.threadId);
    const ended = threadEvents.filter((event) => event.body.reason === 'exited').map((event) => event.body.threadId);
    expect(new Set(started)).toEqual(new Set(hitThreads));
    expect(new Set(ended)).toEqual(new Set(hitThreads));
  });

  it('pauses every thread of a running program, and pauses it again after continue', async () => {
    await launch(client, { program: program('spin-threads', ['-g', '-O0', '-pthread']) });
    await client.configurationDoneRequest();
    const pause = async (): Promise<DebugProtocol.StoppedEvent> => {
      const paused = await stoppedAfter(client, () => client.pauseRequest({ threadId: 0 }));
      expect(paused.body, JSON.stringify(paused.body)).toMatchObject({ reason: 'pause', allThreadsStopped: true });
      return paused;
    };
    // A thread is in spin() for good once its counter moved (the program's own proof): until
    // all three are, pause and let it run again.
    const spinning = async (threadId: number): Promise<boolean> => {
      const main = (await frames(client, threadId)).find((frame) => frame.name === 'main');
      if (main === undefined) return false;
      for (let i = 0; i < 3; i++) {
        const value = (await client.evaluateRequest({ expression: `counters[${i}]`, frameId: main.id, context: 'watch' })).body.result;
        if (value === '0') return false;
      }
      return true;
    };
    let paused = await pause();
    while (!(await spinning(paused.body.threadId!))) {
      await client.continueRequest({ threadId: paused.body.threadId! });
      paused = await pause();
    }
    for (let round = 0; round < 2; round++) {
      if (round > 0) paused = await pause();
      const threads = (await client.threadsRequest()).body.threads;
      expect(threads.length).toBe(4);
      const pid = Math.min(...threads.map((thread) => thread.id));
      for (const thread of threads) {
        expect(threadState(pid, thread.id)).toBe('t');
        // Every thread has a stack that leads back to where it started.
        const names = (await frames(client, thread.id)).map((frame) => frame.name);
        expect(names).toContain(thread.id === pid ? 'main' : 'spin');
      }
      await client.continueRequest({ threadId: paused.body.threadId! });
      for (const thread of threads) expect(threadState(pid, thread.id)).not.toBe('t');
    }
  });
});
