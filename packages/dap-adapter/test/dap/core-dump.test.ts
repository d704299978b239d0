// Post-mortem sessions on ELF core files (launch with "coreFile"): cores made by gdb's gcore of
// a stopped program and by the kernel from a crash, read back with gdb on the same core as the
// oracle; and the bad cores (truncated, not a core, another program's, a library missing).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { tempDir } from '@umview/test-fixtures';
import { CoreFile } from '../../src/core/core-file.js';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { byName, children, collect, frames, launch, lineOf, program, scopeVariables, source, startClient, stopClient, stoppedAfter, whileWaiting } from './helpers.js';

const FIXTURE = 'core-sample.c';
const CANNOT_RUN = 'this is a core file: the program cannot run';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

/** Runs `executable` under gdb to `location` and dumps it there with gcore; the core, or why there is none. */
function gcoreAt(executable: string, location: string, core: string): { core?: string; reason?: string } {
  const result = spawnSync('gdb', ['-nx', '-batch', '-ex', 'set breakpoint pending on', '-ex', `break ${location}`, '-ex', 'run', '-ex', `gcore ${core}`, executable], { encoding: 'utf8' });
  if (existsSync(core)) return { core };
  return { reason: `gdb could not run the program and dump it (it needs to trace its child): ${(result.stderr || result.stdout || '').trim().split('\n').at(-1)}` };
}

/**
 * Crashes `executable crash` in `dir` with RLIMIT_CORE raised for it alone (never a machine-wide
 * setting), and finds the core where the machine's core_pattern puts it; or says why it cannot.
 */
function crashCore(executable: string, dir: string): { core?: string; reason?: string } {
  const pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
  if (pattern.startsWith('|')) return { reason: `core_pattern pipes cores to a program (${pattern.split(' ')[0]}): there is no file for the test to find` };
  const unknown = pattern.replace(/%[%peuhs]/g, '').match(/%./);
  if (unknown !== null) return { reason: `core_pattern "${pattern}" uses ${unknown[0]}, which the test cannot expand` };
  const run = spawnSync('sh', ['-c', 'ulimit -c unlimited 2>/dev/null || exit 99; exec "$0" crash', executable], { cwd: dir, encoding: 'utf8' });
  if (run.status === 99) return { reason: 'RLIMIT_CORE cannot be raised (its hard limit is below unlimited)' };
  if (run.signal !== 'SIGSEGV') return { reason: `the program did not die of SIGSEGV (${run.signal ?? run.status})` };
  const expansions: Record<string, string> = {
    p: String(run.pid), e: basename(executable).slice(0, 15), u: String(process.getuid!()), h: hostname(), s: '11', '%': '%',
  };
  let name = pattern.replace(/%(.)/g, (_all, code: string) => expansions[code]!);
  const usesPid = readFileSync('/proc/sys/kernel/core_uses_pid', 'utf8').trim() === '1';
  if (usesPid && !pattern.includes('%p')) name += `.${run.pid}`;
  const core = resolve(dir, name);
  if (!existsSync(core)) return { reason: `core_pattern "${pattern}" left no core at ${core}` };
  return { core };
}

const MARK = '--- umview test ---';

/** gdb on the core: what `commands` print (batch mode), after what gdb says when it loads the core. */
function gdbOnCore(executable: string, core: string, commands: readonly string[]): string {
  const args = ['-nx', '-batch', '-ex', 'set width 0', '-ex', 'set print pretty off', '-ex', `echo ${MARK}\\n`, ...commands.flatMap((command) => ['-ex', command]), executable, core];
  const output = execFileSync('gdb', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return output.slice(output.indexOf(MARK) + MARK.length);
}

/** What gdb says when it loads the core: "Program terminated with signal SIGSEGV, Segmentation fault." */
function gdbTermination(executable: string, core: string): string | undefined {
  const output = execFileSync('gdb', ['-nx', '-batch', executable, core], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return output.match(/^Program terminated with signal .*$/m)?.[0];
}

/** gdb's values of `expressions` in the core's current frame. */
function gdbPrints(executable: string, core: string, expressions: readonly string[]): string[] {
  // null-stop: a char array up to its NUL, as the adapter shows it.
  const output = gdbOnCore(executable, core, ['set print null-stop on', ...expressions.map((expression) => `print ${expression}`)]);
  const values = [...output.matchAll(/^\$\d+ = (.*)$/gm)].map((match) => match[1]!);
  if (values.length !== expressions.length) throw new Error(`gdb printed ${values.length} values for ${expressions.length} expressions:\n${output}`);
  return values;
}

/** "name:line" of gdb's backtrace lines (`#1  0x... in main (...) at file:38`). */
function gdbFrames(output: string): string[] {
  return [...output.matchAll(/^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \(.*?\)(?: at .*:(\d+))?/gm)].map((match) => `${match[1]}:${match[2] ?? 0}`);
}

/** The first console output matching `pattern`. */
function consoleSaying(pattern: RegExp): Promise<string> {
  const done = whileWaiting(() => `console output matching ${pattern}`);
  return new Promise((resolve) => {
    const listener = (event: DebugProtocol.OutputEvent): void => {
      if (event.body.category !== 'console' || !pattern.test(event.body.output)) return;
      client.off('output', listener);
      done();
      resolve(event.body.output);
    };
    client.on('output', listener);
  });
}

/** A launch request alone (after initialize), to see it refused. */
function launchWith(args: Record<string, unknown>): Promise<DebugProtocol.LaunchResponse> {
  return client.launchRequest(args as DebugProtocol.LaunchRequestArguments);
}

async function openCore(args: Record<string, unknown>): Promise<DebugProtocol.StoppedEvent> {
  await launch(client, args);
  return stoppedAfter(client, () => client.configurationDoneRequest());
}

const machineCannot = (): string | undefined => missing.tool('gdb');

describe('a gcore of a stopped program', () => {
  skipEachWhen(machineCannot());
  let executable: string;
  let core: string | undefined;
  let reason: string | undefined;
  beforeAll(() => {
    if (machineCannot() !== undefined) return;
    executable = program('core-sample', ['-g', '-O0', '-pthread']);
    ({ core, reason } = gcoreAt(executable, `${source(FIXTURE)}:${lineOf(FIXTURE, 'core here')}`, join(tempDir('umview-core-'), 'gcore')));
  });

  it('stops once after configurationDone, with the stack, locals and values gdb shows on the same core', async (context) => {
    if (core === undefined) return context.skip(reason!);
    const stops = collect(client, 'stopped');
    const stopped = await openCore({ program: executable, coreFile: core });
    const threadId = stopped.body.threadId!;
    const gdbLine = gdbTermination(executable, core);
    if (gdbLine !== undefined) expect(stopped.body.description).toContain(gdbLine);
    const stack = await frames(client, threadId);
    const expected = gdbFrames(gdbOnCore(executable, core, ['bt']));
    expect(expected.slice(0, 2)).toEqual([`inspect:${lineOf(FIXTURE, 'core here')}`, `main:${lineOf(FIXTURE, 'int result = inspect')}`]);
    expect(stack.slice(0, 2).map((frame) => `${frame.name}:${frame.line}`)).toEqual(expected.slice(0, 2));

    const locals = await scopeVariables(client, stack[0]!.id, 'Locals');
    const [total, word] = gdbPrints(executable, core, ['total', 'word']);
    expect(byName(locals, 'total').value).toBe(total);
    expect(byName(locals, 'word').value).toBe(word);
    const args = await scopeVariables(client, stack[0]!.id, 'Arguments');
    const members = await children(client, byName(args, 'where'));
    const [x, y, label] = gdbPrints(executable, core, ['where->x', 'where->y', 'where->label']);
    expect(members.map((member) => `${member.name}=${member.value}`)).toEqual([`x=${x}`, `y=${y}`, `label=${label}`]);
    for (const expression of ['*where', 'total * 2', 'word[0]']) {
      const [value] = gdbPrints(executable, core, [expression]);
      expect((await client.evaluateRequest({ expression, frameId: stack[0]!.id, context: 'watch' })).body.result).toBe(value);
    }
    // The registers of NT_PRSTATUS and NT_PRFPREG, as gdb reads them.
    const groups = await scopeVariables(client, stack[0]!.id, 'Registers');
    const general = await children(client, byName(groups, 'General Purpose Registers'));
    const [rsp, mxcsr] = gdbPrints(executable, core, ['/x $rsp', '/x $mxcsr']);
    expect(byName(general, 'rsp').value).toBe(rsp);
    expect(byName(general, 'rip').value).toMatch(new RegExp(`^${stack[0]!.instructionPointerReference} <inspect\\+\\d+>$`));
    const floating = await children(client, byName(groups, 'Floating Point Registers'));
    expect(byName(floating, 'mxcsr').value.split(' ')[0]).toBe(mxcsr);
    expect(stops).toHaveLength(1);
  });

  it('lists the mapped objects in the Modules view, completes names in the console, and refuses goto', async (context) => {
    if (core === undefined) return context.skip(reason!);
    const announced = collect(client, 'module');
    const stopped = await openCore({ program: executable, coreFile: core });
    const listed = ((await client.customRequest('modules', {})) as DebugProtocol.ModulesResponse).body.modules;
    const names = listed.map((module) => module.name);
    expect(names).toContain(basename(executable));
    expect(names.some((name) => /^libc\.so/.test(name))).toBe(true);
    expect(announced.map((event) => (event as DebugProtocol.ModuleEvent).body.module.name).sort()).toEqual([...names].sort());
    const stack = await frames(client, stopped.body.threadId!);
    const completions = await client.send('completions', { frameId: stack[0]!.id, text: 'wo', column: 3 }) as DebugProtocol.CompletionsResponse;
    expect(completions.body.targets.map((target) => target.label)).toContain('word');
    await expect(client.send('gotoTargets', { source: { path: source(FIXTURE) }, line: lineOf(FIXTURE, 'core here') })).rejects.toThrow(CANNOT_RUN);
  });

  it('shows the second thread parked in pause(), as gdb does', async (context) => {
    if (core === undefined) return context.skip(reason!);
    const stopped = await openCore({ program: executable, coreFile: core });
    const threads = (await client.threadsRequest()).body.threads;
    expect(threads).toHaveLength(2);
    const other = threads.find((thread) => thread.id !== stopped.body.threadId)!;
    const names = (await frames(client, other.id)).map((frame) => frame.name);
    const expected = gdbFrames(gdbOnCore(executable, core, ['thread apply 2 bt'])).map((frame) => frame.split(':')[0]!);
    expect(expected).toContain('worker');
    // Frame names as symbols give them (libc's pause may be __libc_pause or pause): the worker's frame is the same.
    expect(names.indexOf('worker')).toBe(expected.indexOf('worker'));
    // restart opens the core again: the same stop.
    const again = await stoppedAfter(client, () => client.customRequest('restart', {}));
    expect(again.body).toMatchObject({ reason: stopped.body.reason, threadId: stopped.body.threadId });
    expect((await client.threadsRequest()).body.threads).toHaveLength(2);
  });

  it('reads memory from the core and code from the mapped files, disassembles, and refuses to run or change anything', async (context) => {
    if (core === undefined) return context.skip(reason!);
    const stopped = await openCore({ program: executable, coreFile: core });
    const threadId = stopped.body.threadId!;
    const stack = await frames(client, threadId);
    const address = (await client.evaluateRequest({ expression: '&word', frameId: stack[0]!.id, context: 'watch' })).body.memoryReference!;
    const stackBytes = await client.customRequest('readMemory', { memoryReference: address, count: 12 });
    expect(Buffer.from(stackBytes.body.data, 'base64').toString('latin1')).toBe('core-sample\0');
    // Code is not in a core (read-only file mappings are left out): it comes from the executable.
    const pc = stack[0]!.instructionPointerReference!;
    const gdbBytes = gdbOnCore(executable, core, ['x/8xb $pc']).match(/:\s+((?:0x[0-9a-f]{2}\s*){8})/)![1]!.trim().split(/\s+/).map((text) => Number(text));
    const code = await client.customRequest('readMemory', { memoryReference: pc, count: 8 });
    expect([...Buffer.from(code.body.data, 'base64')]).toEqual(gdbBytes);
    const nothing = await client.customRequest('readMemory', { memoryReference: '0x0', count: 64 });
    expect(nothing.body).toMatchObject({ unreadableBytes: 64 });
    const disassembled = await client.customRequest('disassemble', { memoryReference: pc, instructionCount: 4 });
    expect(disassembled.body.instructions).toHaveLength(4);
    expect(disassembled.body.instructions[0]).toMatchObject({ address: pc, symbol: expect.stringContaining('inspect') });
    const gdbInstruction = gdbOnCore(executable, core, ['x/i $pc']).match(/:\s+(\w+)/)![1]!;
    expect(disassembled.body.instructions[0].instruction).toMatch(new RegExp(`^${gdbInstruction}\\b`));

    await expect(client.customRequest('writeMemory', { memoryReference: address, data: Buffer.from('x').toString('base64') })).rejects.toThrow(/core file.*cannot be changed/);
    await expect(client.continueRequest({ threadId })).rejects.toThrow(CANNOT_RUN);
    await expect(client.nextRequest({ threadId })).rejects.toThrow(CANNOT_RUN);
    await expect(client.pauseRequest({ threadId })).rejects.toThrow(CANNOT_RUN);
    await expect(client.stepInRequest({ threadId })).rejects.toThrow(CANNOT_RUN);
    const top = (await frames(client, threadId))[0]!;
    const locals = await scopeVariables(client, top.id, 'Locals');
    const scope = (await client.scopesRequest({ frameId: top.id })).body.scopes[0]!;
    await expect(client.setVariableRequest({ variablesReference: scope.variablesReference, name: 'total', value: '1' })).rejects.toThrow(/core file/);
    expect(byName(await scopeVariables(client, top.id, 'Locals'), 'total').value).toBe(byName(locals, 'total').value);
    const breakpoints = await client.setBreakpointsRequest({ source: { path: source(FIXTURE) }, breakpoints: [{ line: lineOf(FIXTURE, 'core here') }] });
    expect(breakpoints.body.breakpoints[0]).toMatchObject({ verified: false, message: expect.stringContaining(CANNOT_RUN) });
    const watch = await client.customRequest('dataBreakpointInfo', { name: 'total', frameId: top.id });
    expect(watch.body).toMatchObject({ dataId: null, description: expect.stringContaining(CANNOT_RUN) });
    const watches = await client.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: '0x1000/4' }] });
    expect(watches.body.breakpoints[0]).toMatchObject({ verified: false, message: expect.stringContaining(CANNOT_RUN) });
  });

  it('reads the executable from where `program` says when it has moved since (same build ID)', async (context) => {
    if (core === undefined) return context.skip(reason!);
    const before = tempDir('umview-core-before-');
    const original = join(before, 'core-sample');
    copyFileSync(executable, original);
    const made = gcoreAt(original, `${source(FIXTURE)}:${lineOf(FIXTURE, 'core here')}`, join(before, 'core'));
    if (made.core === undefined) return context.skip(made.reason!);
    const after = tempDir('umview-core-after-');
    copyFileSync(original, join(after, 'renamed-program'));
    copyFileSync(made.core, join(after, 'core'));
    rmSync(before, { recursive: true });
    const stopped = await openCore({ program: 'renamed-program', cwd: after, coreFile: 'core' });
    const stack = await frames(client, stopped.body.threadId!);
    expect(stack.slice(0, 2).map((frame) => `${frame.name}:${frame.line}`)).toEqual([`inspect:${lineOf(FIXTURE, 'core here')}`, `main:${lineOf(FIXTURE, 'int result = inspect')}`]);
    const label = await client.evaluateRequest({ expression: 'where->label', frameId: stack[0]!.id, context: 'watch' });
    expect(label.body.result).toMatch(/"origin"$/);
  });

  it('refuses a core of another program, and a core that is no core, with what is wrong', async (context) => {
    if (core === undefined) return context.skip(reason!);
    await client.initializeRequest();
    await expect(launchWith({ program: program('crash'), coreFile: core })).rejects.toThrow(/is not a core of program .*dap-crash.*dumped by dap-core-sample.*build IDs differ/);
    await expect(launchWith({ program: executable, coreFile: executable })).rejects.toThrow(/not a core file \(its ELF type is DYN/);
    const garbage = join(tempDir('umview-core-'), 'garbage');
    writeFileSync(garbage, Buffer.alloc(4096, 0x5a));
    await expect(launchWith({ program: executable, coreFile: garbage })).rejects.toThrow(/not an ELF file/);
    await expect(launchWith({ program: executable, coreFile: 'no-such-core', cwd: tempDir('umview-core-') })).rejects.toThrow(/coreFile ".*no-such-core" does not exist/);
    const headerOnly = join(tempDir('umview-core-'), 'header-only');
    copyFileSync(core, headerOnly);
    truncateSync(headerOnly, 100);
    await expect(launchWith({ program: executable, coreFile: headerOnly })).rejects.toThrow(/corrupt or truncated/);
  });

  it('does not wait on a FIFO that a core names as a mapped file: its memory is unreadable, and it is named', async (context) => {
    if (core === undefined) return context.skip(reason!);
    const bytes = readFileSync(core);
    const reader = CoreFile.open(core);
    const libc = reader.files.find((file) => file.path.endsWith('/libc.so.6'))?.path;
    reader.close();
    if (libc === undefined) return context.skip('this core names no libc.so.6 (a static program?)');
    // A FIFO at a path as long as libc's, put in place of libc's path in the core.
    const dir = tempDir('umview-core-fifo-');
    const fifo = join(dir, 'f'.repeat(Math.max(1, libc.length - dir.length - 1)));
    if (fifo.length !== libc.length) return context.skip(`the temporary folder's path (${dir}) is too long to stand for ${libc}`);
    execFileSync('mkfifo', [fifo]);
    // NT_FILE's paths are NUL-terminated, one after the other.
    let at = bytes.indexOf(`\0${libc}\0`, 0, 'latin1');
    while (at >= 0) {
      bytes.write(fifo, at + 1, 'latin1');
      at = bytes.indexOf(`\0${libc}\0`, at + 1, 'latin1');
    }
    const edited = join(dir, 'core');
    writeFileSync(edited, bytes);
    const said = consoleSaying(/missing on this machine or unreadable/);
    const stopped = await openCore({ program: executable, coreFile: edited });
    expect(await said).toMatch(new RegExp(`: ${fifo}$|: ${fifo},|, ${fifo}`, 'm'));
    const stack = await frames(client, stopped.body.threadId!);
    expect(`${stack[0]!.name}:${stack[0]!.line}`).toBe(`inspect:${lineOf(FIXTURE, 'core here')}`);
  });

  it('refuses a gcore cut short before its notes (gdb writes them last), saying it is truncated', async (context) => {
    if (core === undefined) return context.skip(reason!);
    const truncated = join(tempDir('umview-core-'), 'truncated');
    copyFileSync(core, truncated);
    truncateSync(truncated, Math.floor(statSync(core).size / 2));
    await client.initializeRequest();
    await expect(launchWith({ program: executable, coreFile: truncated })).rejects.toThrow(/corrupt or truncated.*no thread/);
  });
});

describe('a core whose shared library is missing', () => {
  skipEachWhen(machineCannot());

  it('gives a partial view that names the missing library: its frame as an address, the caller with its line', async (context) => {
    const dir = tempDir('umview-core-lib-');
    const library = join(dir, 'libdemo.so');
    const main = join(dir, 'uses-lib');
    execFileSync('cc', ['-g', '-O0', '-shared', '-fPIC', '-o', library, source('libdemo.c')]);
    execFileSync('cc', ['-g', '-O0', '-o', main, source('uses-lib.c'), `-L${dir}`, '-ldemo', `-Wl,-rpath,${dir}`]);
    const { core, reason } = gcoreAt(main, `${source('libdemo.c')}:${lineOf('libdemo.c', 'return scaled')}`, join(dir, 'core'));
    if (core === undefined) return context.skip(reason!);
    rmSync(library);
    const said = consoleSaying(/libdemo\.so/);
    const stopped = await openCore({ program: main, coreFile: core });
    expect(await said).toMatch(/missing on this machine.*libdemo\.so/);
    const stack = await frames(client, stopped.body.threadId!);
    expect(stack[0]!.name).toMatch(/^0x[0-9a-f]+$/);
    expect(stack.map((frame) => `${frame.name}:${frame.line}`)).toContain(`main:${lineOf('uses-lib.c', 'demo_scale(14)')}`);
  });
});

describe("a crashing program's own core", () => {
  skipEachWhen(machineCannot());

  it('stops with the signal that killed it as gdb says it, the fault address in exceptionInfo, and the crash line', async (context) => {
    const executable = program('core-sample', ['-g', '-O0', '-pthread']);
    const dir = tempDir('umview-core-crash-');
    const { core, reason } = crashCore(executable, dir);
    if (core === undefined) return context.skip(reason!);
    const stopped = await openCore({ program: executable, coreFile: core, cwd: dir });
    const gdbLine = gdbTermination(executable, core);
    expect(gdbLine).toBe('Program terminated with signal SIGSEGV, Segmentation fault.');
    expect(stopped.body).toMatchObject({ reason: 'exception', description: expect.stringContaining(gdbLine!) });
    const threadId = stopped.body.threadId!;
    const info = await client.exceptionInfoRequest({ threadId });
    expect(info.body).toMatchObject({ exceptionId: 'SIGSEGV', details: { typeName: 'SIGSEGV', message: expect.stringContaining('invalid address 0x0') } });
    const stack = await frames(client, threadId);
    expect(stack.slice(0, 2).map((frame) => `${frame.name}:${frame.line}`)).toEqual(gdbFrames(gdbOnCore(executable, core, ['bt'])).slice(0, 2));
    expect(stack[0]!.line).toBe(lineOf(FIXTURE, 'the crash'));
    expect((await client.threadsRequest()).body.threads).toHaveLength(2);
    await expect(client.continueRequest({ threadId })).rejects.toThrow(CANNOT_RUN);
    // The kernel leaves code out of the core (its segments have no bytes): it is read from the executable, as gdb reads it.
    const pc = stack[0]!.instructionPointerReference!;
    const gdbBytes = gdbOnCore(executable, core, ['x/8xb $pc']).match(/:\s+((?:0x[0-9a-f]{2}\s*){8})/)![1]!.trim().split(/\s+/).map((text) => Number(text));
    const code = await client.customRequest('readMemory', { memoryReference: pc, count: 8 });
    expect([...Buffer.from(code.body.data, 'base64')]).toEqual(gdbBytes);
    // terminate ends the session as the program's death did: 128 + SIGSEGV.
    const exited = client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    const terminated = client.waitForEvent('terminated');
    await client.terminateRequest();
    expect((await exited).body.exitCode).toBe(128 + 11);
    await terminated;
  });

  it('opens a truncated kernel core as far as it goes (its notes come first) and says that it is truncated', async (context) => {
    const executable = program('core-sample', ['-g', '-O0', '-pthread']);
    const dir = tempDir('umview-core-crash-');
    const { core, reason } = crashCore(executable, dir);
    if (core === undefined) return context.skip(reason!);
    truncateSync(core, Math.floor(statSync(core).size / 2));
    const said = consoleSaying(/truncated/);
    const stopped = await openCore({ program: executable, coreFile: core });
    await said;
    expect(stopped.body.reason).toBe('exception');
    // The registers are in the notes; the code of frame 0 comes from the executable.
    const stack = await frames(client, stopped.body.threadId!);
    expect(`${stack[0]!.name}:${stack[0]!.line}`).toBe(`inspect:${lineOf(FIXTURE, 'the crash')}`);
    const nothing = await client.customRequest('readMemory', { memoryReference: '0x0', count: 16 });
    expect(nothing.body).toMatchObject({ unreadableBytes: 16 });
  });
});
