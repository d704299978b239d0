// Attaching to a running process that is not our child (which allows it, as Yama's ptrace_scope
// 1 requires), and detaching: it runs on, with every breakpoint removed, and ends normally.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import {
  finishSleeper, frames, lineOf, processAlive, source, startClient, startSleeper, stopClient, stoppedAfter, tracerOf,
} from './helpers.js';

let client: DebugClient;
let pid: number | undefined;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
  if (pid !== undefined && processAlive(pid)) process.kill(pid, 'SIGKILL');
  pid = undefined;
});

describe('attach', () => {
  it('attaches, stops at a breakpoint, steps, and detaches leaving the process to finish normally', async () => {
    const sleeper = await startSleeper();
    pid = sleeper.pid;
    const initialized = client.waitForEvent('initialized');
    await client.initializeRequest();
    await client.attachRequest({ pid: sleeper.pid } as never);
    await initialized;
    expect(tracerOf(sleeper.pid)).not.toBe(0);
    const line = lineOf('sleeper.c', 'ticks = i;');
    const set = await client.setBreakpointsRequest({ source: { path: source('sleeper.c') }, breakpoints: [{ line }] });
    expect(set.body.breakpoints[0]).toMatchObject({ verified: true, line });
    const hit = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(hit.body).toMatchObject({ reason: 'breakpoint', threadId: sleeper.pid });
    expect((await frames(client, sleeper.pid)).slice(0, 2).map((frame) => frame.name)).toEqual(['tick', 'main']);
    const step = await stoppedAfter(client, () => client.nextRequest({ threadId: sleeper.pid }));
    expect(step.body.reason).toBe('step');
    // Detach with the breakpoint still set: it must be taken out, or the process dies of SIGTRAP.
    await client.disconnectRequest({});
    expect(await finishSleeper(sleeper)).toMatch(/^finished \d+\n$/);
  });

  it('detaches from a running process too', async () => {
    const sleeper = await startSleeper();
    pid = sleeper.pid;
    await client.initializeRequest();
    await client.attachRequest({ pid: String(sleeper.pid) } as never);
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'tick' }] });
    const hit = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(hit.body.reason).toBe('function breakpoint');
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'tick', hitCondition: '>1000' }] });
    await client.continueRequest({ threadId: sleeper.pid });
    await client.disconnectRequest({});
    expect(await finishSleeper(sleeper)).toMatch(/^finished \d+\n$/);
  });

  it('answers an attach to a missing process with an error', async () => {
    await client.initializeRequest();
    await expect(client.attachRequest({ pid: 999_999_999 } as never)).rejects.toThrow(/pid|process/);
    await expect(client.attachRequest({ pid: 'me' } as never)).rejects.toThrow(/"pid"/);
  });
});
