// console: integratedTerminal and externalTerminal. The client runs the launcher in a real
// pseudo-terminal (as VS Code does in its terminal); the program, seized before its exec, has
// the terminal as its tty, reads what is typed there, stops at breakpoints, and is not the
// adapter's child. Failures of every step end the launch with an error, never a hang.
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { tempDir } from '@umview/test-fixtures';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { lineOf, program, source, startClient, stopClient, stoppedAfter, topFrame } from './helpers.js';
import { PseudoTerminal, shellQuote, TerminalClient, terminalMissing } from './terminal-client.js';

let client: TerminalClient;
beforeEach(async () => {
  client = new TerminalClient();
  await client.start();
});
afterEach(async () => {
  await stopClient(client);
  client.closeTerminals();
});

/** The parent pid of a process, from /proc. */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function adapterPid(): number {
  return (client as unknown as { _adapterProcess: { pid: number } })._adapterProcess.pid;
}

async function launchInTerminal(args: Record<string, unknown>): Promise<DebugProtocol.ProcessEvent> {
  const initialized = client.waitForEvent('initialized');
  const processEvent = client.waitForEvent('process') as Promise<DebugProtocol.ProcessEvent>;
  await client.initializeWithTerminal();
  await client.launchRequest(args as DebugProtocol.LaunchRequestArguments);
  await initialized;
  return processEvent;
}

describe('console: integratedTerminal', () => {
  skipEachWhen(terminalMissing());

  it('runs the program in the terminal: a tty, input typed there, breakpoints, env and args', async () => {
    const cwd = tempDir('umview-dap-terminal-');
    const started = await launchInTerminal({
      program: program('ask'), args: ['two words'], cwd, console: 'integratedTerminal', env: { UMVIEW_GREETING: "it's me" },
    });
    const request = client.requests[0]!.arguments;
    expect(request).toMatchObject({ kind: 'integrated', cwd });
    expect(request.args[0]).toBe(process.execPath);
    // The debuggee is the terminal's process, not the adapter's child.
    const pid = started.body.systemProcessId!;
    expect(parentOf(pid)).not.toBe(adapterPid());
    const line = lineOf('ask.c', '/* after the read */');
    await client.setBreakpointsRequest({ source: { path: source('ask.c') }, breakpoints: [{ line }] });
    await client.configurationDoneRequest();
    const terminal = client.terminal;
    await terminal.shows(/name\? /);
    const stopped = client.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    terminal.type('Ada Lovelace\r');
    const threadId = (await stopped).body.threadId!;
    expect(await topFrame(client, threadId)).toMatchObject({ name: 'main', line });
    const frameId = (await client.stackTraceRequest({ threadId, levels: 1 })).body.stackFrames[0]!.id;
    expect((await client.evaluateRequest({ expression: 'name', frameId, context: 'watch' })).body.result).toContain('Ada Lovelace');
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.continueRequest({ threadId });
    expect((await exited).body.exitCode).toBe(0);
    const shown = await terminal.shows(/hello Ada Lovelace/);
    expect(shown).toContain('tty 1 1 1 sigpipe default');
    expect(shown).toContain(`arg [two words] greeting [it's me] electron [unset]`);
    expect(shown).toContain('to stderr');
    // No output event carries the program's output: it went to the terminal.
  });

  it('runs in an interactive shell as VS Code types the command into its terminal: the program stays the foreground job', async (context) => {
    const reason = missing.tool('bash');
    if (reason !== undefined) context.skip(reason);
    // Job control is on: a launcher that stopped itself would be reported "Stopped" by bash,
    // which would take the terminal back; the program would then not get its input.
    client.answer = (request) => {
      const terminal = new PseudoTerminal(['bash', '--norc', '--noprofile', '-i'], request.arguments.cwd, { ...request.arguments.env, PS1: '$ ' });
      client.terminals.push(terminal);
      terminal.type(`${request.arguments.args.map(shellQuote).join(' ')}\r`);
      return { shellProcessId: terminal.pid };
    };
    await launchInTerminal({ program: program('ask'), console: 'integratedTerminal' });
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.configurationDoneRequest();
    await client.terminal.shows(/name\? /);
    client.terminal.type('Grace\r');
    expect((await exited).body.exitCode).toBe(0);
    const shown = await client.terminal.shows(/hello Grace/);
    expect(shown).not.toMatch(/Stopped/);
    expect(shown).toContain('tty 1 1 1 sigpipe default');
  });

  it('passes ELECTRON_RUN_AS_NODE to the launcher when the adapter runs in VS Code\'s Electron, and not to the program', async () => {
    // An adapter with ELECTRON_RUN_AS_NODE in its environment runs the launcher as it would
    // inside VS Code, whose Node is its Electron binary.
    await stopClient(client);
    process.env.ELECTRON_RUN_AS_NODE = '1';
    try {
      client = new TerminalClient();
      await client.start();
    } finally {
      delete process.env.ELECTRON_RUN_AS_NODE;
    }
    await launchInTerminal({ program: program('ask'), console: 'integratedTerminal' });
    expect(client.requests[0]!.arguments.env).toEqual({ ELECTRON_RUN_AS_NODE: '1' });
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.configurationDoneRequest();
    await client.terminal.shows(/name\? /);
    client.terminal.type('Ken\r');
    expect((await exited).body.exitCode).toBe(0);
    expect(await client.terminal.shows(/hello Ken/)).toContain('electron [unset]');
  });

  it('is traced from the first instruction: stopOnEntry stops in the dynamic loader (externalTerminal)', async () => {
    await launchInTerminal({ program: program('ask'), console: 'externalTerminal', stopOnEntry: true });
    expect(client.requests[0]!.arguments.kind).toBe('external');
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(stopped.body.reason).toBe('entry');
    expect((await topFrame(client, stopped.body.threadId!)).name).toBe('_start');
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.continueRequest({ threadId: stopped.body.threadId! });
    await client.terminal.shows(/name\? /);
    client.terminal.type('\x04'); // ^D: end of input
    expect((await exited).body.exitCode).toBe(1);
    await client.terminal.shows(/no input/);
  });

  it('finds a program named without a slash in the PATH of its environment', async () => {
    const folder = tempDir('umview-dap-path-');
    copyFileSync(program('ask'), join(folder, 'umview-ask-in-path'));
    chmodSync(join(folder, 'umview-ask-in-path'), 0o755);
    await launchInTerminal({ program: 'umview-ask-in-path', console: 'integratedTerminal', env: { PATH: `${folder}:/usr/bin:/bin` } });
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await client.configurationDoneRequest();
    await client.terminal.shows(/name\? /);
    client.terminal.type('\x04');
    expect((await exited).body.exitCode).toBe(1);
  });

  it('answers a launch with an error when the program cannot be run, and the terminal says why', async () => {
    await client.initializeWithTerminal();
    // The program is searched in the PATH of its environment (a folder this user cannot read
    // would make it "Permission denied").
    const env = { PATH: '/usr/bin:/bin' };
    await expect(client.launchRequest({ program: 'umview-no-such-program', console: 'integratedTerminal', env } as never)).rejects.toThrow(/cannot run "umview-no-such-program": No such file/);
    expect(await client.terminal.exited).toBe(127);
    expect(client.terminal.output).toMatch(/umview: cannot run "umview-no-such-program"/);
  });

  it('answers a launch with an error when the launcher goes away before it is ready', async () => {
    // A stand-in launcher: says hello with its pid, then exits without preparing the program.
    const quitter = `const s = require('node:net').connect(process.argv[1], () => s.end(JSON.stringify({ type: 'hello', pid: process.pid }) + '\\n'));`;
    client.answer = (request) => {
      const terminal = new PseudoTerminal([process.execPath, '-e', quitter, request.arguments.args.at(-1)!], request.arguments.cwd, {});
      client.terminals.push(terminal);
      return { shellProcessId: terminal.pid };
    };
    await client.initializeWithTerminal();
    await expect(client.launchRequest({ program: program('ask'), console: 'integratedTerminal' } as never)).rejects.toThrow('the terminal launcher ended before starting the program');
    expect(await client.terminal.exited).toBe(0);
  });

  it('answers a launch with an error when the client cannot run the terminal', async () => {
    client.answer = () => new Error('no terminals today');
    await client.initializeWithTerminal();
    await expect(client.launchRequest({ program: program('ask'), console: 'integratedTerminal' } as never)).rejects.toThrow(/could not run the program in a terminal: no terminals today/);
  });

  it('answers a launch with an error when the launcher cannot be traced, and the launcher ends', async (context) => {
    const reason = missing.tool('strace');
    if (reason !== undefined) context.skip(reason);
    // strace is the launcher's tracer, so the adapter's seize fails; strace shows the launcher's
    // PR_SET_PTRACER (which lets the adapter trace it under Yama's ptrace_scope 1).
    const log = join(tempDir('umview-dap-strace-'), 'strace.txt');
    client.answer = (request) => {
      const terminal = new PseudoTerminal(['strace', '-f', '-qq', '-e', 'trace=prctl', '-o', log, ...request.arguments.args], request.arguments.cwd, request.arguments.env ?? {});
      client.terminals.push(terminal);
      return { shellProcessId: terminal.pid };
    };
    await client.initializeWithTerminal();
    await expect(client.launchRequest({ program: program('ask'), console: 'integratedTerminal' } as never)).rejects.toThrow(/cannot trace the terminal launcher/);
    expect(await client.terminal.exited).toBe(1);
    expect(client.terminal.output).toMatch(/umview: cannot trace the terminal launcher/);
    expect(readFileSync(log, 'utf8')).toMatch(new RegExp(`prctl\\(PR_SET_PTRACER, ${adapterPid()}`));
  });
});

describe('console without a terminal', () => {
  it('answers a launch in a terminal with an error when the client cannot run terminals', async () => {
    const plain = await startClient();
    try {
      await plain.initializeRequest();
      await expect(plain.launchRequest({ program: program('ask'), console: 'integratedTerminal' } as never)).rejects.toThrow(/runInTerminal/);
      await expect(plain.launchRequest({ program: program('ask'), console: 'terminal' } as never)).rejects.toThrow(/"console" must be one of/);
    } finally {
      await stopClient(plain);
    }
  });
});
