// Shared by the fault-injection tests: programs started natively or under the umview-lite CLI
// with their output read line by line, signal storms, and the /proc checks that nothing was
// left behind (no process alive, none stopped) after a scenario.
//
// No wall-clock limits and no sleeps as synchronisation: each wait is for the event or the
// state that proves what a test needs. A state with no event of its own (a process that is not
// our child going away, a tracee blocking in a call) is polled (until()) with no deadline of its
// own: vitest's per-test timeout is the hang guard; a test that fails while a wait is on prints
// what the wait saw last, and kills what its scenario left (marker()).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { onTestFailed } from 'vitest';
import { syscallNumber } from '@umview/ptrace-core';
import { until } from '@umview/test-fixtures/until';
import { cli, sleep } from '../helpers.js';

export { until };

/** How many times each race-prone scenario runs: FAULT_ITERATIONS=N multiplies the counts
 * (FAULT_ITERATIONS=20 for the long run the README documents). */
export const SCALE = Math.max(1, Number(process.env.FAULT_ITERATIONS ?? 1));
export const iterations = (base: number): number => Math.ceil(base * SCALE);

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern`; rejects once no line can come
   * (the stdout pipe is closed: the program and every process that shared it are gone). */
  line(pattern: RegExp): Promise<RegExpMatchArray>;
  /** The exit status, once the program has exited and its output is all read (the pipes are
   * closed: with the processes that shared them gone too). */
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
  let outClosed = false;
  const waiters: (() => void)[] = [];
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    wake();
  });
  child.stdout!.once('end', () => {
    outClosed = true;
    wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    line: (pattern) => new Promise((resolve, reject) => {
      let waiting = true;
      onTestFailed(() => {
        if (waiting) console.error(`still waiting for a line matching ${pattern}; stdout ${JSON.stringify(out)} stderr ${JSON.stringify(err)}`);
      });
      const check = (): void => {
        const match = out.split('\n').map((l) => pattern.exec(l)).find((m) => m !== null);
        if (match) {
          waiting = false;
          resolve(match);
        } else if (outClosed) {
          waiting = false;
          reject(new Error(`no line matching ${pattern} came; stdout ${JSON.stringify(out)} stderr ${JSON.stringify(err)}`));
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

/** Processes carrying `marker` that count as left behind (zombies of our own children aside:
 * reaping them is Node's business). */
function leftBehind(marker: string): ProcState[] {
  return processesMarked(marker).filter((p) => p.state !== 'Z' || p.ppid !== process.pid);
}

/** Waits until no process carries `marker`: none alive, none stopped. They are not our children
 * (or not only): no event says they are all gone, so /proc is polled; one that never goes fails
 * the test at vitest's timeout, which prints it (and marker() kills it). */
export async function noLeftovers(marker: string): Promise<void> {
  await until(`no process carrying ${marker}`, () => leftBehind(marker), (left) => left.length === 0, { everyMs: 20 });
}

export interface ThreadState {
  /** The state letter of /proc/PID/stat (S: asleep in a call, t: in a ptrace-stop...). */
  state: string;
  /** The syscall the thread is blocked in (/proc/PID/syscall), undefined while it runs. */
  nr: number | undefined;
  /** Whether a signal is pending for it (SigPnd or ShdPnd). */
  signalPending: boolean;
}

/** The state of the thread `pid` (a single-threaded program), undefined once it is gone. */
export function threadState(pid: number): ThreadState | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const nr = readFileSync(`/proc/${pid}/syscall`, 'latin1').split(' ')[0]!.trim();
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const pending = ['SigPnd', 'ShdPnd'].some((field) => !/^0+$/.test(new RegExp(`^${field}:\\s*(\\w+)`, 'm').exec(status)?.[1] ?? '0'));
    return { state: stat.slice(stat.lastIndexOf(')') + 2)[0]!, nr: /^\d+$/.test(nr) ? Number(nr) : undefined, signalPending: pending };
  } catch {
    return undefined;
  }
}

/** Waits until the program `pid` is asleep in the syscall `name`, in the kernel (not in a
 * ptrace-stop, where the monitor would hold it), with no signal pending: the state in which a
 * signal interrupts that call as it would natively, and in which nothing of a storm is left. */
export async function blockedIn(pid: number, name: string): Promise<void> {
  const nr = syscallNumber(name)!;
  await until(`process ${pid} asleep in ${name}, no signal pending`, () => threadState(pid), (t) => t === undefined || (t.state === 'S' && t.nr === nr && !t.signalPending));
  if (threadState(pid) === undefined) throw new Error(`process ${pid} ended before it blocked in ${name}`);
}

let counter = 0;
/** A string unique to this test run, to find a scenario's processes in /proc by. Call it inside
 * a test: should the test fail, whatever still carries the marker is printed and killed, so
 * that a failed (or timed-out) test leaves nothing behind. */
export function marker(): string {
  const tag = `umvfault${process.pid}x${++counter}x${Date.now() % 1_000_000}`;
  onTestFailed(() => {
    const left = leftBehind(tag);
    if (left.length === 0) return;
    console.error(`killing what the failed test left: ${JSON.stringify(left)}`);
    for (const { pid } of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
  return tag;
}
