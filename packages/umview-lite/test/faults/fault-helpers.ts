// Shared by the fault-injection tests: programs started natively or under the umview-lite CLI
// with their output read line by line, signal storms, and the /proc checks that nothing was
// left behind (no process alive, none stopped) after a scenario.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { cli, sleep } from '../helpers.js';

/** How many times each race-prone scenario runs: FAULT_ITERATIONS=N multiplies the counts
 * (FAULT_ITERATIONS=20 for the long run the README documents). */
export const SCALE = Math.max(1, Number(process.env.FAULT_ITERATIONS ?? 1));
export const iterations = (base: number): number => Math.ceil(base * SCALE);

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern` (or rejects after `timeoutMs`). */
  line(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `argv` natively, or under the CLI with `cliArgs` when they are given; with `stdin`,
 * the program's standard input is a pipe (child.stdin) instead of /dev/null. */
export function start(argv: readonly string[], cliArgs?: readonly string[], options: { stdin?: boolean } = {}): Running {
  const stdio: ['pipe' | 'ignore', 'pipe', 'pipe'] = [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'];
  const child = cliArgs === undefined
    ? spawn(argv[0]!, argv.slice(1), { stdio })
    : spawn(process.execPath, [cli, ...cliArgs, '--', ...argv], { stdio });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const wake of waiters.splice(0)) wake();
      // Let the last output arrive.
      setTimeout(() => resolve({ code, signal }), 20);
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    line: (pattern, timeoutMs = 10_000) => new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`no line matching ${pattern} after ${timeoutMs} ms; stdout ${JSON.stringify(out)} stderr ${JSON.stringify(err)}`)), timeoutMs);
      const check = (): void => {
        const match = out.split('\n').map((l) => pattern.exec(l)).find((m) => m !== null);
        if (match) {
          clearTimeout(deadline);
          resolve(match);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(deadline);
          reject(new Error(`exited without a line matching ${pattern}; stdout ${JSON.stringify(out)} stderr ${JSON.stringify(err)}`));
        } else waiters.push(check);
      };
      check();
    }),
  };
}

/** Sends `count` signals to `pid`, `gapMs` apart (0: back to back, yielding now and then). */
export async function storm(pid: number, signal: NodeJS.Signals, count: number, gapMs = 1): Promise<number> {
  let sent = 0;
  for (let i = 0; i < count; i++) {
    try {
      process.kill(pid, signal);
      sent++;
    } catch {
      break; // gone
    }
    if (gapMs > 0) await sleep(gapMs);
    else if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

export interface ProcState {
  pid: number;
  state: string;
  ppid: number;
  tracerPid: number;
  cmdline: string;
}

/** Processes whose command line contains `marker`, with their state letter (R, S, t, T, Z...). */
export function processesMarked(marker: string): ProcState[] {
  const found: ProcState[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes(marker)) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
      found.push({
        pid: Number(entry), state: field('State').slice(0, 1), ppid: Number(field('PPid')), tracerPid: Number(field('TracerPid')),
        cmdline: cmdline.split('\0').join(' ').trim(),
      });
    } catch {
      /* gone while we looked */
    }
  }
  return found;
}

/** Waits until no process carries `marker` (zombies of our own children aside); returns what is
 * left after `timeoutMs` (the assertion's subject: it must be empty). */
export async function leftovers(marker: string, timeoutMs = 5000): Promise<ProcState[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const left = processesMarked(marker).filter((p) => p.state !== 'Z' || p.ppid !== process.pid);
    if (left.length === 0 || Date.now() > end) return left;
    await sleep(20);
  }
}

let counter = 0;
/** A string unique to this test run, to find a scenario's processes in /proc by. */
export function marker(): string {
  return `umvfault${process.pid}x${++counter}x${Date.now() % 1_000_000}`;
}
