import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { missing } from '@umview/test-fixtures/machine';
import { PermissionError, Tracer, type Stop } from '@umview/ptrace-core';
import { fixture, outputFile, processExists, runToEnd } from './helpers.js';
import { until } from './proc-state.js';

let tracer: Tracer;
afterEach(() => tracer?.close());

describe('processes and threads', () => {
  it('follows fork, vfork, clone and 4 threads: every tid seen, every exit reaped', () => {
    tracer = new Tracer();
    const out = outputFile();
    const root = tracer.spawn(fixture('family', ['-O0', '-pthread']), [], { stdout: { path: out.path } });
    root.syscall();
    const created = new Map<number, Stop['kind']>();
    const firstStop = new Map<number, Stop>();
    const exits = new Map<number, Stop>();
    const syscallTids = new Set<number>();
    runToEnd(tracer, (stop) => {
      if (stop.kind === 'fork' || stop.kind === 'vfork' || stop.kind === 'clone') {
        // The event names the child before the child's first stop is delivered.
        expect(firstStop.has(stop.child.tid)).toBe(false);
        expect(stop.child.parentTid).toBe(stop.tid);
        created.set(stop.child.tid, stop.kind);
      } else if (!firstStop.has(stop.tid)) {
        firstStop.set(stop.tid, stop);
      }
      if (stop.kind === 'syscall-enter') syscallTids.add(stop.tid);
      if (stop.kind === 'exited' || stop.kind === 'killed') exits.set(stop.tid, stop);
    });
    const kinds = [...created.values()].sort();
    // The kernel reports clone(SIGCHLD) as a fork event; the 4 threads are clone events.
    expect(kinds).toEqual(['clone', 'clone', 'clone', 'clone', 'fork', 'fork', 'vfork']);
    for (const tid of created.keys()) {
      expect(firstStop.get(tid)).toMatchObject({ kind: 'interrupt', cause: 'new-child' });
      expect(syscallTids.has(tid)).toBe(true);
      expect(exits.has(tid)).toBe(true);
    }
    expect(exits.get(root.tid)).toMatchObject({ kind: 'exited', code: 0 });
    expect(exits.size).toBe(created.size + 1);
    expect(out.read()).toBe('family done\n');
    expect(tracer.tracees.size).toBe(0);
    // The fork child exited with 3, the clone child with 7.
    const codes = [...exits.values()].map((s) => (s.kind === 'exited' ? s.code : -1)).sort();
    expect(codes).toEqual([0, 0, 0, 0, 0, 0, 3, 7]);
  });

  it('follows threads but not forked processes with followForks: false', () => {
    tracer = new Tracer();
    const out = outputFile();
    const root = tracer.spawn(fixture('family', ['-O0', '-pthread']), [], { stdout: { path: out.path }, followForks: false });
    root.cont();
    const kinds: string[] = [];
    runToEnd(tracer, (stop) => {
      if (stop.kind === 'clone' || stop.kind === 'fork' || stop.kind === 'vfork') kinds.push(stop.kind);
    }, 'cont');
    expect(kinds).toEqual(['clone', 'clone', 'clone', 'clone']);
    expect(out.read()).toBe('family done\n');
  });

  it('knows threads from processes', () => {
    tracer = new Tracer();
    const root = tracer.spawn(fixture('family', ['-O0', '-pthread']), [], { stdout: 'ignore' });
    root.cont();
    const threads: number[] = [];
    const processes: number[] = [];
    runToEnd(tracer, (stop) => {
      if (stop.kind === 'clone' || stop.kind === 'fork' || stop.kind === 'vfork') {
        (stop.child.pid === root.pid ? threads : processes).push(stop.child.tid);
      }
    }, 'cont');
    expect(threads).toHaveLength(4);
    expect(processes).toHaveLength(3);
  });

  it('follows an exec from a non-leader thread: the exec stop carries the former tid', () => {
    tracer = new Tracer();
    const out = outputFile();
    const root = tracer.spawn(fixture('mt-exec', ['-O0', '-pthread']), [], { stdout: { path: out.path } });
    root.cont();
    const threadTids: number[] = [];
    let exec: Stop | undefined;
    const stops = runToEnd(tracer, (stop) => {
      if (stop.kind === 'clone') threadTids.push(stop.child.tid);
      if (stop.kind === 'exec') exec = stop;
    }, 'cont');
    expect(threadTids).toHaveLength(2);
    expect(exec).toBeDefined();
    if (exec?.kind === 'exec') {
      expect(exec.tid).toBe(root.tid);
      expect(threadTids).toContain(exec.formerTid);
      expect(exec.tracee).toBe(root);
    }
    expect(out.read()).toBe('exec from thread\n');
    expect(stops.at(-1)).toMatchObject({ kind: 'exited', tid: root.tid, code: 0 });
    expect(tracer.tracees.size).toBe(0);
  });
});

describe('attach and detach', () => {
  /** Starts a process that is not our child (so that libuv never waits for it), and returns
   * once it runs its threads (it prints "ready" then). */
  async function startDetached(program: string): Promise<number> {
    const out = outputFile();
    const pid = Number(execFileSync('/bin/sh', ['-c', '"$0" >"$1" 2>&1 & echo $!', program, out.path], { encoding: 'utf8' }).trim());
    await until(`process ${pid} ready`, () => (existsSync(out.path) ? out.read() : ''), (text) => text === 'ready\n');
    return pid;
  }

  it('attaches to a running process with all its threads, and detaches leaving it running', async () => {
    const pid = await startDetached(fixture('sleeper', ['-O0', '-pthread']));
    try {
      tracer = new Tracer();
      const leader = tracer.attach(pid);
      expect(leader.tid).toBe(pid);
      expect(tracer.tracees.size).toBe(3);
      for (const tracee of tracer.tracees.values()) {
        expect(tracee.state).toBe('stopped');
        expect(tracee.lastStop).toMatchObject({ kind: 'interrupt', cause: 'attach' });
        expect(tracee.getRegisters().rip).toBeGreaterThan(0n);
      }
      expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(new RegExp(`TracerPid:\\s+${process.pid}`));
      for (const tracee of [...tracer.tracees.values()]) tracee.detach();
      expect(tracer.tracees.size).toBe(0);
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      expect(status).toMatch(/TracerPid:\s+0/);
      expect(status).toMatch(/State:\s+[SR]/); // running again (not t: tracing stop)
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });

  it('close() detaches attached processes instead of killing them', async () => {
    const pid = await startDetached(fixture('sleeper', ['-O0', '-pthread']));
    try {
      tracer = new Tracer();
      const leader = tracer.attach(pid);
      leader.cont();
      tracer.close();
      expect(processExists(pid)).toBe(true);
      expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/TracerPid:\s+0/);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });

  it('under Yama, refuses a process that is not a descendant and did not allow it, with the reason', async (ctx) => {
    if (missing.attach() === undefined) ctx.skip('attaching to non-descendants is allowed here (no Yama restriction, or CAP_SYS_PTRACE): nothing to refuse');
    // sleep(1) calls no prctl: only its descendants (none) may trace it.
    const pid = Number(execFileSync('/bin/sh', ['-c', 'sleep 1000 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }).trim());
    try {
      tracer = new Tracer();
      expect(() => tracer.attach(pid)).toThrow(PermissionError);
      expect(() => tracer.attach(pid)).toThrow(/operation not permitted \(check ptrace_scope and capabilities\)/);
      expect(tracer.tracees.size).toBe(0);
      expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/TracerPid:\s+0/);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });

  it('refuses to attach to a process that is already traced, or to a missing one', () => {
    tracer = new Tracer();
    const first = tracer.spawn(fixture('sleeper', ['-O0', '-pthread']), [], { stdout: 'ignore' });
    const other = new Tracer();
    // Same thread, same process: the kernel says EPERM because we already trace it.
    expect(() => other.attach(first.pid)).toThrow(/already traced/);
    expect(() => other.attach(99999999)).toThrow(/no process/);
    expect(() => other.attach(1)).toThrow();
  });
});
