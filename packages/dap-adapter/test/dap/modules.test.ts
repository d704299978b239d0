// DAP's modules request and module events (VS Code's Modules view): each loaded object with its
// load address as /proc/PID/maps has it and whether its debug information was found; a library
// loaded with dlopen appears (`new`) and disappears with dlclose (`removed`).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { tempDir } from '@umview/test-fixtures';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { collect, finishSleeper, launch, lineOf, program, source, startClient, startSleeper, stopClient, stoppedAfter } from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

interface DemoLibraries {
  readonly debug: string;
  readonly stripped: string;
  /** Stripped, with its DWARF in linked.debug beside it, named by .gnu_debuglink. */
  readonly linked: string;
  readonly linkedDebug: string;
}

let libraries: DemoLibraries | undefined;

/** libdemo.so built with -g, a stripped copy (no DWARF, no .symtab), and one with separate debug information. */
function demoLibraries(): DemoLibraries {
  if (libraries === undefined) {
    const dir = tempDir('umview-dap-modules-');
    const debug = join(dir, 'libdemo.so');
    const stripped = join(dir, 'libdemo-stripped.so');
    const linked = join(dir, 'libdemo-linked.so');
    const linkedDebug = join(dir, 'libdemo-linked.debug');
    // No build-id: only the debug link can find the debug file (not a file of the machine's /usr/lib/debug).
    execFileSync('cc', ['-g', '-O0', '-shared', '-fPIC', '-Wl,--build-id=none', '-o', debug, source('libdemo.c')]);
    execFileSync('strip', ['-o', stripped, debug]);
    execFileSync('objcopy', ['--only-keep-debug', debug, linkedDebug]);
    execFileSync('objcopy', ['--strip-debug', `--add-gnu-debuglink=${linkedDebug}`, debug, linked], { cwd: dir });
    libraries = { debug, stripped, linked, linkedDebug };
  }
  return libraries;
}

/** Launches dlopens with `library`, to the line marked `marker`; returns the pid. */
async function launchToMarker(library: string, marker: string): Promise<number> {
  const processEvent = client.waitForEvent('process') as Promise<DebugProtocol.ProcessEvent>;
  await launch(client, { program: program('dlopens'), args: [library] });
  const pid = (await processEvent).body.systemProcessId!;
  await client.setBreakpointsRequest({ source: { path: source('dlopens.c') }, breakpoints: [{ line: lineOf('dlopens.c', marker) }] });
  await stoppedAfter(client, () => client.configurationDoneRequest());
  return pid;
}

async function modules(args: DebugProtocol.ModulesArguments = {}): Promise<DebugProtocol.ModulesResponse['body']> {
  return ((await client.customRequest('modules', args)) as DebugProtocol.ModulesResponse).body;
}

/** The lowest mapped address of each file in /proc/PID/maps. */
function mappedStarts(pid: number): Map<string, bigint> {
  const starts = new Map<string, bigint>();
  for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const match = /^([0-9a-f]+)-[0-9a-f]+ \S+ \S+ \S+ \S+\s+(\/.*)$/.exec(line);
    if (match === null) continue;
    const start = BigInt(`0x${match[1]}`);
    const known = starts.get(match[2]!);
    if (known === undefined || start < known) starts.set(match[2]!, start);
  }
  return starts;
}

describe('modules', () => {
  skipEachWhen(missing.tool('cc') ?? missing.tool('strip') ?? missing.tool('objcopy'));

  it('says it supports the modules request', async () => {
    const response = await client.initializeRequest();
    expect(response.body?.supportsModulesRequest).toBe(true);
  });

  it('lists the executable, libc and the loader at the addresses /proc/PID/maps gives, with stable ids and paging', async () => {
    const pid = await launchToMarker(demoLibraries().debug, '/* loaded */');
    const body = await modules();
    const list = body.modules;
    expect(body.totalModules).toBe(list.length);
    const names = list.map((module) => module.name);
    expect(names).toContain(basename(program('dlopens')));
    expect(names).toContain('libc.so.6');
    expect(names.some((name) => /^ld-linux-x86-64\.so/.test(name))).toBe(true);
    expect(names).toContain('libdemo.so');
    const starts = mappedStarts(pid);
    for (const module of list) {
      if (module.path === '[vdso]') continue;
      expect(module.addressRange, module.name).toBe(`0x${starts.get(module.path!)!.toString(16)}`);
    }
    expect(new Set(list.map((module) => module.id)).size).toBe(list.length);
    const executable = list.find((module) => module.path === program('dlopens'))!;
    expect(executable.symbolStatus).toBe('Symbols loaded');
    const libc = list.find((module) => module.name === 'libc.so.6')!;
    // With libc6-dbg the debug information is in a separate file found by build-id.
    if (libc.symbolStatus !== 'Symbols not found') {
      expect(libc.symbolStatus).toMatch(/^Symbols loaded from \/usr\/lib\/debug\//);
      expect(existsSync((libc as { symbolFilePath?: string }).symbolFilePath!)).toBe(true);
    }
    const page = await modules({ startModule: 1, moduleCount: 2 });
    expect(page.modules.map((module) => module.id)).toEqual(list.slice(1, 3).map((module) => module.id));
    expect(page.totalModules).toBe(list.length);
    // The same objects keep their ids.
    expect((await modules()).modules.map((module) => module.id)).toEqual(list.map((module) => module.id));
  });

  it('sends a new event for a library loaded with dlopen and a removed event when dlclose unloads it', async () => {
    const events = collect<DebugProtocol.ModuleEvent>(client, 'module');
    const { debug } = demoLibraries();
    await launchToMarker(debug, '/* loaded */');
    const added = events.filter((event) => event.body.reason === 'new');
    // Every module of the first stop was announced: libc and the library too.
    const listed = (await modules()).modules;
    expect(new Set(added.map((event) => event.body.module.id))).toEqual(new Set(listed.map((module) => module.id)));
    const demo = added.find((event) => event.body.module.path === debug)!.body.module;
    expect(demo.name).toBe('libdemo.so');
    expect(demo.symbolStatus).toBe('Symbols loaded');
    expect(events.some((event) => event.body.reason === 'removed')).toBe(false);

    const threadId = (await client.threadsRequest()).body.threads[0]!.id;
    await client.setBreakpointsRequest({ source: { path: source('dlopens.c') }, breakpoints: [{ line: lineOf('dlopens.c', '/* unloaded */') }] });
    await stoppedAfter(client, () => client.continueRequest({ threadId }));
    const removed = events.filter((event) => event.body.reason === 'removed');
    expect(removed.map((event) => event.body.module.id)).toEqual([demo.id]);
    expect((await modules()).modules.some((module) => module.path === debug)).toBe(false);
  });

  it('after an exec, removes every module of the old image and announces those of the new one', async () => {
    const events = collect<DebugProtocol.ModuleEvent>(client, 'module');
    await launch(client, { program: program('execs') });
    // work() runs only in the new image.
    await client.setBreakpointsRequest({ source: { path: source('execs.c') }, breakpoints: [{ line: lineOf('execs.c', 'return stage + 40') }] });
    await stoppedAfter(client, () => client.configurationDoneRequest());
    const firstRemoved = events.findIndex((event) => event.body.reason === 'removed');
    expect(firstRemoved).toBeGreaterThan(0);
    const before = events.slice(0, firstRemoved).map((event) => event.body.module.id);
    const removed = events.filter((event) => event.body.reason === 'removed').map((event) => event.body.module.id);
    expect(new Set(removed)).toEqual(new Set(before));
    const after = events.slice(firstRemoved).filter((event) => event.body.reason === 'new');
    expect(after.map((event) => event.body.module.name)).toEqual(expect.arrayContaining([basename(program('execs')), 'libc.so.6']));
    expect(new Set((await modules()).modules.map((module) => module.id))).toEqual(new Set(after.map((event) => event.body.module.id)));
  });

  it('on restart, removes the modules of the old process and announces those of the new one', async () => {
    const events = collect<DebugProtocol.ModuleEvent>(client, 'module');
    await launchToMarker(demoLibraries().debug, '/* loaded */');
    const first = (await modules()).modules.map((module) => module.id);
    const seen = events.length;
    await stoppedAfter(client, () => client.restartRequest({}));
    const later = events.slice(seen);
    expect(new Set(later.filter((event) => event.body.reason === 'removed').map((event) => event.body.module.id))).toEqual(new Set(first));
    const second = (await modules()).modules.map((module) => module.id);
    expect(second.some((id) => first.includes(id))).toBe(false);
    expect(new Set(later.filter((event) => event.body.reason === 'new').map((event) => event.body.module.id))).toEqual(new Set(second));
  });

  it('announces the modules of a process it attaches to', async () => {
    const sleeper = await startSleeper();
    const events = collect<DebugProtocol.ModuleEvent>(client, 'module');
    const initialized = client.waitForEvent('initialized');
    await client.initializeRequest();
    await client.attachRequest({ pid: sleeper.pid } as never);
    await initialized;
    const list = (await modules()).modules;
    expect(list.map((module) => module.name)).toEqual(expect.arrayContaining([basename(program('sleeper')), 'libc.so.6']));
    expect(new Set(events.filter((event) => event.body.reason === 'new').map((event) => event.body.module.id))).toEqual(new Set(list.map((module) => module.id)));
    const starts = mappedStarts(sleeper.pid);
    for (const module of list) if (module.path !== '[vdso]') expect(module.addressRange, module.name).toBe(`0x${starts.get(module.path!)!.toString(16)}`);
    await client.disconnectRequest({});
    expect(await finishSleeper(sleeper)).toMatch(/^finished \d+\n$/);
  });

  it('says where the symbols of a library with separate debug information come from', async () => {
    const { linked, linkedDebug } = demoLibraries();
    await launchToMarker(linked, '/* loaded */');
    const library = (await modules()).modules.find((module) => module.path === linked)!;
    expect(library.symbolStatus).toBe(`Symbols loaded from ${linkedDebug}`);
    expect((library as { symbolFilePath?: string }).symbolFilePath).toBe(linkedDebug);
  });

  it('says a stripped library has no symbols', async () => {
    const { stripped } = demoLibraries();
    await launchToMarker(stripped, '/* loaded */');
    const library = (await modules()).modules.find((module) => module.path === stripped)!;
    expect(library.name).toBe('libdemo-stripped.so');
    expect(library.symbolStatus).toBe('Symbols not found');
  });
});
