// The program's standard streams redirected to files (`stdio`, as lldb-dap's), and its
// environment from a dotenv file (`envFile`, with `env` winning over it): real programs read
// and write the files; a missing file is an error to launch.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { tempDir } from '@umview/test-fixtures';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { launch, program, startClient, stdoutUntil, stopClient } from './helpers.js';
import { TerminalClient, terminalMissing } from './terminal-client.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

/** Launches ask with `args`, lets it run, and returns its exit code. */
async function runAsk(args: Record<string, unknown>): Promise<number> {
  await launch(client, { program: program('ask'), ...args });
  const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
  await client.configurationDoneRequest();
  return (await exited).body.exitCode;
}

function stderrOf(target: DebugClient): Promise<string> {
  let text = '';
  return new Promise((resolve) => {
    target.on('output', (event: DebugProtocol.OutputEvent) => {
      if (event.body.category !== 'stderr') return;
      text += event.body.output;
      if (text.includes('\n')) resolve(text);
    });
  });
}

describe('stdio', () => {
  it('reads stdin from a file and writes stdout to another, relative to cwd; stderr stays an output event', async () => {
    const cwd = tempDir('umview-dap-stdio-');
    writeFileSync(join(cwd, 'in.txt'), 'Alan\n');
    const stderr = stderrOf(client);
    expect(await runAsk({ cwd, stdio: ['in.txt', 'out.txt', null] })).toBe(0);
    expect(readFileSync(join(cwd, 'out.txt'), 'utf8')).toMatch(/^tty 0 0 0 sigpipe default\n.*\nname\? hello Alan\n$/);
    expect(await stderr).toBe('to stderr\n');
  });

  it('writes stderr to a file and keeps stdout as output events; stdin stays empty without a file', async () => {
    const cwd = tempDir('umview-dap-stdio-');
    const stdout = stdoutUntil(client, /no input\n/);
    expect(await runAsk({ cwd, stdio: [null, null, 'err.txt'] })).toBe(1);
    expect(await stdout).toContain('name? no input\n');
    expect(readFileSync(join(cwd, 'err.txt'), 'utf8')).toBe('to stderr\n');
  });

  it('answers a missing input file, a missing folder, or a bad value with an error', async () => {
    const cwd = tempDir('umview-dap-stdio-');
    mkdirSync(join(cwd, 'dir'));
    await client.initializeRequest();
    const attempt = (stdio: unknown) => client.launchRequest({ program: program('ask'), cwd, stdio } as never);
    await expect(attempt(['missing.txt'])).rejects.toThrow(`stdio: the stdin file "${join(cwd, 'missing.txt')}" does not exist or cannot be read`);
    await expect(attempt([null, 'no/such/out.txt'])).rejects.toThrow(/the folder of the stdout file .* does not exist/);
    await expect(attempt([null, null, 'dir'])).rejects.toThrow(/the stderr file .* is a directory/);
    await expect(attempt('in.txt')).rejects.toThrow(/"stdio" must be an array/);
    expect(existsSync(join(cwd, 'no'))).toBe(false);
  });
});

describe('envFile', () => {
  it('sets variables from a dotenv file; env wins over it', async () => {
    const cwd = tempDir('umview-dap-envfile-');
    writeFileSync(join(cwd, '.env'), '# the greeting\nUMVIEW_GREETING="from the file"\nexport OTHER=1\n');
    let stdout = stdoutUntil(client, /no input\n/);
    await runAsk({ cwd, envFile: '.env' });
    expect(await stdout).toContain('greeting [from the file]');
    await stopClient(client);
    client = await startClient();
    stdout = stdoutUntil(client, /no input\n/);
    await runAsk({ cwd, envFile: join(cwd, '.env'), env: { UMVIEW_GREETING: 'from env' } });
    expect(await stdout).toContain('greeting [from env]');
  });

  it('answers a missing envFile with an error', async () => {
    await client.initializeRequest();
    await expect(client.launchRequest({ program: program('ask'), envFile: '/nonexistent/.env' } as never)).rejects.toThrow('envFile "/nonexistent/.env" cannot be read: ENOENT');
  });
});

describe('stdio in a terminal', () => {
  skipEachWhen(terminalMissing());

  it('gives the program a file as stdin and the terminal as stdout', async () => {
    const terminalClient = new TerminalClient();
    await terminalClient.start();
    try {
      const cwd = tempDir('umview-dap-stdio-');
      writeFileSync(join(cwd, 'in.txt'), 'Linus\n');
      const initialized = terminalClient.waitForEvent('initialized');
      await terminalClient.initializeWithTerminal();
      await terminalClient.launchRequest({ program: program('ask'), cwd, console: 'integratedTerminal', stdio: ['in.txt'] } as never);
      await initialized;
      const exited = terminalClient.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
      await terminalClient.configurationDoneRequest();
      expect((await exited).body.exitCode).toBe(0);
      const shown = await terminalClient.terminal.shows(/hello Linus/);
      expect(shown).toContain('tty 0 1 1 sigpipe default');
    } finally {
      await stopClient(terminalClient);
      terminalClient.closeTerminals();
    }
  });
});
