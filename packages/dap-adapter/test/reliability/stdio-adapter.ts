// The adapter as an editor runs it: `node dist/cli.js` on stdio, driven by a raw client that
// writes whatever bytes a test wants. Plus the /proc checks these tests end with.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@umview/test-fixtures';
import { adapterCli, finishSleeper, processAlive, processGone, sleep, startSleeper, tracerOf } from '../dap/helpers.js';
import { RawClient, type DapMessage } from '../dap/raw-client.js';

export interface StdioAdapter {
  process: ChildProcess;
  client: RawClient;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startAdapter(): StdioAdapter {
  const child = spawn(process.execPath, [adapterCli], { stdio: ['pipe', 'pipe', 'pipe'] });
  const client = new RawClient(child.stdin!);
  child.stdout!.on('data', (chunk: Buffer) => client.feed(chunk));
  child.stdin!.on('error', () => undefined); // writes after the adapter died
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { process: child, client, stderr: () => err, exited };
}

let seq = 0;
export const request = (command: string, args?: unknown, s = ++seq): DapMessage =>
  ({ seq: s, type: 'request', command, ...(args === undefined ? {} : { arguments: args }) }) as DapMessage;

/** Sends a request and returns its response. */
export async function ask(client: RawClient, command: string, args?: unknown): Promise<DapMessage> {
  const message = request(command, args);
  client.send(message);
  return client.response(message.seq);
}

/** The process's state letter (R, S, t, T, Z) or undefined when it is gone. */
export function stateOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    return undefined;
  }
}

export { finishSleeper, processAlive, processGone, sleep, startSleeper, tracerOf };
