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

/**
 * gdb as the oracle: runs `program` to `file:line` (its hit number `skipHits + 1`) and prints
 * each expression; returns the values as gdb prints them (`$1 = ` removed), by expression.
 */
export function gdbValues(program: string, location: string, expressions: readonly string[], skipHits = 0): Map<string, string> {
  const args = ['-nx', '-batch', '-ex', 'set width 0', '-ex', 'set print pretty off', '-ex', `break ${location}`];
  if (skipHits > 0) args.push('-ex', `ignore 1 ${skipHits}`);
  args.push('-ex', 'run');
  for (const expression of expressions) args.push('-ex', `print ${expression}`);
  const output = execFileSync('gdb', [...args, program], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const values = [...output.matchAll(/^\$\d+ = (.*)$/gm)].map((match) => match[1]!);
  if (values.length !== expressions.length) throw new Error(`gdb printed ${values.length} values for ${expressions.length} expressions:\n${output}`);
  return new Map(expressions.map((expression, index) => [expression, values[index]!]));
}

export function hasGdb(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v gdb'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Launches `name` (compiled with `flags`) to the line holding `text`; returns the thread and the top frame's id. */
export async function launchTo(client: DebugClient, name: string, text: string, flags?: string[]): Promise<{ threadId: number; frameId: number; frames: DebugProtocol.StackFrame[] }> {
  await launch(client, { program: program(name, flags) });
  await client.setBreakpointsRequest({ source: { path: source(`${name}.c`) }, breakpoints: [{ line: lineOf(`${name}.c`, text) }] });
  const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
  const threadId = stopped.body.threadId!;
  const stack = await frames(client, threadId);
  return { threadId, frameId: stack[0]!.id, frames: stack };
}

/** The variables of a scope (by name) of a frame. */
export async function scopeVariables(client: DebugClient, frameId: number, scope: string): Promise<DebugProtocol.Variable[]> {
  const scopes = (await client.scopesRequest({ frameId })).body.scopes;
  const found = scopes.find((candidate) => candidate.name === scope);
  if (found === undefined) throw new Error(`no scope ${scope} in ${scopes.map((candidate) => candidate.name).join(', ')}`);
  return (await client.variablesRequest({ variablesReference: found.variablesReference })).body.variables;
}

export async function children(client: DebugClient, variable: { variablesReference: number }, args: Partial<DebugProtocol.VariablesArguments> = {}): Promise<DebugProtocol.Variable[]> {
  if (variable.variablesReference === 0) throw new Error('the variable has no children');
  return (await client.variablesRequest({ variablesReference: variable.variablesReference, ...args })).body.variables;
}

export function byName<T extends { name: string }>(list: readonly T[], name: string): T {
  const found = list.find((item) => item.name === name);
  if (found === undefined) throw new Error(`no ${name} in ${list.map((item) => item.name).join(', ')}`);
  return found;
}
