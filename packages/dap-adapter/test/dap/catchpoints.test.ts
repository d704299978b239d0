// Syscall catchpoints: the exception filter "syscall", with a condition naming the calls; a stop
// with reason `exception` whose description is the decoded call, and exceptionInfo for it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { collect, frames, launch, lineOf, program, startClient, stopClient, stoppedAfter } from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

describe('syscall catchpoints', () => {
  it('offers the filter, stops on openat with the call decoded, and runs on once it is removed', async () => {
    const initialized = await client.initializeRequest({ adapterID: 'umview', clientID: 'test', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    const filter = initialized.body!.exceptionBreakpointFilters!.find((candidate) => candidate.filter === 'syscall');
    expect(filter).toMatchObject({ supportsCondition: true });
    expect(initialized.body!.supportsExceptionFilterOptions).toBe(true);
    const ready = client.waitForEvent('initialized');
    await client.launchRequest({ program: program('syscalls') } as DebugProtocol.LaunchRequestArguments);
    await ready;
    const states = (await client.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall', condition: 'openat' }] })).body!.breakpoints!;
    expect(states).toEqual([{ verified: true }]);
    const output = collect<DebugProtocol.OutputEvent>(client, 'output');
    // The dynamic loader opens libraries first: every stop is an openat, until the program's own.
    let stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    const seen: string[] = [];
    for (let stops = 0; stops < 20 && !stopped.body.description!.includes('/etc/hostname'); stops++) {
      expect(stopped.body).toMatchObject({ reason: 'exception', description: expect.stringMatching(/^syscall openat\(/) });
      seen.push(stopped.body.description!);
      stopped = await stoppedAfter(client, () => client.continueRequest({ threadId: stopped.body.threadId! }));
    }
    expect(seen.some((description) => description.includes('libc.so'))).toBe(true);
    expect(stopped.body).toMatchObject({ reason: 'exception', description: 'syscall openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC)' });
    const threadId = stopped.body.threadId!;
    const info = (await client.exceptionInfoRequest({ threadId })).body;
    expect(info).toMatchObject({ exceptionId: 'syscall', breakMode: 'always', description: stopped.body.description, details: { typeName: 'syscall openat' } });
    // The stack leads from libc's wrapper back to the line that called it.
    const stack = await frames(client, threadId);
    expect(stack.find((frame) => frame.name === 'main')?.line).toBe(lineOf('syscalls.c', 'int fd = open('));
    stopped = await stoppedAfter(client, () => client.continueRequest({ threadId }));
    expect(stopped.body.description).toBe('syscall openat(AT_FDCWD, "/nonexistent/file", O_RDONLY)');
    // Without the catchpoint, the program runs to its end.
    await client.setExceptionBreakpointsRequest({ filters: [] });
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.continueRequest({ threadId });
    expect((await exited).body.exitCode).toBe(0);
    expect(output.map((event) => event.body.output).join('')).toMatch(/read \d+ bytes, second open -1/);
  });

  it('stops on every call without a condition, and rejects unknown names', async () => {
    await launch(client, { program: program('syscalls') });
    const bad = (await client.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall', condition: 'openat, nosuchcall' }] })).body!.breakpoints!;
    expect(bad[0]).toMatchObject({ verified: false, message: 'unknown system call: nosuchcall' });
    await client.setExceptionBreakpointsRequest({ filters: ['syscall'] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    // The first call of a new program is the loader's brk.
    expect(stopped.body).toMatchObject({ reason: 'exception', description: 'syscall brk(NULL)' });
  });
});
