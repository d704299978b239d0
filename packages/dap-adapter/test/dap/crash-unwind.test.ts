// A fatal signal is a stop with its description; stacks unwind through libc and -O2 code with
// CFI (no frame pointers there).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { frames, launch, lineOf, program, source, startClient, stopClient, stoppedAfter } from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

describe('signals and stacks', () => {
  it('stops on SIGSEGV with its description, and the program dies of it on continue (exit code 139)', async () => {
    const output = client.assertOutput('stdout', 'about to crash\n');
    await launch(client, { program: program('crash') });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    await output;
    const threadId = stopped.body.threadId!;
    expect(stopped.body).toMatchObject({
      reason: 'exception',
      description: 'Signal SIGSEGV: invalid address 0x0 (SEGV_MAPERR)',
      text: 'Signal SIGSEGV: invalid address 0x0 (SEGV_MAPERR)',
    });
    const stack = await frames(client, threadId);
    expect(stack.slice(0, 2).map((frame) => `${frame.name}:${frame.line}`)).toEqual([
      `store:${lineOf('crash.c', '*where = value')}`, `main:${lineOf('crash.c', 'store(NULL, 42)')}`,
    ]);
    expect(stack[0]!.instructionPointerReference).toMatch(/^0x[0-9a-f]+$/);
    const info = await client.exceptionInfoRequest({ threadId });
    expect(info.body).toMatchObject({
      exceptionId: 'SIGSEGV', breakMode: 'always', description: expect.stringContaining('SEGV_MAPERR'),
      details: { typeName: 'SIGSEGV', message: expect.stringContaining('invalid address 0x0') },
    });
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    const terminated = client.waitForEvent('terminated');
    await client.continueRequest({ threadId });
    expect((await exited).body.exitCode).toBe(128 + 11);
    await terminated;
  });

  it('unwinds from a qsort callback (-O2) through libc back to main and _start', async () => {
    const qsort = source('qsort.c');
    await launch(client, { program: program('qsort', ['-g', '-O2']) });
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmp' }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    const stack = await frames(client, stopped.body.threadId!);
    const names = stack.map((frame) => frame.name);
    expect(names[0]).toBe('cmp');
    expect(stack[0]!.source?.path).toBe(qsort);
    const main = names.indexOf('main');
    expect(main).toBeGreaterThan(1);
    // Between them, libc's sorting functions (qsort_r, msort...), every frame named.
    for (const frame of stack.slice(1, main)) {
      expect(frame.moduleId).toMatch(/^libc\.so/);
      expect(frame.name).toMatch(/sort/);
      expect(frame.instructionPointerReference).toMatch(/^0x/);
    }
    expect(stack[main]).toMatchObject({ line: lineOf('qsort.c', 'qsort(values'), source: { path: qsort } });
    expect(names[names.length - 1]).toBe('_start');
    // Paging: a window of the same stack.
    const window = (await client.stackTraceRequest({ threadId: stopped.body.threadId!, startFrame: 1, levels: 2 })).body;
    expect(window.stackFrames.map((frame) => frame.name)).toEqual(names.slice(1, 3));
    expect(window.totalFrames).toBe(stack.length);
  });
});
