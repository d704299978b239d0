// followFork: a process the debuggee forks becomes a debug session of its own, started with
// DAP's startDebugging and served by the same adapter (whose tracer thread holds the child).
// The test client answers startDebugging as VS Code does: it connects to the child's socket,
// attaches, sets the breakpoints and says configurationDone; the child has not run a line before.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '@umview/test-fixtures';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ForkClient, type StartDebuggingConfiguration } from './fork-client.js';
import {
  byName, collect, frames, launch, lineOf, processAlive, processGone, program, scopeVariables, source, stopClient, stoppedAfter, stdoutUntil, until,
} from './helpers.js';

const forks = source('fork-children.c');
const childLine = lineOf('fork-children.c', '/* child only */');
const parentLine = lineOf('fork-children.c', '/* parent after wait */');
const target = source('exec-target.c');
const targetLine = lineOf('exec-target.c', '/* in the exec\'d program */');
const nested = source('fork-nested.c');
const grandchildLine = lineOf('fork-nested.c', '/* grandchild only */');
const daemon = source('fork-daemon.c');
const daemonLine = lineOf('fork-daemon.c', '/* daemon only */');
const later = source('fork-later.c');
const laterChildLine = lineOf('fork-later.c', '/* child of the attached */');

let parent: ForkClient;
const children: ForkClient[] = [];

beforeEach(async () => {
  parent = new ForkClient();
  await parent.start();
});

afterEach(async () => {
  for (const child of children.splice(0)) await child.end();
  await stopClient(parent);
});

/** Starts the session of the next child the parent's session announces, with `breakpoints`. */
async function nextChild(breakpoints: Record<string, number[]>): Promise<{ child: ForkClient; configuration: StartDebuggingConfiguration }> {
  const configuration = await parent.nextStartDebugging();
  const child = await ForkClient.attachChild(configuration, breakpoints);
  children.push(child);
  return { child, configuration };
}

/** Lines the debug console showed, as they come. */
function consoleText(client: ForkClient): { text: string } {
  const seen = { text: '' };
  client.on('output', (event: DebugProtocol.OutputEvent) => {
    if (event.body.category === 'console') seen.text += event.body.output;
  });
  return seen;
}

describe('followFork', () => {
  it('"both": each child is a session of its own that stops at a breakpoint only it runs, with its own threads, stack and variables', async () => {
    const parentStops = collect<DebugProtocol.StoppedEvent>(parent, 'stopped');
    await launch(parent, { program: program('fork-children'), args: ['3'], followFork: 'both' });
    await parent.setBreakpointsRequest({ source: { path: forks }, breakpoints: [{ line: childLine }] });
    const parentExited = parent.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await parent.configurationDoneRequest();
    const stopping = Promise.all([0, 1].map(async () => {
      const { child, configuration } = await nextChild({ [forks]: [childLine] });
      expect(configuration).toMatchObject({ type: 'umview', request: 'attach', followFork: 'both' });
      expect(configuration.name).toMatch(new RegExp(`fork-children.* \\(pid ${configuration.pid}\\)$`));
      const stopped = await stoppedAfter(child, () => child.configurationDoneRequest());
      expect(stopped.body).toMatchObject({ reason: 'breakpoint', threadId: configuration.pid });
      expect((await child.threadsRequest()).body.threads.map((thread) => thread.id)).toEqual([configuration.pid]);
      const stack = await frames(child, configuration.pid);
      expect(stack[0]).toMatchObject({ name: 'child_work', line: childLine });
      expect(stack[1]).toMatchObject({ name: 'main' });
      const index = Number(byName(await scopeVariables(child, stack[0]!.id, 'Arguments'), 'index').value);
      const exited = child.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
      await child.continueRequest({ threadId: configuration.pid });
      expect((await exited).body.exitCode).toBe(index * 2);
      return index * 2;
    }));
    // The third child's session sets no breakpoint: the parent's int3 in child_work was taken
    // out of its copy of memory, so it runs through (a SIGTRAP would kill it: 133).
    const running = (async () => {
      const { child } = await nextChild({});
      const stops = collect<DebugProtocol.StoppedEvent>(child, 'stopped');
      const exited = child.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
      await child.configurationDoneRequest();
      const code = (await exited).body.exitCode;
      expect(stops).toHaveLength(0);
      return code;
    })();
    const codes = [...await stopping, await running];
    expect(codes.sort()).toEqual([2, 4, 6]);
    expect((await parentExited).body.exitCode).toBe(0);
    expect(parentStops).toHaveLength(0); // the parent never runs child_work
  });

  it('"child": the child is debugged, the parent is let go with its breakpoints out, and its session ends with the child\'s', async () => {
    const parentStops = collect<DebugProtocol.StoppedEvent>(parent, 'stopped');
    const shown = consoleText(parent);
    const processEvent = parent.waitForEvent('process');
    await launch(parent, { program: program('fork-children'), args: ['1'], followFork: 'child' });
    const parentPid = (await processEvent).body.systemProcessId as number;
    await parent.setBreakpointsRequest({ source: { path: forks }, breakpoints: [{ line: childLine }, { line: parentLine }] });
    const parentTerminated = parent.waitForEvent('terminated');
    await parent.configurationDoneRequest();
    const { child, configuration } = await nextChild({ [forks]: [childLine, parentLine] });
    const stopped = await stoppedAfter(child, () => child.configurationDoneRequest());
    expect((await frames(child, stopped.body.threadId!))[0]).toMatchObject({ name: 'child_work', line: childLine });
    const exited = child.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await child.continueRequest({ threadId: configuration.pid });
    expect((await exited).body.exitCode).toBe(2);
    await child.disconnectRequest();
    await parentTerminated;
    // The parent ran on by itself through its breakpoint line, untraced, and ended.
    await processGone(parentPid);
    expect(parentStops).toHaveLength(0);
    expect(shown.text).toContain(`detached from the parent process ${parentPid}`);
  });

  it('"both" follows a child\'s child too: its session is started by the child\'s', async () => {
    await launch(parent, { program: program('fork-nested'), followFork: 'both' });
    const parentExited = parent.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await parent.configurationDoneRequest();
    const { child } = await nextChild({});
    await expect(child.restartRequest({})).rejects.toThrow('a forked child cannot be started again: restart its parent\'s session');
    await child.configurationDoneRequest();
    // The grandchild's startDebugging comes on the child's connection.
    const configuration = await child.nextStartDebugging();
    expect(configuration.followFork).toBe('both');
    const grandchild = await ForkClient.attachChild(configuration, { [nested]: [grandchildLine] });
    children.push(grandchild);
    const stopped = await stoppedAfter(grandchild, () => grandchild.configurationDoneRequest());
    expect((await frames(grandchild, stopped.body.threadId!))[0]).toMatchObject({ name: 'grandchild_work', line: grandchildLine });
    const childExited = child.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await grandchild.continueRequest({ threadId: configuration.pid });
    expect((await childExited).body.exitCode).toBe(10);
    expect((await parentExited).body.exitCode).toBe(10);
  });

  it('a parent that exits before its child: its session stays (exited, not terminated) until the child\'s ends', async () => {
    const terminations = collect(parent, 'terminated');
    await launch(parent, { program: program('fork-daemon'), followFork: 'both' });
    const parentExited = parent.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await parent.configurationDoneRequest();
    const { child, configuration } = await nextChild({ [daemon]: [daemonLine] });
    const stopped = await stoppedAfter(child, () => child.configurationDoneRequest());
    expect((await frames(child, stopped.body.threadId!))[0]).toMatchObject({ name: 'daemon_work', line: daemonLine });
    expect((await parentExited).body.exitCode).toBe(0);
    // The parent is gone; the child, held at its breakpoint, is still debugged.
    expect((await child.threadsRequest()).body.threads.map((thread) => thread.id)).toEqual([configuration.pid]);
    expect(terminations).toHaveLength(0);
    const parentTerminated = parent.waitForEvent('terminated');
    const childExited = child.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await child.continueRequest({ threadId: configuration.pid });
    expect((await childExited).body.exitCode).toBe(5);
    await child.disconnectRequest();
    await parentTerminated;
  });

  for (const how of ['fork', 'vfork'] as const) {
    it(`follows the exec of a ${how} child: its breakpoint in the new program is hit`, async () => {
      await launch(parent, { program: program('fork-exec'), args: [how, program('exec-target')], followFork: 'both' });
      const parentExited = parent.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
      await parent.configurationDoneRequest();
      const { child, configuration } = await nextChild({ [target]: [targetLine] });
      const stopped = await stoppedAfter(child, () => child.configurationDoneRequest());
      const stack = await frames(child, stopped.body.threadId!);
      expect(stack[0]).toMatchObject({ name: 'target_work', line: targetLine });
      expect(stack[0]!.source?.path).toBe(target);
      const exited = child.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
      await child.continueRequest({ threadId: configuration.pid });
      expect((await exited).body.exitCode).toBe(42);
      expect((await parentExited).body.exitCode).toBe(42);
    });
  }

  it('a vfork child that exits without exec gets no session, and its parent is not held', async () => {
    await launch(parent, { program: program('fork-exec'), args: ['vfork', '/nonexistent/program'], followFork: 'both' });
    const exited = parent.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await parent.configurationDoneRequest();
    expect((await exited).body.exitCode).toBe(127); // the child's _exit(127) after the failed exec
    expect(parent.unansweredStartRequests).toBe(0);
  });

  it('refuses a followFork it does not know, before starting anything', async () => {
    await parent.initializeRequest();
    await expect(parent.launchRequest({ program: program('fork-children'), followFork: 'sideways' } as DebugProtocol.LaunchRequestArguments))
      .rejects.toThrow('"followFork" must be "parent", "child" or "both", not "sideways"');
  });

  it('a client without startDebugging is told why, and the children run free', async () => {
    parent.startsSessions = false;
    const shown = consoleText(parent);
    const parentStops = collect<DebugProtocol.StoppedEvent>(parent, 'stopped');
    await launch(parent, { program: program('fork-children'), args: ['2'], followFork: 'both' });
    await parent.setBreakpointsRequest({ source: { path: forks }, breakpoints: [{ line: childLine }] });
    const output = stdoutUntil(parent, /parent done 6\n/);
    const exited = parent.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await parent.configurationDoneRequest();
    expect((await exited).body.exitCode).toBe(0);
    await output; // both children ran through the breakpoint line and exited with 2 and 4
    expect(shown.text).toContain('"followFork": "both" needs a client that starts debug sessions (startDebugging)');
    expect(parentStops).toHaveLength(0);
    expect(parent.unansweredStartRequests).toBe(0);
  });

  it('a child whose session the client refuses runs free, and the console says so', async () => {
    parent.refusesSessions = true;
    const shown = consoleText(parent);
    await launch(parent, { program: program('fork-children'), args: ['1'], followFork: 'both' });
    await parent.setBreakpointsRequest({ source: { path: forks }, breakpoints: [{ line: childLine }] });
    const output = stdoutUntil(parent, /parent done 2\n/);
    const exited = parent.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await parent.configurationDoneRequest();
    expect((await exited).body.exitCode).toBe(0);
    await output;
    expect(shown.text).toMatch(/the client did not start a session for child process \d+ \(the test client does not do startDebugging\); it runs on, not debugged/);
  });

  it('the parent\'s disconnect ends the child\'s session and leaves no process behind', async () => {
    const processEvent = parent.waitForEvent('process');
    await launch(parent, { program: program('fork-children'), args: ['1'], followFork: 'both' });
    const parentPid = (await processEvent).body.systemProcessId as number;
    await parent.configurationDoneRequest();
    const { child, configuration } = await nextChild({ [forks]: [childLine] });
    await stoppedAfter(child, () => child.configurationDoneRequest());
    const childTerminated = child.waitForEvent('terminated');
    await parent.disconnectRequest();
    await childTerminated;
    // Killed and reaped before the disconnect was answered (a launched tree ends with it).
    expect(processAlive(configuration.pid)).toBe(false);
    expect(processAlive(parentPid)).toBe(false);
  });

  it('a child still waiting for its session when the parent disconnects is killed with it', async () => {
    const processEvent = parent.waitForEvent('process');
    await launch(parent, { program: program('fork-children'), args: ['1'], followFork: 'both' });
    const parentPid = (await processEvent).body.systemProcessId as number;
    await parent.configurationDoneRequest();
    const configuration = await parent.nextStartDebugging(false); // never answered, never connected
    expect(processAlive(configuration.pid)).toBe(true); // held stopped for its session
    await parent.disconnectRequest();
    await processGone(configuration.pid);
    expect(processAlive(parentPid)).toBe(false);
    expect(existsSync(configuration.umviewChildSession.socket)).toBe(false);
  });

  it('an attached parent\'s disconnect detaches its children too: every process finishes normally', async () => {
    const result = join(tempDir('umview-dap-fork-later-'), 'result.txt');
    // Started through sh, so that it is not a child of this process (as a process one attaches to).
    const pid = Number(execFileSync('sh', ['-c', '"$0" "$1" >/dev/null 2>&1 & echo $!', program('fork-later'), result], { encoding: 'utf8' }).trim());
    await until(`fork-later ${pid} ready`, () => existsSync(`${result}.ready`));
    await parent.initializeRequest();
    const initialized = parent.waitForEvent('initialized');
    await parent.attachRequest({ pid, followFork: 'both' } as DebugProtocol.AttachRequestArguments);
    await initialized;
    await parent.setBreakpointsRequest({ source: { path: later }, breakpoints: [{ line: laterChildLine }] });
    await parent.configurationDoneRequest();
    process.kill(pid, 'SIGUSR1'); // now it forks
    const { child, configuration } = await nextChild({ [later]: [laterChildLine] });
    const stopped = await stoppedAfter(child, () => child.configurationDoneRequest());
    expect((await frames(child, stopped.body.threadId!))[0]).toMatchObject({ name: 'child_work', line: laterChildLine });
    const childTerminated = child.waitForEvent('terminated');
    await parent.disconnectRequest();
    await childTerminated;
    // Neither is left stopped: the child returns from its breakpoint (no int3 left to kill it),
    // the parent sees its normal exit.
    await processGone(pid);
    await processGone(configuration.pid);
    expect(readFileSync(result, 'utf8')).toBe('child exit 15\n');
  });
});
