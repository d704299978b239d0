// restart (relaunch with the same or new arguments, the breakpoints kept), terminate (a request
// to end: SIGTERM, which the program may handle, or veto) and disconnect's terminateDebuggee
// (kill or detach, whatever the debuggee's origin), as the DAP specification describes them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { tempDir } from '@umview/test-fixtures';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import {
  collect, finishSleeper, launch, lineOf, processAlive, processGone, program, source, startSleeper, stopClient, stoppedAfter, tracerOf,
} from './helpers.js';
import { TerminalClient, terminalMissing } from './terminal-client.js';

let client: TerminalClient;
beforeEach(async () => {
  client = new TerminalClient();
  await client.start();
});
afterEach(async () => {
  await stopClient(client);
  client.closeTerminals();
});

async function evaluate(expression: string, threadId: number): Promise<string> {
  const frameId = (await client.stackTraceRequest({ threadId, levels: 1 })).body.stackFrames[0]!.id;
  return (await client.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
}

describe('restart', () => {
  it('relaunches with the new arguments; the breakpoints stay and are hit again', async () => {
    const cwd = tempDir('umview-dap-restart-');
    writeFileSync(join(cwd, 'in.txt'), 'Barbara\n');
    const config = { program: program('ask'), cwd, stdio: ['in.txt'], args: ['first'] };
    const processes = collect<DebugProtocol.ProcessEvent>(client, 'process');
    await launch(client, config);
    const line = lineOf('ask.c', '/* after the read */');
    await client.setBreakpointsRequest({ source: { path: source('ask.c') }, breakpoints: [{ line }] });
    const first = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(await evaluate('argv[1]', first.body.threadId!)).toMatch(/"first"$/);
    const oldPid = processes[0]!.body.systemProcessId!;

    const terminated = collect(client, 'terminated');
    const second = await stoppedAfter(client, () => client.restartRequest({ arguments: { ...config, args: ['second'] } } as DebugProtocol.RestartArguments));
    expect(second.body.reason).toBe('breakpoint');
    expect(processes).toHaveLength(2);
    const newPid = processes[1]!.body.systemProcessId!;
    expect(newPid).not.toBe(oldPid);
    await processGone(oldPid);
    expect(await evaluate('argv[1]', second.body.threadId!)).toMatch(/"second"$/);
    expect(await evaluate('name[0]', second.body.threadId!)).toBe("66 'B'");

    // Without arguments: the last configuration again.
    const third = await stoppedAfter(client, () => client.restartRequest({}));
    expect(await evaluate('argv[1]', third.body.threadId!)).toMatch(/"second"$/);
    expect(terminated).toHaveLength(0); // the session went on through both restarts
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.continueRequest({ threadId: third.body.threadId! });
    expect((await exited).body.exitCode).toBe(0);
  });

  it('refuses a configuration that cannot start and keeps the running debuggee', async () => {
    await launch(client, { program: program('ask'), stopOnEntry: true });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    await expect(client.restartRequest({ arguments: { program: '/nonexistent/program' } } as DebugProtocol.RestartArguments)).rejects.toThrow('program "/nonexistent/program" does not exist');
    expect((await client.threadsRequest()).body.threads.map((thread) => thread.id)).toEqual([stopped.body.threadId]);
  });

  it('re-attaches an attached process', async () => {
    const sleeper = await startSleeper();
    try {
      const initialized = client.waitForEvent('initialized');
      await client.initializeRequest();
      await client.attachRequest({ pid: sleeper.pid } as never);
      await initialized;
      await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'tick' }] });
      const hit = await stoppedAfter(client, () => client.configurationDoneRequest());
      expect(hit.body.reason).toBe('function breakpoint');
      const again = await stoppedAfter(client, () => client.restartRequest({}));
      expect(again.body).toMatchObject({ reason: 'function breakpoint', threadId: sleeper.pid });
      expect(tracerOf(sleeper.pid)).not.toBe(0);
      await client.disconnectRequest({});
      expect(await finishSleeper(sleeper)).toMatch(/^finished \d+\n$/);
    } finally {
      if (processAlive(sleeper.pid)) process.kill(sleeper.pid, 'SIGKILL');
    }
  });
});

describe('terminate and disconnect', () => {
  skipEachWhen(terminalMissing());

  async function askInTerminal(args: Record<string, unknown> = {}): Promise<number> {
    const processEvent = client.waitForEvent('process') as Promise<DebugProtocol.ProcessEvent>;
    const initialized = client.waitForEvent('initialized');
    await client.initializeWithTerminal();
    await client.launchRequest({ program: program('ask'), console: 'integratedTerminal', ...args } as never);
    await initialized;
    return (await processEvent).body.systemProcessId!;
  }

  it('terminate sends SIGTERM, which the program handles: it says so and exits with its own status', async () => {
    await askInTerminal();
    const stops = collect(client, 'stopped');
    await client.configurationDoneRequest();
    await client.terminal.shows(/name\? /);
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.terminateRequest({});
    expect((await exited).body.exitCode).toBe(7);
    await client.terminal.shows(/got SIGTERM/);
    expect(stops).toHaveLength(0); // the debugger's own SIGTERM is no exception stop
  });

  it('terminate of a stopped program lets it run to take the signal; a program that survives it goes on', async () => {
    await askInTerminal();
    // Stopped after the handler is installed and before the read: the handler runs at once,
    // and the read that follows waits as usual (the program vetoes the end).
    const line = lineOf('ask.c', 'const char *greeting');
    await client.setBreakpointsRequest({ source: { path: source('ask.c') }, breakpoints: [{ line }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    const continued = client.waitForEvent('continued') as Promise<DebugProtocol.ContinuedEvent>;
    await client.terminateRequest({});
    expect((await continued).body.threadId).toBe(stopped.body.threadId);
    await client.terminal.shows(/name\? /);
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    client.terminal.type('Edsger\r');
    expect((await exited).body.exitCode).toBe(0);
    await client.terminal.shows(/hello Edsger/);
  });

  it('disconnect with terminateDebuggee false lets a launched program go on in its terminal', async () => {
    const pid = await askInTerminal();
    await client.configurationDoneRequest();
    await client.terminal.shows(/name\? /);
    await client.disconnectRequest({ terminateDebuggee: false });
    expect(tracerOf(pid)).toBe(0);
    expect(processAlive(pid)).toBe(true);
    client.terminal.type('Barbara\r');
    await client.terminal.shows(/hello Barbara/);
    expect(await client.terminal.exited).toBe(0);
  });

  it('disconnect kills a program launched in a terminal by default', async () => {
    const pid = await askInTerminal();
    await client.configurationDoneRequest();
    await client.terminal.shows(/name\? /);
    await client.disconnectRequest({});
    await processGone(pid);
    expect(await client.terminal.exited).toBe(128 + 9);
  });
});

describe('disconnect from an attached process', () => {
  it('kills it with terminateDebuggee true', async () => {
    const sleeper = await startSleeper();
    try {
      await client.initializeRequest();
      await client.attachRequest({ pid: sleeper.pid } as never);
      await client.configurationDoneRequest();
      await client.disconnectRequest({ terminateDebuggee: true });
      await processGone(sleeper.pid);
    } finally {
      if (processAlive(sleeper.pid)) process.kill(sleeper.pid, 'SIGKILL');
    }
  });
});
