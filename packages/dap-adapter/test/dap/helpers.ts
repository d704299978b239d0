// Shared by the DAP tests: C fixtures compiled on the fly, the built adapter driven by
// DebugClient (as VS Code drives it), and small waits.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC, tempDir } from '@umview/test-fixtures';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const adapterCli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/dap/', import.meta.url));

/** Absolute path of a fixture's source, as its DWARF names it. */
export function source(name: string): string {
  return join(fixtures, name);
}

/** Compiles test/fixtures/dap/NAME.c (cached) and returns the executable. */
export function program(name: string, flags: string[] = ['-g', '-O0']): string {
  return compileC(source(`${name}.c`), { flags, name: `dap-${name}${flags.join('').replace(/[^a-z0-9]/gi, '')}` });
}

let libraryDir: string | undefined;

/** uses-lib linked against libdemo.so (both -g -O0), built into a temporary folder. */
export function programWithLibrary(): { program: string; library: string } {
  libraryDir ??= tempDir('umview-dap-lib-');
  const library = join(libraryDir, 'libdemo.so');
  const main = join(libraryDir, 'uses-lib');
  if (!existsSync(main)) {
    execFileSync('cc', ['-g', '-O0', '-shared', '-fPIC', '-o', library, source('libdemo.c')]);
    execFileSync('cc', ['-g', '-O0', '-o', main, source('uses-lib.c'), `-L${libraryDir}`, '-ldemo', `-Wl,-rpath,${libraryDir}`]);
  }
  return { program: main, library };
}

/** The 1-based line of the first line of a fixture that contains `text`. */
export function lineOf(name: string, text: string): number {
  const index = readFileSync(source(name), 'utf8').split('\n').findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${text} is not in ${name}`);
  return index + 1;
}

/** A DebugClient talking to a fresh `node dist/cli.js` over stdio. */
export async function startClient(): Promise<DebugClient> {
  const client = new DebugClient(process.execPath, adapterCli, 'umview');
  client.defaultTimeout = 10_000;
  await client.start();
  return client;
}

/** Disconnects (if the adapter still answers) and ends the adapter process. */
export async function stopClient(client: DebugClient): Promise<void> {
  const internals = client as unknown as { _adapterProcess?: ChildProcess | null; stopAdapter(): void };
  const adapter = internals._adapterProcess;
  // After a test's own disconnect the adapter has exited (or is exiting): nothing to ask.
  if (adapter != null && adapter.exitCode === null && adapter.signalCode === null) {
    const exited = new Promise((resolve) => adapter.once('exit', resolve));
    await Promise.race([client.disconnectRequest().catch(() => undefined), exited, sleep(3000)]);
  }
  internals.stopAdapter();
}

/** initialize + launch (the client waits for `initialized` before configuring). */
export async function launch(client: DebugClient, args: Record<string, unknown>): Promise<void> {
  const initialized = client.waitForEvent('initialized');
  await client.launch(args);
  await initialized;
}

/** Sends a request and waits for the `stopped` event that follows it. */
export async function stoppedAfter(client: DebugClient, send: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = client.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await send();
  return stopped;
}

/** The top frames of a thread: "name:line" (line 0 when unknown). */
export async function frames(client: DebugClient, threadId: number, levels = 0): Promise<DebugProtocol.StackFrame[]> {
  return (await client.stackTraceRequest({ threadId, levels })).body.stackFrames;
}

export async function topFrame(client: DebugClient, threadId: number): Promise<{ name: string; line: number; path: string | undefined }> {
  const frame = (await frames(client, threadId, 1))[0]!;
  return { name: frame.name, line: frame.line, path: frame.source?.path };
}

/** Every event of one kind from now on. */
export function collect<T extends DebugProtocol.Event>(client: DebugClient, event: string): T[] {
  const seen: T[] = [];
  client.on(event, (e: T) => seen.push(e));
  return seen;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The state letter of /proc/PID/task/TID/stat (R, S, t...). */
export function threadState(pid: number, tid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2)[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await sleep(10);
  }
}
