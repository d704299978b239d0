// Launching, breakpoints (source lines, functions, hit counts, pending ones in a shared
// library), output, exit codes: the basic session, driven as VS Code drives it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  frames, launch, lineOf, processAlive, processGone, program, programWithLibrary, source, startClient, stopClient, stoppedAfter, topFrame,
} from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

const basics = source('basics.c');

describe('launch and breakpoints', () => {
  it('moves a breakpoint on a line without code to the next line that has code, and stops there', async () => {
    const comment = lineOf('basics.c', 'a comment');
    const loop = lineOf('basics.c', 'for (int i = 0;');
    await launch(client, { program: program('basics') });
    const set = await client.setBreakpointsRequest({ source: { path: basics }, breakpoints: [{ line: comment }] });
    const breakpoint = set.body.breakpoints[0]!;
    expect(breakpoint).toMatchObject({ verified: true, line: loop, source: { path: basics } });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(stopped.body).toMatchObject({ reason: 'breakpoint', allThreadsStopped: true, hitBreakpointIds: [breakpoint.id] });
    expect(await topFrame(client, stopped.body.threadId!)).toEqual({ name: 'main', line: loop, path: basics });
  });

  it('stops on a function breakpoint after the prologue, and reports the line', async () => {
    const body = lineOf('basics.c', 'int sum = a + b;');
    await launch(client, { program: program('basics') });
    const set = await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'add' }, { name: 'no_such_function' }] });
    expect(set.body.breakpoints[0]).toMatchObject({ verified: true, line: body });
    expect(set.body.breakpoints[1]).toMatchObject({ verified: false });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(stopped.body.reason).toBe('function breakpoint');
    expect(await topFrame(client, stopped.body.threadId!)).toMatchObject({ name: 'add', line: body });
  });

  it.each([
    ['3', 3], // the 3rd hit and every later one (5 calls)
    ['==2', 1],
    ['%2', 2],
    ['>4', 1],
  ])('honours the hit condition "%s" (%i stops in 5 calls)', async (hitCondition, expectedStops) => {
    const line = lineOf('basics.c', 'int sum = a + b;');
    await launch(client, { program: program('basics') });
    await client.setBreakpointsRequest({ source: { path: basics }, breakpoints: [{ line, hitCondition }] });
    const stops: DebugProtocol.StoppedEvent[] = [];
    const exited = client.waitForEvent('exited').then(() => undefined);
    let stopped = client.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await client.configurationDoneRequest();
    // Continue after every stop until the program exits (its exit comes after its last stop).
    for (let next = await Promise.race([stopped, exited]); next !== undefined; next = await Promise.race([stopped, exited])) {
      stops.push(next);
      stopped = client.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
      await client.continueRequest({ threadId: next.body.threadId! });
    }
    expect(stops.length).toBe(expectedStops);
    expect(stops.every((stop) => stop.body.reason === 'breakpoint')).toBe(true);
  });

  it('rejects a malformed hit condition with a message', async () => {
    await launch(client, { program: program('basics') });
    const set = await client.setBreakpointsRequest({ source: { path: basics }, breakpoints: [{ line: lineOf('basics.c', 'int sum'), hitCondition: 'often' }] });
    expect(set.body.breakpoints[0]).toMatchObject({ verified: false, message: expect.stringContaining('invalid hit condition') });
  });

  it('forwards stdout and stderr as output events and reports the exit code 3', async () => {
    const stdout = client.assertOutput('stdout', 'total=10\n');
    const stderr = client.assertOutput('stderr', 'done\n');
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    const terminated = client.waitForEvent('terminated');
    await launch(client, { program: program('basics') });
    await client.configurationDoneRequest();
    await Promise.all([stdout, stderr]);
    expect((await exited).body.exitCode).toBe(3);
    await terminated;
  });

  it('passes args, cwd and env to the debuggee', async () => {
    const output = client.assertOutput('stdout', 'a b|/tmp|42\n');
    await launch(client, { program: '/bin/sh', args: ['-c', 'echo "$0 $1|$(pwd)|$ANSWER"', 'a', 'b'], cwd: '/tmp', env: { ANSWER: '42' } });
    await client.configurationDoneRequest();
    await output;
  });

  it('stops on entry at the first instruction, then runs to the end', async () => {
    await launch(client, { program: program('basics'), stopOnEntry: true });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(stopped.body.reason).toBe('entry');
    // Not one instruction of the program has run: the dynamic loader's entry point.
    expect((await topFrame(client, stopped.body.threadId!)).name).toBe('_start');
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.continueRequest({ threadId: stopped.body.threadId! });
    expect((await exited).body.exitCode).toBe(3);
  });

  it('stops at the first line of main with stopAtMain', async () => {
    await launch(client, { program: program('basics'), stopAtMain: true });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(stopped.body.reason).toBe('entry');
    expect(await topFrame(client, stopped.body.threadId!)).toMatchObject({ name: 'main', line: lineOf('basics.c', 'int total = 0;') });
  });

  it('sets and removes breakpoints while stopped, and while the debuggee runs', async () => {
    await launch(client, { program: program('spin') });
    await client.configurationDoneRequest();
    // Running (the worker is blocked in waitpid): the breakpoint is planted anyway.
    const stopped = await stoppedAfter(client, () => client.setBreakpointsRequest({ source: { path: source('spin.c') }, breakpoints: [{ line: lineOf('spin.c', 'counter++') }] }));
    expect(stopped.body.reason).toBe('breakpoint');
    const threadId = stopped.body.threadId!;
    expect((await topFrame(client, threadId)).line).toBe(lineOf('spin.c', 'counter++'));
    // Again from the same place: the breakpoint is stepped over, the loop comes back to it.
    const again = await stoppedAfter(client, () => client.continueRequest({ threadId }));
    expect(again.body.reason).toBe('breakpoint');
    // Removed: the program runs on. The proof is a later stop: spin.c sleeps once every million
    // rounds of its loop, and a catchpoint on that call must be the next stop, with the counter
    // at the next million: the loop ran over the removed breakpoint's line every time.
    const counter = async (): Promise<number> => {
      const main = (await frames(client, threadId)).find((frame) => frame.name === 'main')!;
      return Number((await client.evaluateRequest({ expression: 'counter', frameId: main.id, context: 'watch' })).body.result);
    };
    const before = await counter();
    await client.setBreakpointsRequest({ source: { path: source('spin.c') }, breakpoints: [] });
    await client.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall', condition: 'clock_nanosleep' }] });
    const slept = await stoppedAfter(client, () => client.continueRequest({ threadId }));
    expect(slept.body).toMatchObject({ reason: 'exception', description: expect.stringMatching(/^syscall clock_nanosleep\(/) });
    expect(await counter()).toBe(Math.ceil((before + 1) / 1_000_000) * 1_000_000);
    // Without the catchpoint either, it runs until paused.
    await client.setExceptionBreakpointsRequest({ filters: [] });
    await client.continueRequest({ threadId });
    const paused = await stoppedAfter(client, () => client.pauseRequest({ threadId }));
    expect(paused.body.reason).toBe('pause');
  });

  it('resolves a pending breakpoint in a shared library when the loader maps it', async () => {
    const { program: main } = programWithLibrary();
    const line = lineOf('libdemo.c', 'int scaled');
    await launch(client, { program: main });
    const set = await client.setBreakpointsRequest({ source: { path: source('libdemo.c') }, breakpoints: [{ line }] });
    expect(set.body.breakpoints[0]).toMatchObject({ verified: false });
    const changed = client.waitForEvent('breakpoint') as Promise<DebugProtocol.BreakpointEvent>;
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect((await changed).body).toMatchObject({ reason: 'changed', breakpoint: { id: set.body.breakpoints[0]!.id, verified: true, line } });
    expect(stopped.body.reason).toBe('breakpoint');
    expect(await topFrame(client, stopped.body.threadId!)).toMatchObject({ name: 'demo_scale', line, path: source('libdemo.c') });
  });

  it('accepts breakpoints before launch (pending), and verifies them when the program is loaded', async () => {
    const line = lineOf('basics.c', 'int sum = a + b;');
    await client.initializeRequest();
    const set = await client.setBreakpointsRequest({ source: { path: basics }, breakpoints: [{ line }] });
    expect(set.body.breakpoints[0]).toMatchObject({ verified: false });
    const changed = client.waitForEvent('breakpoint') as Promise<DebugProtocol.BreakpointEvent>;
    const initialized = client.waitForEvent('initialized');
    await client.launchRequest({ program: program('basics') } as DebugProtocol.LaunchRequestArguments);
    await initialized;
    expect((await changed).body).toMatchObject({ reason: 'changed', breakpoint: { id: set.body.breakpoints[0]!.id, verified: true, line } });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(await topFrame(client, stopped.body.threadId!)).toMatchObject({ name: 'add', line });
  });

  it('ends a running debuggee on terminate: SIGTERM (exit 143) then terminated', async () => {
    await launch(client, { program: program('spin') });
    await client.configurationDoneRequest();
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    const terminated = client.waitForEvent('terminated');
    await client.terminateRequest({});
    expect((await exited).body.exitCode).toBe(128 + 15);
    await terminated;
  });

  it('kills the launched debuggee on disconnect', async () => {
    await launch(client, { program: program('spin') });
    await client.configurationDoneRequest();
    const pid = (await client.threadsRequest()).body.threads[0]!.id;
    expect(processAlive(pid)).toBe(true);
    await client.disconnectRequest({});
    await processGone(pid);
  });

  it('answers a launch of a missing program with an error', async () => {
    await client.initializeRequest();
    await expect(client.launchRequest({ program: '/no/such/program' } as DebugProtocol.LaunchRequestArguments))
      .rejects.toThrow(/does not exist/);
    await expect(client.launchRequest({ program: '/etc/passwd' } as DebugProtocol.LaunchRequestArguments))
      .rejects.toThrow(/not executable/);
  });
});
