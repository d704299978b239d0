// next, stepIn and stepOut by source line, through a recursive function: each must end in the
// right frame (a recursive call returning to the same address must not end a `next`).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { frames, launch, lineOf, program, source, startClient, stopClient, stoppedAfter } from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

const line = (text: string): number => lineOf('recursion.c', text);

/** "function:line" for each frame of the program itself (libc frames left out). */
async function stack(threadId: number): Promise<string[]> {
  return (await frames(client, threadId)).filter((frame) => frame.source?.path === source('recursion.c')).map((frame) => `${frame.name}:${frame.line}`);
}

async function step(kind: 'next' | 'stepIn' | 'stepOut', threadId: number): Promise<string[]> {
  const stopped = await stoppedAfter(client, () => client[`${kind}Request`]({ threadId }));
  expect(stopped.body.reason).toBe('step');
  return stack(threadId);
}

/** Launches recursion.c stopped at `breakAt` (a line's text), or at main. */
async function start(breakAt?: string, debugFormat = '-g'): Promise<number> {
  await launch(client, { program: program('recursion', [debugFormat, '-O0']), stopAtMain: breakAt === undefined });
  if (breakAt !== undefined) await client.setBreakpointsRequest({ source: { path: source('recursion.c') }, breakpoints: [{ line: line(breakAt) }] });
  const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
  return stopped.body.threadId!;
}

describe('stepping by line', () => {
  it.each(['-gdwarf-5', '-gdwarf-4'])('next steps over a call, recursion and all, line after line (%s)', async (debugFormat) => {
    const thread = await start(undefined, debugFormat);
    expect(await stack(thread)).toEqual([`main:${line('int result')}`]);
    expect(await step('next', thread)).toEqual([`main:${line('printf')}`]);
    expect(await step('next', thread)).toEqual([`main:${line('busy();')}`]);
    // 20 million iterations: run over at full speed, not single-stepped (that would take many
    // minutes, past the test's timeout). How fast, beside lldb-dap: bench/run.mjs.
    expect(await step('next', thread)).toEqual([`main:${line('return 0')}`]);
  });

  it('stepIn enters the function after its prologue, stepOut returns to the caller', async () => {
    const thread = await start();
    expect(await step('stepIn', thread)).toEqual([`factorial:${line('if (n <= 1)')}`, `main:${line('int result')}`]);
    expect(await step('stepIn', thread)).toEqual([`factorial:${line('int below')}`, `main:${line('int result')}`]);
    // Into the recursive call: one more factorial frame.
    expect(await step('stepIn', thread)).toEqual([
      `factorial:${line('if (n <= 1)')}`, `factorial:${line('int below')}`, `main:${line('int result')}`,
    ]);
    // Out of it: back in the outer factorial, right after the call (mid-line).
    expect(await step('stepOut', thread)).toEqual([`factorial:${line('int below')}`, `main:${line('int result')}`]);
    expect(await step('next', thread)).toEqual([`factorial:${line('return n * below')}`, `main:${line('int result')}`]);
    expect(await step('next', thread)).toEqual([`factorial:${line('return n * below') + 1}`, `main:${line('int result')}`]);
    // Off the end of the function: the rest of main's line, then main's next line.
    expect(await step('next', thread)).toEqual([`main:${line('printf')}`]);
  });

  it('next over a recursive call stops in the same frame, not in a deeper one', async () => {
    const thread = await start('int below');
    expect(await stack(thread)).toEqual([`factorial:${line('int below')}`, `main:${line('int result')}`]);
    // The breakpoint would stop the deeper calls: remove it, the step must still end up here.
    await client.setBreakpointsRequest({ source: { path: source('recursion.c') }, breakpoints: [] });
    expect(await step('next', thread)).toEqual([`factorial:${line('return n * below')}`, `main:${line('int result')}`]);
  });

  it('stepOut climbs the recursion one frame at a time', async () => {
    const thread = await start('return 1;');
    const deepest = await stack(thread);
    expect(deepest).toEqual([
      `factorial:${line('return 1;')}`, ...Array(3).fill(`factorial:${line('int below')}`), `main:${line('int result')}`,
    ]);
    for (let depth = 3; depth >= 1; depth--) {
      expect(await step('stepOut', thread)).toEqual([...Array(depth).fill(`factorial:${line('int below')}`), `main:${line('int result')}`]);
    }
    expect(await step('stepOut', thread)).toEqual([`main:${line('int result')}`]);
  });

  it('a step that ends on a breakpoint does not stop there twice', async () => {
    const thread = await start('return n * below');
    // The innermost frame that reaches this line is factorial(2).
    expect((await stack(thread)).length).toBe(4);
    expect(await step('next', thread)).toEqual([
      `factorial:${line('return n * below') + 1}`, `factorial:${line('int below')}`, `factorial:${line('int below')}`, `main:${line('int result')}`,
    ]);
    // Back in factorial(3): the step ends where the breakpoint is (a step, not a hit)...
    expect(await step('next', thread)).toEqual([`factorial:${line('return n * below')}`, `factorial:${line('int below')}`, `main:${line('int result')}`]);
    // ...and continuing does not hit it again in the same frame: the next hit is factorial(4)'s.
    const hit = await stoppedAfter(client, () => client.continueRequest({ threadId: thread }));
    expect(hit.body.reason).toBe('breakpoint');
    expect(await stack(thread)).toEqual([`factorial:${line('return n * below')}`, `main:${line('int result')}`]);
  });
});
