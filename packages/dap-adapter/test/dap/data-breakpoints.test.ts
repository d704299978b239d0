// Data breakpoints (hardware watchpoints in the x86-64 debug registers), with gdb's `watch`,
// `rwatch` as the oracle for where the program stops: the instruction after the access. The
// fixtures are linked without PIE so that gdb's pc and ours are the same number.
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  byName, children, collect, finishSleeper, frames, launch, lineOf, processAlive, program, scopeVariables, source, startClient, startSleeper, stopClient,
  stoppedAfter, stdoutUntil,
} from './helpers.js';

const FLAGS = ['-g', '-O0', '-pthread', '-no-pie'];
const OPTIMIZED = ['-g', '-O2', '-pthread', '-no-pie'];

let client: DebugClient;
let sleeperPid: number | undefined;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
  if (sleeperPid !== undefined && processAlive(sleeperPid)) process.kill(sleeperPid, 'SIGKILL');
  sleeperPid = undefined;
});

/** gdb runs the program to `location`, sets `watch` and continues `hits` times; the pc (hex) and gdb's lines after each stop. */
function gdbWatchStops(executable: string, location: string, watch: string, hits: number, exact = true): { pc: string; text: string }[] {
  const args = ['-nx', '-batch', '-ex', 'set width 0', '-ex', `break ${location}`, '-ex', 'run', '-ex', 'delete 1', '-ex', watch];
  for (let hit = 0; hit < hits; hit++) args.push('-ex', 'continue', '-ex', 'print/x $pc');
  // Not exact: gdb's commands after the program ended fail ("No registers."), and it exits with 1.
  const run = spawnSync('gdb', [...args, executable], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (exact && run.status !== 0) throw new Error(`gdb failed (${run.status}):\n${run.stdout}${run.stderr}`);
  const output = run.stdout;
  const parts = output.split(/^\$\d+ = (0x[0-9a-f]+)$/m);
  const stops: { pc: string; text: string }[] = [];
  for (let index = 1; index < parts.length; index += 2) stops.push({ pc: parts[index]!, text: parts[index - 1]! });
  if (exact && stops.length !== hits) throw new Error(`gdb stopped ${stops.length} times, not ${hits}:\n${output}`);
  return stops;
}

async function launchWatchTo(text: string, flags = FLAGS): Promise<{ executable: string; threadId: number; frameId: number }> {
  const executable = program('watch', flags);
  await launch(client, { program: executable });
  await client.setBreakpointsRequest({ source: { path: source('watch.c') }, breakpoints: [{ line: lineOf('watch.c', text) }] });
  const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
  const threadId = stopped.body.threadId!;
  await client.setBreakpointsRequest({ source: { path: source('watch.c') }, breakpoints: [] });
  return { executable, threadId, frameId: (await frames(client, threadId))[0]!.id };
}

async function info(args: DebugProtocol.DataBreakpointInfoArguments): Promise<DebugProtocol.DataBreakpointInfoResponse['body']> {
  return (await client.customRequest('dataBreakpointInfo', args) as DebugProtocol.DataBreakpointInfoResponse).body;
}

async function setData(breakpoints: DebugProtocol.DataBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
  return (await client.customRequest('setDataBreakpoints', { breakpoints }) as DebugProtocol.SetDataBreakpointsResponse).body.breakpoints;
}

/** A variable of the Globals scope, watchable: its dataId. */
async function globalDataId(frameId: number, name: string): Promise<string> {
  const globals = await scopeVariables(client, frameId, 'Globals');
  const body = await info({ variablesReference: (await client.scopesRequest({ frameId })).body.scopes.find((scope) => scope.name === 'Globals')!.variablesReference, name });
  expect(byName(globals, name)).toBeDefined();
  expect(body.dataId, body.description).toEqual(expect.any(String));
  return body.dataId!;
}

async function continueToStop(threadId: number): Promise<{ stopped: DebugProtocol.StoppedEvent; pc: string; frame: DebugProtocol.StackFrame }> {
  const stopped = await stoppedAfter(client, () => client.continueRequest({ threadId }));
  const frame = (await frames(client, stopped.body.threadId!, 1))[0]!;
  return { stopped, pc: frame.instructionPointerReference!, frame };
}

/** A test that needs a watchpoint to fire: where the machine's debug registers take one but
 * never fire it, it is skipped with that reason, and the others still run (they arm, refuse and
 * answer). */
function itHits(name: string, test: (context: TestContext) => Promise<void>): void {
  it(name, async (context) => {
    const reason = missing.debugRegisterHits();
    if (reason !== undefined) context.skip(reason);
    await test(context);
  });
}

describe('data breakpoints', () => {
  skipEachWhen(missing.debugRegisters() ?? missing.tool('gdb'));

  it('announces the capability', async () => {
    const initialized = await client.initializeRequest({ adapterID: 'umview', clientID: 'test' });
    expect(initialized.body).toMatchObject({ supportsDataBreakpoints: true, supportsDataBreakpointBytes: true });
  });

  itHits('stops after a write to a global, with the old and new value, where gdb stops (a write through an alias too)', async () => {
    const { executable, threadId, frameId } = await launchWatchTo('counter = 2; /* first write */');
    const dataId = await globalDataId(frameId, 'counter');
    const answer = await info({ name: 'counter', frameId });
    expect(answer).toMatchObject({ dataId, accessTypes: ['write', 'read', 'readWrite'], canPersist: false });
    const [breakpoint] = await setData([{ dataId, accessType: 'write' }]);
    expect(breakpoint).toMatchObject({ verified: true });
    const gdb = gdbWatchStops(executable, 'watch.c:' + lineOf('watch.c', 'counter = 2; /* first write */'), 'watch counter', 2);
    const first = await continueToStop(threadId);
    expect(first.stopped.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [breakpoint!.id], allThreadsStopped: true });
    expect(first.stopped.body.description).toContain('Old value = 1\nNew value = 2');
    expect(gdb[0]!.text).toContain('Old value = 1\nNew value = 2');
    expect(first.pc).toBe(gdb[0]!.pc);
    expect(first.frame.line).toBe(lineOf('watch.c', 'origin.y = 5;'));
    // `*alias = 3` writes counter through a pointer: the same watchpoint fires.
    const second = await continueToStop(threadId);
    expect(second.stopped.body.description).toContain('Old value = 2\nNew value = 3');
    expect(second.pc).toBe(gdb[1]!.pc);
  });

  itHits('watches a struct member and an array element (from their parents\' children)', async () => {
    const { executable, threadId, frameId } = await launchWatchTo('counter = 2; /* first write */');
    const globals = await scopeVariables(client, frameId, 'Globals');
    const origin = await children(client, byName(globals, 'origin'));
    const values = await children(client, byName(globals, 'values'));
    expect(byName(origin, 'y')).toBeDefined();
    const member = await info({ variablesReference: byName(globals, 'origin').variablesReference, name: 'y' });
    const element = await info({ variablesReference: byName(globals, 'values').variablesReference, name: '[3]' });
    expect(values.length).toBe(8);
    const states = await setData([{ dataId: member.dataId! }, { dataId: element.dataId! }]);
    expect(states.map((state) => state.verified)).toEqual([true, true]);
    const gdb = gdbWatchStops(executable, 'watch.c:' + lineOf('watch.c', 'counter = 2; /* first write */'), 'watch origin.y', 1);
    const first = await continueToStop(threadId);
    expect(first.stopped.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [states[0]!.id] });
    expect(first.stopped.body.description).toContain('Old value = 2\nNew value = 5');
    expect(first.pc).toBe(gdb[0]!.pc);
    const second = await continueToStop(threadId);
    expect(second.stopped.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [states[1]!.id] });
    expect(second.stopped.body.description).toContain('Old value = 0\nNew value = 7');
  });

  itHits('stops a read watch at the read, as gdb\'s rwatch, and not at writes', async () => {
    // From before `*alias = 3`: that write fires the read-or-write register, and is no stop.
    const { executable, threadId, frameId } = await launchWatchTo('*alias = 3;');
    const dataId = (await info({ name: 'counter', frameId })).dataId!;
    const [breakpoint] = await setData([{ dataId, accessType: 'read' }]);
    expect(breakpoint).toMatchObject({ verified: true });
    const gdb = gdbWatchStops(executable, 'watch.c:' + lineOf('watch.c', '*alias = 3;'), 'rwatch counter', 1);
    const hit = await continueToStop(threadId);
    expect(hit.stopped.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [breakpoint!.id] });
    expect(hit.stopped.body.description).toContain('Value = 3');
    expect(gdb[0]!.text).toContain('Value = 3');
    expect(hit.pc).toBe(gdb[0]!.pc);
    expect(hit.frame.line).toBe(lineOf('watch.c', 'int seen = counter; /* read */'));
  });

  itHits('stops at a write made by a thread created after the watchpoint was set', async () => {
    const { executable, threadId, frameId } = await launchWatchTo('pthread_create(&thread, 0, writer, 0);');
    const dataId = (await info({ name: 'counter', frameId })).dataId!;
    const [breakpoint] = await setData([{ dataId }]);
    const gdb = gdbWatchStops(executable, 'watch.c:' + lineOf('watch.c', 'pthread_create(&thread, 0, writer, 0);'), 'watch counter', 1);
    const hit = await continueToStop(threadId);
    expect(hit.stopped.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [breakpoint!.id] });
    expect(hit.stopped.body.threadId).not.toBe(threadId);
    expect(hit.frame.name).toBe('writer');
    expect(hit.stopped.body.description).toContain('Old value = 3\nNew value = 42');
    expect(hit.pc).toBe(gdb[0]!.pc);
  });

  itHits('deletes a watchpoint on a local when its frame returns, saying so as gdb does', async () => {
    const { executable, threadId, frameId } = await launchWatchTo('int total = 0; /* local_watch begins */');
    const dataId = (await info({ name: 'total', frameId })).dataId!;
    expect(dataId).toContain('@'); // scoped to the frame
    // gdb's stops until the program ends (the last continues find no process).
    const gdb = gdbWatchStops(executable, 'watch.c:' + lineOf('watch.c', 'int total = 0; /* local_watch begins */'), 'watch total', 8, false);
    const gdbDeleted = gdb.find((stop) => stop.text.includes('deleted because the program has left the block'))!;
    const [breakpoint] = await setData([{ dataId }]);
    const changed = collect<DebugProtocol.BreakpointEvent>(client, 'breakpoint');
    const seen: string[] = [];
    let last;
    for (;;) {
      last = await continueToStop(threadId);
      expect(last.stopped.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [breakpoint!.id] });
      seen.push(last.stopped.body.description!);
      if (last.stopped.body.description!.includes('deleted')) break;
    }
    // `int total = 0` may store over garbage first (a stop only if the garbage was not 0).
    expect(seen.slice(0, -1).map((text) => /New value = (\d+)/.exec(text)?.[1]).slice(-3)).toEqual(['1', '3', '6']);
    expect(seen.at(-1)).toBe(`Watchpoint ${breakpoint!.id} deleted because the program has left the block in which its expression is valid.`);
    expect(last.frame.name).toBe('main');
    expect(last.pc).toBe(gdbDeleted.pc);
    expect(changed.map((event) => event.body.breakpoint)).toEqual([expect.objectContaining({ id: breakpoint!.id, verified: false })]);
    const output = stdoutUntil(client, /\n/);
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.continueRequest({ threadId });
    expect(await output).toBe('3 42 6 6\n');
    expect((await exited).body.exitCode).toBe(0);
  });

  it('covers an unaligned or long range with several registers, refuses what does not fit, and a fifth watchpoint', async () => {
    const { frameId } = await launchWatchTo('counter = 2; /* first write */');
    const address = BigInt((await client.evaluateRequest({ expression: '&buffer', frameId, context: 'watch' })).body.result.split(' ')[0]!);
    const range = async (offset: number, bytes: number) => info({ name: `0x${(address + BigInt(offset)).toString(16)}`, asAddress: true, bytes });
    const tooLong = await range(0, 40);
    expect(tooLong.dataId).toBeNull();
    expect(tooLong.description).toMatch(/need \d+ debug registers; x86-64 has 4/);
    const aligned16 = await range(0, 16); // 2 registers (buffer is 32-aligned)
    const unaligned = await range(17, 4); // 1 + 2 + 1 bytes: 3 registers
    const states = await setData([{ dataId: aligned16.dataId! }, { dataId: unaligned.dataId! }]);
    expect(states[0]).toMatchObject({ verified: true });
    expect(states[1]).toMatchObject({ verified: false, message: expect.stringMatching(/all 4 hardware debug registers are in use .*this one needs 3/) });
    const four = await Promise.all(['counter', 'ticks', 'origin.x', 'values[0]', 'values[1]'].map((name) => info({ name, frameId })));
    const five = await setData(four.map((answer) => ({ dataId: answer.dataId! })));
    expect(five.slice(0, 4).map((state) => state.verified)).toEqual([true, true, true, true]);
    expect(five[4]).toMatchObject({ verified: false, message: expect.stringContaining('all 4 hardware debug registers are in use') });
  });

  itHits('stops at a write into an unaligned range that takes three registers, where gdb stops', async () => {
    const { executable, threadId, frameId } = await launchWatchTo('counter = 2; /* first write */');
    const address = BigInt((await client.evaluateRequest({ expression: '&buffer', frameId, context: 'watch' })).body.result.split(' ')[0]!);
    // buffer + 17, 4 bytes: 1 + 2 + 1 bytes; `buffer[20] = 'x'` writes the last one.
    const range = await info({ name: `0x${(address + 17n).toString(16)}`, asAddress: true, bytes: 4 });
    const [watch] = await setData([{ dataId: range.dataId! }]);
    expect(watch).toMatchObject({ verified: true });
    const gdb = gdbWatchStops(executable, 'watch.c:' + lineOf('watch.c', 'counter = 2; /* first write */'), 'watch *(int *)((char *)buffer + 17)', 1);
    const hit = await continueToStop(threadId);
    expect(hit.stopped.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [watch!.id] });
    expect(gdb[0]!.text).toContain('Old value = 0\nNew value = 2013265920');
    expect(hit.stopped.body.description).toContain('Old value = 0\nNew value = 2013265920');
    expect(hit.pc).toBe(gdb[0]!.pc);
  });

  itHits('watches a whole 16-byte struct (two registers) and shows its values as gdb does', async () => {
    const { executable, threadId, frameId } = await launchWatchTo('counter = 2; /* first write */');
    const whole = await info({ name: 'origin', frameId });
    expect(whole.description).toContain('16 bytes');
    const [watch] = await setData([{ dataId: whole.dataId! }]);
    const gdb = gdbWatchStops(executable, 'watch.c:' + lineOf('watch.c', 'counter = 2; /* first write */'), 'watch origin', 1);
    const hit = await continueToStop(threadId);
    expect(hit.stopped.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [watch!.id] });
    const values = /Old value = .*\nNew value = .*/.exec(gdb[0]!.text)![0];
    expect(values).toBe('Old value = {x = 1, y = 2, z = 3}\nNew value = {x = 1, y = 5, z = 3}');
    expect(hit.stopped.body.description).toContain(values);
    expect(hit.pc).toBe(gdb[0]!.pc);
  });

  itHits('stops on a watched global in -O2 code where gdb stops', async () => {
    const { executable, threadId, frameId } = await launchWatchTo('tick(3);', OPTIMIZED);
    const dataId = (await info({ name: 'ticks', frameId })).dataId!;
    const [breakpoint] = await setData([{ dataId }]);
    const gdb = gdbWatchStops(executable, 'watch.c:' + lineOf('watch.c', 'tick(3);'), 'watch ticks', 3);
    for (const [index, expected] of gdb.entries()) {
      const hit = await continueToStop(threadId);
      expect(hit.stopped.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [breakpoint!.id] });
      expect(hit.pc, `hit ${index + 1}`).toBe(expected.pc);
      expect(hit.stopped.body.description).toContain(`New value = ${[1, 3, 6][index]}`);
    }
  });

  itHits('reports a write made while stepping: over our breakpoint on the writing line, and in a `next`', async () => {
    const line = lineOf('watch.c', 'counter = 2; /* first write */');
    await launch(client, { program: program('watch', FLAGS) });
    await client.setBreakpointsRequest({ source: { path: source('watch.c') }, breakpoints: [{ line }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    const threadId = stopped.body.threadId!;
    const frameId = (await frames(client, threadId))[0]!.id;
    const [breakpoint] = await setData([{ dataId: (await info({ name: 'counter', frameId })).dataId! }]);
    // The breakpoint stays: the thread is single-stepped over it, and that step makes the write.
    const hit = await continueToStop(threadId);
    expect(hit.stopped.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [breakpoint!.id] });
    expect(hit.stopped.body.description).toContain('Old value = 1\nNew value = 2');
    expect(hit.frame.line).toBe(lineOf('watch.c', 'origin.y = 5;'));
    // `next` over `origin.y = 5; values[3] = 7;` to `*alias = 3`, then over that write: the step ends at the watchpoint.
    for (let step = 0; step < 2; step++) await stoppedAfter(client, () => client.nextRequest({ threadId }));
    expect((await frames(client, threadId, 1))[0]!.line).toBe(lineOf('watch.c', '*alias = 3;'));
    const during = await stoppedAfter(client, () => client.nextRequest({ threadId }));
    expect(during.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [breakpoint!.id] });
    expect(during.body.description).toContain('Old value = 2\nNew value = 3');
  });

  itHits('sets a data breakpoint while the program runs (stopped for the moment it takes), and removes it', async () => {
    await launch(client, { program: program('spin', FLAGS) });
    await client.setBreakpointsRequest({ source: { path: source('spin.c') }, breakpoints: [{ line: lineOf('spin.c', 'counter++;') }] });
    let stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    await client.setBreakpointsRequest({ source: { path: source('spin.c') }, breakpoints: [] });
    const threadId = stopped.body.threadId!;
    const main = (await frames(client, threadId))[0]!;
    const dataId = (await info({ name: 'counter', frameId: main.id })).dataId!;
    await client.continueRequest({ threadId });
    stopped = await stoppedAfter(client, async () => {
      const [breakpoint] = await setData([{ dataId }]);
      expect(breakpoint).toMatchObject({ verified: true });
    });
    expect(stopped.body).toMatchObject({ reason: 'data breakpoint' });
    expect(stopped.body.description).toMatch(/Old value = (\d+)\nNew value = (\d+)/);
    const [, before, after] = /Old value = (\d+)\nNew value = (\d+)/.exec(stopped.body.description!)!;
    expect(BigInt(after!)).toBe(BigInt(before!) + 1n);
    // Removed, the write at every turn stops nothing: only the pause stops it, and no SIGTRAP reaches the program.
    expect(await setData([])).toEqual([]);
    await client.continueRequest({ threadId });
    const paused = await stoppedAfter(client, () => client.pauseRequest({ threadId: 0 }));
    expect(paused.body.reason).toBe('pause');
  });

  itHits('takes its debug registers out of every thread when it detaches (an armed one would kill the process)', async (context) => {
    const reason = missing.attach();
    if (reason !== undefined) context.skip(reason);
    const sleeper = await startSleeper();
    sleeperPid = sleeper.pid;
    const initialized = client.waitForEvent('initialized');
    await client.initializeRequest();
    await client.attachRequest({ pid: sleeper.pid } as never);
    await initialized;
    await client.setBreakpointsRequest({ source: { path: source('sleeper.c') }, breakpoints: [{ line: lineOf('sleeper.c', 'ticks = i;') }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    await client.setBreakpointsRequest({ source: { path: source('sleeper.c') }, breakpoints: [] });
    const top = (await frames(client, stopped.body.threadId!))[0]!;
    const [watch] = await setData([{ dataId: (await info({ name: 'ticks', frameId: top.id })).dataId! }]);
    expect(watch).toMatchObject({ verified: true });
    const hit = await continueToStop(stopped.body.threadId!);
    expect(hit.stopped.body).toMatchObject({ reason: 'data breakpoint' });
    await client.disconnectRequest({});
    expect(await finishSleeper(sleeper)).toMatch(/^finished \d+\n$/);
  });

  itHits('reports every write of a thread while another keeps stopping everything (no hit lost, in order)', async () => {
    await launch(client, { program: program('watch-race', FLAGS) });
    await client.setBreakpointsRequest({ source: { path: source('watch-race.c') }, breakpoints: [{ line: lineOf('watch-race.c', '/* start */') }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    const threadId = stopped.body.threadId!;
    const frameId = (await frames(client, threadId))[0]!.id;
    // Never true: each hit stops every thread and lets them all go again.
    await client.setBreakpointsRequest({ source: { path: source('watch-race.c') }, breakpoints: [{ line: lineOf('watch-race.c', '/* busy */'), condition: '0' }] });
    const [watch] = await setData([{ dataId: (await info({ name: 'shared', frameId })).dataId! }]);
    const seen: string[] = [];
    for (let value = 1; value <= 50; value++) {
      const hit = await continueToStop(threadId);
      expect(hit.stopped.body).toMatchObject({ reason: 'data breakpoint', hitBreakpointIds: [watch!.id] });
      seen.push(/Old value = (\d+)\nNew value = (\d+)/.exec(hit.stopped.body.description!)!.slice(1).join('->'));
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, index) => `${index}->${index + 1}`));
  });

  it('drops its data breakpoints at an exec, saying so, and the new image runs untroubled', async () => {
    await launch(client, { program: program('execs', FLAGS) });
    await client.setBreakpointsRequest({ source: { path: source('execs.c') }, breakpoints: [{ line: lineOf('execs.c', 'execl(') }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    await client.setBreakpointsRequest({ source: { path: source('execs.c') }, breakpoints: [] });
    const frameId = (await frames(client, stopped.body.threadId!))[0]!.id;
    const [watch] = await setData([{ dataId: (await info({ name: 'argc', frameId })).dataId!, accessType: 'readWrite' }]);
    expect(watch).toMatchObject({ verified: true });
    const changed = collect<DebugProtocol.BreakpointEvent>(client, 'breakpoint');
    const output = stdoutUntil(client, /after exec 42\n/);
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.continueRequest({ threadId: stopped.body.threadId! });
    await output;
    expect((await exited).body.exitCode).toBe(0);
    expect(changed.map((event) => event.body.breakpoint)).toContainEqual(expect.objectContaining({
      id: watch!.id, verified: false, message: 'deleted: the program called exec',
    }));
  });

  itHits('honours a condition and a hit condition', async () => {
    const { threadId, frameId } = await launchWatchTo('int total = 0; /* local_watch begins */');
    const dataId = (await info({ name: 'total', frameId })).dataId!;
    const [breakpoint] = await setData([{ dataId, condition: 'total > 1', hitCondition: '2' }]);
    expect(breakpoint).toMatchObject({ verified: true });
    const hit = await continueToStop(threadId);
    expect(hit.stopped.body.description).toContain('Old value = 3\nNew value = 6');
  });

  itHits('refuses bad input with a message and keeps going', async () => {
    const { threadId, frameId } = await launchWatchTo('counter = 2; /* first write */');
    const dataId = (await info({ name: 'counter', frameId })).dataId!;
    expect((await info({ name: 'nosuch', frameId })).description).toMatch(/No symbol "nosuch" in current context/);
    const states = await setData([
      { dataId: 'not an id' }, { dataId, accessType: 'execute' as never }, { dataId, hitCondition: 'often' }, { dataId, condition: 'nosuch > 1' },
    ]);
    expect(states.slice(0, 3).map((state) => state.verified)).toEqual([false, false, false]);
    expect(states[0]!.message).toMatch(/is not a data breakpoint id of this session/);
    expect(states[1]!.message).toMatch(/unknown access type "execute"/);
    expect(states[2]!.message).toMatch(/invalid hit condition "often"/);
    // A condition that cannot be evaluated stops, saying why (as a breakpoint's does).
    expect(states[3]).toMatchObject({ verified: true });
    const hit = await continueToStop(threadId);
    expect(hit.stopped.body.description).toMatch(/Breakpoint condition "nosuch > 1" could not be evaluated: No symbol "nosuch" in current context/);
    await expect(client.customRequest('setDataBreakpoints', { breakpoints: [{ accessType: 'write' }] })).rejects.toThrow(/must be an array of \{ dataId \}/);
    await expect(client.customRequest('dataBreakpointInfo', { name: 'counter', bytes: -1, asAddress: true })).rejects.toThrow(/"bytes" must be a positive integer/);
  });

  it('answers without a dataId for what is not in memory', async () => {
    const { frameId } = await launchWatchTo('counter = 2; /* first write */');
    const answer = await info({ name: 'counter + 1', frameId });
    expect(answer.dataId).toBeNull();
    expect(answer.description).toMatch(/only a value in memory can be watched/);
  });
});
