// Attaching to a running process that is not our child, and detaching: it runs on, with every
// breakpoint removed, and ends normally.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '@umview/test-fixtures';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { execed, frames, lineOf, processAlive, processGone, program, source, startClient, stopClient, stoppedAfter, until } from './helpers.js';

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

/** Starts sleeper in the background through sh, so that it is not a child of this process; returns once it runs. */
async function startSleeper(): Promise<{ pid: number; result: string }> {
  const result = join(tempDir('umview-dap-attach-'), 'result.txt');
  const out = execFileSync('sh', ['-c', `"$0" "$1" >/dev/null 2>&1 & echo $!`, program('sleeper'), result], { encoding: 'utf8' });
  const sleeper = { pid: Number(out.trim()), result };
  await execed(sleeper.pid, program('sleeper'));
  return sleeper;
}

/** The pid of the process's tracer, 0 when it has none (or is gone). */
function tracerOf(target: number): number {
  try {
    return Number(/^TracerPid:\s*(\d+)/m.exec(readFileSync(`/proc/${target}/status`, 'latin1'))![1]);
  } catch {
    return 0;
  }
}

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
    await until('the detach', () => tracerOf(sleeper.pid), (tracer) => tracer === 0);
    await processGone(sleeper.pid);
    expect(readFileSync(sleeper.result, 'utf8')).toBe('finished 149\n');
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
    await processGone(sleeper.pid);
    expect(readFileSync(sleeper.result, 'utf8')).toBe('finished 149\n');
  });

  it('answers an attach to a missing process with an error', async () => {
    await client.initializeRequest();
    await expect(client.attachRequest({ pid: 999_999_999 } as never)).rejects.toThrow(/pid|process/);
    await expect(client.attachRequest({ pid: 'me' } as never)).rejects.toThrow(/"pid"/);
  });
});
