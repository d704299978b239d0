// The process tree under the monitor: threads, a tree of forked children, exit statuses of
// killed tracees, signals forwarded to the command, and nothing left behind when the monitor
// itself is killed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { UNREAL, cli, exec, fixture, processesWith, tempDir, umview } from './helpers.js';
import { noLeftovers, until } from './faults/fault-helpers.js';

const threads = fixture('threads', ['-O1', '-pthread']);
const forkTree = fixture('fork-tree', ['-O1']);

describe('threads', () => {
  it('a multithreaded program on /unreal paths gives the native result', async () => {
    const nat = join(tempDir(), 'd');
    const umv = join(tempDir(), 'd');
    mkdirSync(nat);
    mkdirSync(umv);
    const native = await exec(threads, [nat, '8', '40']);
    const monitored = await umview(['-m', UNREAL], [`/unreal${threads}`, `/unreal${umv}`, '8', '40']);
    expect(native.code).toBe(0);
    expect(monitored.stderr).toBe('');
    expect(monitored.code).toBe(0);
    expect(monitored.stdout.replace(`/unreal${umv}`, '$T')).toBe(native.stdout.replace(nat, '$T'));
    expect(monitored.stdout).toContain('opens=320 stats=2560 bytes=');
    expect(readdirSync(umv).sort()).toEqual(readdirSync(nat).sort());
  });

  it.each(['seccomp-all', 'syscall'])('and under --trace=%s', async (trace) => {
    const umv = join(tempDir(), 'd');
    mkdirSync(umv);
    const r = await umview(['-m', UNREAL, `--trace=${trace}`], [threads, `/unreal${umv}`, '4', '20']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^threads=4 rounds=20 opens=80 stats=320 bytes=\\d+ errors=0\ncwd=/unreal${umv}\n$`));
  });
});

describe('a tree of forked children', () => {
  it('110 processes (fork, vfork + exec) keep the guest cwd and their statuses', async () => {
    const umv = join(tempDir(), 'd');
    mkdirSync(umv);
    const r = await umview(['-m', UNREAL, '--stats'], [`/unreal${forkTree}`, `/unreal${umv}`, '/unreal/bin/true', '10']);
    expect(r.stdout).toBe('children=10 processes=110 bad=0\n');
    expect(r.code).toBe(0);
    const files = readdirSync(umv);
    expect(files).toHaveLength(100);
    // Each child chdir'ed to /unreal/...: its getcwd kept the prefix.
    for (const f of files) expect(readFileSync(join(umv, f), 'utf8')).toBe(`/unreal${umv}\n`);
    expect(r.stderr).toMatch(/processes\s+111\b/); // the first one, 10 children, 90 grandchildren, 10 vforks
  });
});

describe('exit status', () => {
  // A command killed by a signal: the monitor dies of it too (its shell sees 128 + N either way,
  // but only a death by SIGINT stops a shell's loop), as strace does.
  it.each([
    ['exit 42', { code: 42, signal: null }],
    ['exit 143', { code: 143, signal: null }],
    ['kill -TERM $$', { code: -1, signal: 'SIGTERM' }],
    ['kill -KILL $$', { code: -1, signal: 'SIGKILL' }],
    ['kill -SEGV $$', { code: -1, signal: 'SIGSEGV' }],
    ['kill -USR1 $$', { code: -1, signal: 'SIGUSR1' }],
  ])('sh -c %j: the monitor ends as the command did, %j', async (script, end) => {
    const r = await umview(['-m', UNREAL], ['/unreal/bin/sh', '-c', script]);
    expect({ code: r.code, signal: r.signal }).toEqual(end);
  });

  it('the first program decides, not its last child', async () => {
    const r = await umview(['-m', UNREAL], ['sh', '-c', '(sleep 0.2; exit 9) & exit 5']);
    expect(r.code).toBe(5);
  });
});

/** `sleep` processes whose command line carries `marker`. */
function sleepers(marker: string): number[] {
  return processesWith(marker).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep\0'));
}

/** Starts the CLI on a long command whose sleep processes carry `marker`; waits until `count`
 * of them run (so the monitor is in its stop loop, its signal handlers installed). They are
 * its grandchildren: no event says they started, /proc is polled (no deadline: vitest's timeout
 * is the hang guard; a CLI that ends first fails the test). */
async function startLong(marker: string, count: number, script: string): Promise<ReturnType<typeof spawn>> {
  const child = spawn(process.execPath, [cli, '-m', UNREAL, '--', '/unreal/bin/sh', '-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  onTestFinished(() => void child.kill('SIGKILL')); // a failed test leaves no monitor behind (its tracees die with it)
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  await until(`${count} sleep processes carrying ${marker}`, () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the CLI ended first: ${child.exitCode ?? child.signalCode}; stderr ${JSON.stringify(stderr)}`);
    return safeCount(() => sleepers(marker).length);
  }, (running) => running >= count, { everyMs: 25 });
  return child;
}

function safeCount(f: () => number): number {
  try {
    return f();
  } catch {
    return 0; // a process went away while we read it
  }
}

function exited(child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('signals', () => {
  it('the monitor killed with SIGKILL leaves no process behind', async () => {
    const marker = `7${process.pid}.${Date.now() % 100000}`;
    const child = await startLong(marker, 3, `sleep ${marker} & (sleep ${marker}; true) & sleep ${marker} & wait`);
    expect(processesWith(marker).length).toBeGreaterThanOrEqual(6); // monitor, sh, subshell, 3 sleeps
    child.kill('SIGKILL');
    expect((await exited(child)).signal).toBe('SIGKILL');
    // Killed by the kernel as the monitor dies (PTRACE_O_EXITKILL), then reaped by whoever
    // inherits them: no event of ours, /proc is polled.
    await noLeftovers(marker);
  });

  it('a command stopped and continued by its pid (as cpulimit does), not by a terminal, runs on', async () => {
    // Only a terminal's stop (the whole job's) stops the monitor with the command: the SIGCONT
    // that ends it reaches the whole job too. Here only the command is continued, once the
    // --strace log shows it stopped (/proc shows a tracer's stop at a call the same way).
    const log = join(tempDir(), 'strace');
    const child = spawn(process.execPath, [cli, '-m', UNREAL, `--strace=${log}`, '--', '/bin/sh', '-c', 'echo $$; kill -STOP $$; echo after'], { stdio: ['ignore', 'pipe', 'inherit'] });
    onTestFinished(() => void child.kill('SIGKILL'));
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
    const pid = await until('the command\'s pid', () => stdout, (out) => out.includes('\n'), { everyMs: 10 }).then((out) => Number(out.trim()));
    await until('the command stopped', () => (existsSync(log) ? readFileSync(log, 'utf8') : ''), (text) => text.includes(`${pid} --- stopped by SIGSTOP ---`), { everyMs: 10 });
    process.kill(pid, 'SIGCONT');
    expect(await exited(child)).toEqual({ code: 0, signal: null });
    expect(stdout).toBe(`${pid}\nafter\n`);
  });

  it.each(['SIGTERM', 'SIGHUP', 'SIGINT'] as const)('%s sent to the monitor is forwarded to the command', async (signal) => {
    const marker = `8${process.pid}.${Date.now() % 100000}`;
    // exec: the command itself is the sleep, and dies of the forwarded signal; the monitor too.
    const child = await startLong(marker, 1, `exec sleep ${marker}`);
    child.kill(signal);
    expect(await exited(child)).toEqual({ code: null, signal });
    // The monitor ends after the last process of its tree: nothing may be left once it has.
    expect(processesWith(marker)).toEqual([]);
  });
});
