// The VS Code extension: `npm run package` builds the .vsix; its manifest declares the debugger
// (type, label, launch and attach attributes, initial configurations, snippets) with the
// extension entry inside the package, and the package holds everything the adapter needs at
// run time: the adapter unpacked from it debugs a program, with nothing from this repository.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@umview/test-fixtures';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { lineOf, PatientDebugClient, program, source, stopClient } from '../dap/helpers.js';
import { TerminalClient, terminalMissing } from '../dap/terminal-client.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const vsix = join(root, `umview-dap-${version}.vsix`);
let unpacked = '';

beforeAll(() => {
  execFileSync('npm', ['run', 'package', '-w', '@umview/dap-adapter', '--', '--quiet'], { cwd: join(root, '../..'), stdio: ['ignore', 'ignore', 'inherit'] });
  unpacked = tempDir('umview-vsix-test-');
  execFileSync('unzip', ['-q', vsix, '-d', unpacked]);
}, 120_000);

describe('the .vsix', () => {
  it('is built inside the package folder and ignored by git', () => {
    expect(existsSync(vsix)).toBe(true);
    expect(execFileSync('git', ['check-ignore', vsix], { cwd: root, encoding: 'utf8' }).trim()).toBe(vsix);
    const listing = execFileSync('unzip', ['-l', vsix], { encoding: 'utf8' });
    for (const file of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/cli.js', 'extension/dist/engine-worker.js', 'extension/dist/terminal-launcher.js',
      'extension/node_modules/koffi/package.json', 'extension/node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node',
      'extension/node_modules/iced-x86/iced_x86_bg.wasm']) {
      expect(listing).toContain(file);
    }
  });

  it('has a manifest that declares the debugger, its launch and attach attributes and an entry inside the package', () => {
    const manifest = JSON.parse(readFileSync(join(unpacked, 'extension/package.json'), 'utf8'));
    expect(manifest.engines.vscode).toMatch(/^\^1\.\d+\.\d+$/);
    expect(manifest.publisher).toBeTruthy();
    expect(existsSync(join(unpacked, 'extension', manifest.main))).toBe(true);
    const debuggers = manifest.contributes.debuggers as Record<string, any>[];
    expect(debuggers).toHaveLength(1);
    const debuggerContribution = debuggers[0]!;
    expect(debuggerContribution).toMatchObject({ type: 'umview', label: expect.any(String) });
    expect(debuggerContribution.configurationAttributes.launch.required).toEqual(['program']);
    expect(Object.keys(debuggerContribution.configurationAttributes.launch.properties)).toEqual(expect.arrayContaining(['program', 'args', 'cwd', 'env', 'stopOnEntry', 'stopAtMain']));
    expect(Object.keys(debuggerContribution.configurationAttributes.launch.properties)).toEqual(expect.arrayContaining(['console', 'stdio', 'envFile']));
    expect(debuggerContribution.configurationAttributes.attach.required).toEqual(['pid']);
    // ${command:pickProcess} of the attach snippet is the extension's process picker.
    expect(debuggerContribution.variables).toEqual({ pickProcess: 'umview.pickProcess' });
    expect(debuggerContribution.configurationAttributes.attach.properties.pid.default).toBe('${command:pickProcess}');
    expect(manifest.activationEvents).toContain('onCommand:umview.pickProcess');
    expect(debuggerContribution.initialConfigurations[0]).toMatchObject({ type: 'umview', request: 'launch', program: expect.any(String) });
    expect(debuggerContribution.configurationSnippets.map((snippet: { body: { request: string } }) => snippet.body.request)).toEqual(['launch', 'attach']);
    expect(manifest.contributes.breakpoints).toContainEqual({ language: 'c' });
    expect(manifest.dependencies ?? {}).not.toHaveProperty('@umview/ptrace-core');
  });

  it('has an entry that registers a factory starting dist/cli.js with the Node VS Code runs', () => {
    // A stand-in for VS Code's `vscode` module, found by the extension's require.
    const fake = join(unpacked, 'extension/node_modules/vscode');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'index.js'), `
      const registered = {};
      class DebugAdapterExecutable { constructor(command, args, options) { Object.assign(this, { command, args, options }); } }
      class DebugAdapterServer { constructor(port, host) { Object.assign(this, { port, host }); } }
      module.exports = { registered, DebugAdapterExecutable, DebugAdapterServer,
        debug: { registerDebugAdapterDescriptorFactory: (type, factory) => (registered.factory = { type, factory }, { dispose() {} }),
                 registerDebugConfigurationProvider: (type, provider) => (registered.provider = { type, provider }, { dispose() {} }) },
        commands: { registerCommand: (id, callback) => ((registered.commands ??= {})[id] = callback, { dispose() {} }) },
        // The user picks the item whose description is registered.pick (a pid), or cancels.
        window: { showErrorMessage: async () => undefined,
                  showQuickPick: async (items, options) => (registered.quickPick = { items, options }, items.find((item) => item.description === registered.pick)) } };`);
    const requireHere = createRequire(join(unpacked, 'extension/dist/extension.js'));
    const extension = requireHere('./extension.js') as { activate(context: unknown): void };
    const subscriptions: unknown[] = [];
    extension.activate({ subscriptions, extensionPath: join(unpacked, 'extension'), asAbsolutePath: (path: string) => join(unpacked, 'extension', path) });
    const { registered } = requireHere('vscode') as { registered: Record<string, { type: string; factory?: any; provider?: any }> };
    expect(registered.factory!.type).toBe('umview');
    expect(subscriptions).toHaveLength(3);
    const descriptor = registered.factory!.factory.createDebugAdapterDescriptor({ configuration: { type: 'umview', request: 'launch', name: 'x', program: '/bin/true' } });
    expect(descriptor).toEqual({ command: process.execPath, args: [join(unpacked, 'extension/dist/cli.js')], options: { env: { ELECTRON_RUN_AS_NODE: '1' } } });
    expect(registered.factory!.factory.createDebugAdapterDescriptor({ configuration: { debugServer: 4711 } })).toEqual({ port: 4711, host: '127.0.0.1' });
  });

  it('has a pickProcess command that offers this user\'s processes and answers the pid picked', async () => {
    const extension = createRequire(join(unpacked, 'extension/dist/extension.js'))('./extension.js') as { activate(context: unknown): void };
    const vscode = createRequire(join(unpacked, 'extension/dist/extension.js'))('vscode') as { registered: Record<string, any> };
    extension.activate({ subscriptions: [], extensionPath: join(unpacked, 'extension'), asAbsolutePath: (path: string) => join(unpacked, 'extension', path) });
    const pickProcess = vscode.registered.commands['umview.pickProcess'] as () => Promise<string | undefined>;
    const child = spawn('sleep', ['987653'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      vscode.registered.pick = String(child.pid);
      expect(await pickProcess()).toBe(String(child.pid));
      expect(vscode.registered.quickPick.items).toContainEqual(expect.objectContaining({ label: 'sleep', description: String(child.pid), detail: 'sleep 987653' }));
      vscode.registered.pick = undefined; // cancelled
      expect(await pickProcess()).toBeUndefined();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('runs a program in a terminal with the launcher from the unpacked extension', async (context) => {
    const reason = terminalMissing();
    if (reason !== undefined) context.skip(reason);
    const client = new TerminalClient(join(unpacked, 'extension/dist/cli.js'), { cwd: unpacked });
    await client.start();
    try {
      const initialized = client.waitForEvent('initialized');
      await client.initializeWithTerminal();
      await client.launchRequest({ program: program('ask'), console: 'integratedTerminal' } as DebugProtocol.LaunchRequestArguments);
      await initialized;
      expect(client.requests[0]!.arguments.args.slice(0, 2)).toEqual([process.execPath, join(unpacked, 'extension/dist/terminal-launcher.js')]);
      const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
      await client.configurationDoneRequest();
      await client.terminal.shows(/name\? /);
      client.terminal.type('Margaret\r');
      expect((await exited).body.exitCode).toBe(0);
      await client.terminal.shows(/hello Margaret/);
    } finally {
      await stopClient(client);
      client.closeTerminals();
    }
  });

  it('runs the adapter from the unpacked extension alone: a breakpoint, a variable, disassembly', async () => {
    const client = new PatientDebugClient(process.execPath, join(unpacked, 'extension/dist/cli.js'), 'umview', { cwd: unpacked });
    await client.start();
    try {
      const initialized = client.waitForEvent('initialized');
      await client.initializeRequest();
      await client.launchRequest({ program: program('values') } as DebugProtocol.LaunchRequestArguments);
      await initialized;
      await client.setBreakpointsRequest({ source: { path: source('values.c') }, breakpoints: [{ line: lineOf('values.c', 'break here') }] });
      const stopped = client.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
      await client.configurationDoneRequest();
      const threadId = (await stopped).body.threadId!;
      const frame = (await client.stackTraceRequest({ threadId, levels: 1 })).body.stackFrames[0]!;
      expect((await client.evaluateRequest({ expression: 'who->name', frameId: frame.id, context: 'watch' })).body.result).toBe('"alice"');
      const instructions = (await client.customRequest('disassemble', { memoryReference: frame.instructionPointerReference, instructionCount: 2 }) as DebugProtocol.DisassembleResponse).body!.instructions;
      expect(instructions[0]!.address).toBe(frame.instructionPointerReference);
    } finally {
      await stopClient(client);
    }
  });
});
