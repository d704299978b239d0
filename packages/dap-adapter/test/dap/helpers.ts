// Shared by the DAP tests: C fixtures compiled on the fly, the built adapter driven by
// DebugClient (as VS Code drives it), and waits. No wait has a deadline of its own: each ends on
// the event or the state it waits for, and vitest's per-test timeout is the hang guard (a test
// that fails while a wait is on prints what the wait was for).
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFailed, onTestFinished } from 'vitest';
import { compileC, tempDir } from '@umview/test-fixtures';
import { until } from '@umview/test-fixtures/until';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export { until };

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

/** Compiles test/fixtures/dap/NAME.cpp with the system C++ compiler (C++17; cached) and returns the executable. */
export function cxxProgram(name: string, flags: string[] = ['-g', '-O0']): string {
  return compileC(source(`${name}.cpp`), { compiler: 'c++', flags: ['-std=c++17', ...flags], name: `dap-${name}${flags.join('').replace(/[^a-z0-9]/gi, '')}` });
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

/**
 * Registers what a wait is for, printed if the test fails (times out) while it is still on.
 * Returns the function that says the wait is over. Outside a test (no test to fail) it does nothing.
 */
export function whileWaiting(what: () => string): () => void {
  let waiting = true;
  try {
    onTestFailed(() => {
      if (waiting) console.error(`still waiting for ${what()}`);
    });
  } catch {
    // not inside a test
  }
  return () => {
    waiting = false;
  };
}

/**
 * DebugClient whose waits (waitForEvent, assertOutput, and the library's helpers built on them)
 * have no deadline: the library's (`defaultTimeout`, counted from the call, not from the moment
 * the event is due) fails on a busy machine a test that would have passed.
 */
export class PatientDebugClient extends DebugClient {
  override waitForEvent(eventType: string): Promise<DebugProtocol.Event> {
    const done = whileWaiting(() => `the event '${eventType}'`);
    return new Promise((resolve) => {
      this.once(eventType, (event: DebugProtocol.Event) => {
        done();
        resolve(event);
      });
    });
  }

  /** Output of `category` from now on, which must be `expected` (rejected as soon as it cannot be). */
  override assertOutput(category: string, expected: string): Promise<DebugProtocol.Event> {
    let output = '';
    const done = whileWaiting(() => `${category} output ${JSON.stringify(expected)}, got ${JSON.stringify(output)} so far`);
    return new Promise((resolve, reject) => {
      const listener = (event: DebugProtocol.OutputEvent): void => {
        if (event.body.category !== category) return;
        output += event.body.output;
        if (output.startsWith(expected)) {
          this.off('output', listener);
          done();
          resolve(event);
        } else if (!expected.startsWith(output)) {
          this.off('output', listener);
          done();
          reject(new Error(`received ${category} ${JSON.stringify(output)}, which is not a prefix of ${JSON.stringify(expected)}`));
        }
      };
      this.on('output', listener);
    });
  }
}

/** A DebugClient talking to a fresh `node dist/cli.js` over stdio. */
export async function startClient(): Promise<DebugClient> {
  const client = new PatientDebugClient(process.execPath, adapterCli, 'umview');
  await client.start();
  return client;
}

/** Disconnects (if the adapter still answers), ends the adapter process and waits for its exit. */
export async function stopClient(client: DebugClient): Promise<void> {
  const internals = client as unknown as { _adapterProcess?: ChildProcess | null; stopAdapter(): void };
  const adapter = internals._adapterProcess;
  if (adapter == null) {
    internals.stopAdapter();
    return;
  }
  const running = adapter.exitCode === null && adapter.signalCode === null;
  const exited = running ? new Promise((resolve) => adapter.once('exit', resolve)) : Promise.resolve();
  // After a test's own disconnect the adapter has exited (or is exiting, and will not answer):
  // this disconnect may then meet a closed pipe (EPIPE), which is no failure of the test.
  adapter.stdin?.on('error', () => undefined);
  if (running) await Promise.race([client.disconnectRequest().catch(() => undefined), exited]);
  internals.stopAdapter(); // SIGTERM: the adapter lets its debuggee go as disconnect would, and exits
  await exited;
}

/**
 * The debuggee's stdout from now on, once it matches `pattern` (a pipe is block-buffered: the
 * program's lines come together, usually at its exit). The adapter sends the last output before
 * `exited`, but only waits so long for it; waiting for the text itself needs no such promise.
 */
export function stdoutUntil(client: DebugClient, pattern: RegExp): Promise<string> {
  let text = '';
  const done = whileWaiting(() => `stdout matching ${pattern}, got ${JSON.stringify(text)} so far`);
  return new Promise((resolve) => {
    const listener = (event: DebugProtocol.OutputEvent): void => {
      if (event.body.category !== 'stdout') return;
      text += event.body.output;
      if (!pattern.test(text)) return;
      client.off('output', listener);
      done();
      resolve(text);
    };
    client.on('output', listener);
  });
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

/** Polls /proc until `pid` is gone (or a zombie): a process that is not our child has no exit event for us. */
export async function processGone(pid: number): Promise<void> {
  await until(`process ${pid} to end`, () => processAlive(pid), (alive) => !alive);
}

/** The pid of the process tracing `pid` (TracerPid), 0 when none or when `pid` is gone. */
export function tracerOf(pid: number): number {
  try {
    return Number(/^TracerPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]);
  } catch {
    return 0;
  }
}

export interface Sleeper {
  pid: number;
  /** The file it writes "finished N" to when it ends normally. */
  result: string;
}

/** Starts fixtures/dap/sleeper.c through sh, so that it is not a child of this process, and
 * returns once it has allowed tracers (PR_SET_PTRACER) and is ticking. */
export async function startSleeper(): Promise<Sleeper> {
  const result = join(tempDir('umview-dap-sleeper-'), 'result.txt');
  const out = execFileSync('sh', ['-c', `"$0" "$1" >/dev/null 2>&1 & echo $!`, program('sleeper'), result], { encoding: 'utf8' });
  const sleeper = { pid: Number(out.trim()), result };
  await until(`sleeper ${sleeper.pid} ready`, () => existsSync(`${result}.ready`));
  return sleeper;
}

/** Once no debugger holds it, asks the sleeper to finish (SIGUSR1) and returns what it wrote
 * when it ended: "finished N" when it ran on normally, nothing when a breakpoint left in it
 * killed it. */
export async function finishSleeper(sleeper: Sleeper): Promise<string | undefined> {
  await until(`sleeper ${sleeper.pid} let go`, () => tracerOf(sleeper.pid), (tracer) => tracer === 0);
  if (processAlive(sleeper.pid)) process.kill(sleeper.pid, 'SIGUSR1');
  await processGone(sleeper.pid);
  return existsSync(sleeper.result) ? readFileSync(sleeper.result, 'utf8') : undefined;
}

/**
 * gdb as the oracle: runs `program` to `file:line` (its hit number `skipHits + 1`) and prints
 * each expression; returns the values as gdb prints them (`$1 = ` removed), by expression.
 * `settings` are gdb commands run first (`set print object on`).
 */
export function gdbValues(program: string, location: string, expressions: readonly string[], skipHits = 0, settings: readonly string[] = []): Map<string, string> {
  const args = ['-nx', '-batch', '-ex', 'set width 0', '-ex', 'set print pretty off', ...settings.flatMap((setting) => ['-ex', setting]), '-ex', `break ${location}`];
  if (skipHits > 0) args.push('-ex', `ignore 1 ${skipHits}`);
  args.push('-ex', 'run');
  for (const expression of expressions) args.push('-ex', `print ${expression}`);
  const output = execFileSync('gdb', [...args, program], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const values = [...output.matchAll(/^\$\d+ = (.*)$/gm)].map((match) => match[1]!);
  if (values.length !== expressions.length) throw new Error(`gdb printed ${values.length} values for ${expressions.length} expressions:\n${output}`);
  return new Map(expressions.map((expression, index) => [expression, values[index]!]));
}

/** Launches `name` (compiled with `flags`) to the line holding `text`; returns the thread and the top frame's id. */
export async function launchTo(client: DebugClient, name: string, text: string, flags?: string[]): Promise<{ threadId: number; frameId: number; frames: DebugProtocol.StackFrame[] }> {
  return launchFixtureTo(client, program(name, flags), `${name}.c`, text);
}

/** Launches the C++ fixture `name` (compiled with `flags`) to the line holding `text`. */
export async function launchCxxTo(client: DebugClient, name: string, text: string, flags?: string[]): Promise<{ threadId: number; frameId: number; frames: DebugProtocol.StackFrame[] }> {
  return launchFixtureTo(client, cxxProgram(name, flags), `${name}.cpp`, text);
}

async function launchFixtureTo(client: DebugClient, executable: string, file: string, text: string): Promise<{ threadId: number; frameId: number; frames: DebugProtocol.StackFrame[] }> {
  await launch(client, { program: executable });
  await client.setBreakpointsRequest({ source: { path: source(file) }, breakpoints: [{ line: lineOf(file, text) }] });
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
