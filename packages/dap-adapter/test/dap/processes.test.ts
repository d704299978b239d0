// Processes the debuggee creates: forked children are let go (never killed by our int3s),
// vfork+exec (system) works, and an exec brings the breakpoints back in the new image.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { collect, launch, program, startClient, stopClient, stoppedAfter, topFrame } from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

describe('processes created by the debuggee', () => {
  it('lets a forked child run through a breakpoint untraced; the parent stops on it', async () => {
    const output: string[] = [];
    client.on('output', (event: DebugProtocol.OutputEvent) => output.push(event.body.output));
    await launch(client, { program: program('forks') });
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'work' }] });
    const stops = collect<DebugProtocol.StoppedEvent>(client, 'stopped');
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(await topFrame(client, stopped.body.threadId!)).toMatchObject({ name: 'work' });
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.continueRequest({ threadId: stopped.body.threadId! });
    expect((await exited).body.exitCode).toBe(0);
    // One stop only (the parent's), and the child ended normally with its own exit code.
    expect(stops).toHaveLength(1);
    expect(output.join('')).toContain('child 2\n');
    expect(output.join('')).toContain('from system\n');
    expect(output.join('')).toContain('parent 4 child exit 7\n');
  });

  it('puts the breakpoints back after an exec', async () => {
    await launch(client, { program: program('execs') });
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'work' }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(stopped.body.reason).toBe('function breakpoint');
    expect(await topFrame(client, stopped.body.threadId!)).toMatchObject({ name: 'work' });
    const output = client.assertOutput('stdout', 'after exec 42\n');
    await client.continueRequest({ threadId: stopped.body.threadId! });
    await output;
  });
});
