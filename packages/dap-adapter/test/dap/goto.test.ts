// DAP's gotoTargets/goto (VS Code's "Jump to Cursor"): the innermost frame's pc moves to a line
// of its own function, and a `stopped` event (reason goto) shows it there; lines of other
// functions (another frame's included) and of an inlined call are refused with the reason.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { launchTo, lineOf, source, startClient, stopClient, stoppedAfter, topFrame } from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

const FILE = 'goto.c';

async function value(frameId: number, expression: string): Promise<string> {
  return (await client.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
}

async function gotoError(line: number): Promise<string> {
  const error = await client.gotoTargetsRequest({ source: { path: source(FILE) }, line }).then(() => undefined, (failure: Error) => failure);
  if (error === undefined) throw new Error(`gotoTargets for line ${line} succeeded`);
  return error.message;
}

describe('gotoTargets and goto', () => {
  skipEachWhen(missing.tool('cc'));

  it('says it supports them', async () => {
    const response = await client.initializeRequest();
    expect(response.body?.supportsGotoTargetsRequest).toBe(true);
  });

  it('jumps back to run a line again, and the program sees the line run twice', async () => {
    const { threadId, frameId } = await launchTo(client, 'goto', '/* stop here */');
    expect(await value(frameId, 'x')).toBe('10');
    const line = lineOf(FILE, '/* multiply */');
    const targets = (await client.gotoTargetsRequest({ source: { path: source(FILE) }, line })).body.targets;
    expect(targets).toHaveLength(1);
    expect(targets[0]!.line).toBe(line);
    expect(targets[0]!.instructionPointerReference).toMatch(/^0x[0-9a-f]+$/);
    const stopped = await stoppedAfter(client, () => client.gotoRequest({ threadId, targetId: targets[0]!.id }));
    expect(stopped.body.reason).toBe('goto');
    expect(stopped.body.threadId).toBe(threadId);
    const top = await topFrame(client, threadId);
    expect(top.line).toBe(line);
    const frames = (await client.stackTraceRequest({ threadId })).body.stackFrames;
    expect(frames[0]!.instructionPointerReference).toBe(targets[0]!.instructionPointerReference);
    // The line runs again (x * 10 once more) on the way back to the breakpoint.
    const again = await stoppedAfter(client, () => client.continueRequest({ threadId }));
    expect(again.body.reason).toBe('breakpoint');
    expect((await topFrame(client, threadId)).line).toBe(lineOf(FILE, '/* stop here */'));
    const frameAfter = (await client.stackTraceRequest({ threadId })).body.stackFrames[0]!.id;
    expect(await value(frameAfter, 'x')).toBe('100');
  });

  it('refuses a line of another function, naming both functions', async () => {
    await launchTo(client, 'goto', '/* stop here */');
    const message = await gotoError(lineOf(FILE, '/* other function */'));
    expect(message).toMatch(/add_one/);
    expect(message).toMatch(/not in function main/);
  });

  it('refuses a line of the caller: only the innermost frame moves', async () => {
    await launchTo(client, 'goto', '/* other function */');
    const message = await gotoError(lineOf(FILE, '/* multiply */'));
    expect(message).toMatch(/function main, not in function add_one/);
  });

  it('refuses a line of an inlined call', async () => {
    await launchTo(client, 'goto', '/* stop here */');
    const message = await gotoError(lineOf(FILE, '/* inlined body */'));
    expect(message).toMatch(/inlined call of twice/);
  });

  it('moves only a thread whose innermost frame is in the target\'s function', async () => {
    const { threadId } = await launchTo(client, 'threads', 'int value = id * 10;');
    const line = lineOf('threads.c', 'return value + 1;');
    const targets = (await client.gotoTargetsRequest({ source: { path: source('threads.c') }, line })).body.targets;
    expect(targets).toHaveLength(1);
    const others = (await client.threadsRequest()).body.threads.filter((thread) => thread.id !== threadId);
    let refused = 0;
    for (const other of others) {
      const top = await topFrame(client, other.id);
      if (top.name === 'work') continue; // at the same place: the target is valid there too
      await expect(client.gotoRequest({ threadId: other.id, targetId: targets[0]!.id })).rejects.toThrow(/goto: /);
      refused++;
    }
    expect(refused).toBeGreaterThan(0); // main, in pthread_join, at least
    const stopped = await stoppedAfter(client, () => client.gotoRequest({ threadId, targetId: targets[0]!.id }));
    expect(stopped.body).toMatchObject({ reason: 'goto', threadId });
    expect((await topFrame(client, threadId)).line).toBe(line);
  });

  it('refuses a target of an earlier stop', async () => {
    const { threadId } = await launchTo(client, 'goto', '/* stop here */');
    const targets = (await client.gotoTargetsRequest({ source: { path: source(FILE) }, line: lineOf(FILE, '/* multiply */') })).body.targets;
    await stoppedAfter(client, () => client.nextRequest({ threadId }));
    await expect(client.gotoRequest({ threadId, targetId: targets[0]!.id })).rejects.toThrow(/no target/);
  });
});
