// Held calls under the real monitor (ModuleContext.hold, monitor/held-calls.ts): a module holds
// a process's call until a promise settles, and the monitor serves the other processes
// meanwhile; a hold without an answer fails with EIO after its timeout; a held process killed
// from outside leaves nothing behind; many holds at once are all answered; an answer ready at
// once comes after a microtask. The module is an object given to the library's run().
import { constants } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SyscallCall } from '@umview/sysvm';
import { run, type ModuleContext, type MonitorStats, type UmviewModule } from '@umview/umview-lite';
import { TRACE_MODES, fixture, processesWith, tempDir, umview } from './helpers.js';

const program = fixture('held-calls');

/** The roles of held-calls.c's calls (their first argument). */
const ROLE = { WAITER: 1001, GATE: 1002, PEER: 1003, NO_ANSWER: 1004, MANY: 1006, AT_ONCE: 1007, BAD_FINISH: 1008 } as const;
const { EIO } = constants.errno;

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A module claiming getppid: `handle` gets each call with its role; other calls run. */
function roleModule(handle: (call: SyscallCall, role: number, context: ModuleContext) => void): UmviewModule {
  return {
    name: 'held-test',
    syscalls: ['getppid'],
    handleSyscall(call, context) {
      const role = Number(call.args[0]);
      if (role < 1000) return false;
      handle(call, role, context);
      return true;
    },
  };
}

/** Runs held-calls.c with `args` under `module`; its output. */
async function runFixture(module: UmviewModule, args: string[], trace: (typeof TRACE_MODES)[number]): Promise<{ out: string; exitStatus: number; stats: MonitorStats }> {
  const out = join(tempDir(), 'out');
  const result = await run([program, ...args], { modules: [module], trace, spawn: { stdout: { path: out } } });
  return { out: readFileSync(out, 'utf8'), exitStatus: result.exitStatus, stats: result.stats };
}

/** A skip with the outcome's value, or -EIO for a failure. */
const answer = (call: SyscallCall) => (outcome: { ok: boolean; value?: number }): void => call.skip(outcome.ok ? outcome.value! : -EIO);

describe.each(TRACE_MODES)('--trace=%s', (trace) => {
  it('a held call waits while the others are served: B, started once A is held, answers A', async () => {
    let waiter: Deferred<number> | undefined;
    let gate: Deferred<number> | undefined;
    const order: string[] = [];
    const module = roleModule((call, role, context) => {
      switch (role) {
        case ROLE.WAITER:
          waiter = deferred();
          context.hold(call, waiter.promise, answer(call));
          order.push('A held');
          gate?.resolve(0); // the parent may start B now
          break;
        case ROLE.GATE:
          gate = deferred();
          if (waiter) gate.resolve(0);
          context.hold(call, gate.promise, answer(call));
          order.push('gate held');
          break;
        case ROLE.PEER:
          order.push(`B called, A ${waiter ? 'waiting' : 'not held'}`);
          call.skip(0);
          waiter!.resolve(call.pid);
          break;
      }
    });
    const { out, exitStatus } = await runFixture(module, ['pair'], trace);
    expect(exitStatus).toBe(0);
    const bPid = /^B was (\d+); A exited 0, B exited 0$/m.exec(out)?.[1];
    expect(bPid).toBeDefined();
    expect(out).toContain(`A got ${bPid}\n`);
    expect(order.filter((o) => o.startsWith('B'))).toEqual(['B called, A waiting']);
    expect(order).toHaveLength(3);
  });

  it('a hold that gets no answer fails with EIO after its timeout; the late answer is dropped', async () => {
    const outcomes: unknown[] = [];
    const module = roleModule((call, role, context) => {
      if (role !== ROLE.NO_ANSWER) return;
      const late = deferred<number>();
      context.hold(call, late.promise, (outcome) => {
        outcomes.push(outcome);
        answer(call)(outcome);
        late.resolve(7); // too late: dropped
      }, { timeoutMs: 20 });
    });
    const { out, stats } = await runFixture(module, ['one', String(ROLE.NO_ANSWER)], trace);
    expect(out).toBe(`result -1 errno ${EIO}\n`);
    expect([stats.held, stats.heldTimedOut]).toEqual([1, 1]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { name: 'FsError', code: 'EIO' } });
  });

  it('a held process killed with SIGKILL from outside: abandoned, nothing left, the monitor ends', async () => {
    const marker = `held-killed-${process.pid}-${trace}`;
    const seen: string[] = [];
    const module = roleModule((call, role, context) => {
      if (role !== ROLE.WAITER) return;
      context.hold(call, new Promise<number>(() => {}), () => seen.push('finish'), {
        timeoutMs: Infinity,
        abandon: () => seen.push('abandon'),
      });
      // From outside the tracer's handling: the monitor is waiting, idle, when it lands.
      setImmediate(() => process.kill(call.pid, 'SIGKILL'));
    });
    const { out, exitStatus } = await runFixture(module, ['killed', marker], trace);
    expect(out).toBe('child killed by 9\n');
    expect(exitStatus).toBe(0);
    expect(seen).toEqual(['abandon']);
    expect(processesWith(marker)).toEqual([]);
  });

  it('a finish that meets its thread killed (TraceeGone) is swallowed: the run goes on', async () => {
    const seen: string[] = [];
    const module = roleModule((call, role, context) => {
      if (role !== ROLE.WAITER) return;
      context.hold(call, Promise.resolve(0), () => {
        seen.push('finish');
        call.tracee.getRegisters(); // ESRCH: killed while held, its death not reported yet
        seen.push('not reached');
      });
      process.kill(call.pid, 'SIGKILL');
    });
    const { out, exitStatus } = await runFixture(module, ['killed'], trace);
    expect(out).toBe('child killed by 9\n');
    expect(exitStatus).toBe(0);
    expect(seen).toEqual(['finish']);
  });

  it('the main thread held while another thread execs: abandoned, the new program runs', async () => {
    const seen: string[] = [];
    let waiterHeld = false;
    let gate: Deferred<number> | undefined;
    const module = roleModule((call, role, context) => {
      if (role === ROLE.WAITER) {
        context.hold(call, new Promise<number>(() => {}), () => seen.push('finish'), { abandon: () => seen.push('abandon') });
        waiterHeld = true;
        gate?.resolve(0);
      } else if (role === ROLE.GATE) {
        gate = deferred();
        if (waiterHeld) gate.resolve(0);
        context.hold(call, gate.promise, answer(call));
      }
    });
    const { out, exitStatus } = await runFixture(module, ['exec'], trace);
    expect(out).toBe('the thread exec\'d\n');
    expect(exitStatus).toBe(0);
    expect(seen).toEqual(['abandon']);
  });

  it.each(['procs', 'threads'])('50 %s held at once are all answered', async (kind) => {
    const count = 50;
    const waiting: { call: SyscallCall; answer: Deferred<number> }[] = [];
    let mostHeld = 0;
    const module = roleModule((call, role, context) => {
      if (role !== ROLE.MANY) return;
      const entry = { call, answer: deferred<number>() };
      context.hold(call, entry.answer.promise, answer(call));
      waiting.push(entry);
      mostHeld = Math.max(mostHeld, waiting.length);
      if (waiting.length < count) return;
      // All held: answer each (a process its own pid, a thread its rank).
      waiting.forEach((w, i) => w.answer.resolve(kind === 'procs' ? w.call.pid : i + 1));
      waiting.length = 0;
    });
    const { out, stats } = await runFixture(module, [kind, String(count)], trace);
    expect(mostHeld).toBe(count);
    expect([stats.held, stats.heldTimedOut]).toEqual([count, 0]);
    expect(out).toBe(kind === 'procs' ? `${count} of ${count} children got their own pid\n` : `${count} threads answered, sum ${(count * (count + 1)) / 2}\n`);
  });

  it('an answer ready at once (a resolved promise) is given after a microtask', async () => {
    let finishedIn: string | undefined;
    const module = roleModule((call, role, context) => {
      if (role !== ROLE.AT_ONCE) return;
      let handlerReturned = false;
      context.hold(call, Promise.resolve(42), (outcome) => {
        finishedIn = handlerReturned ? 'a later microtask' : 'the handler';
        answer(call)(outcome);
      });
      handlerReturned = true;
    });
    const { out } = await runFixture(module, ['one', String(ROLE.AT_ONCE)], trace);
    expect(out).toBe('result 42 errno 0\n');
    expect(finishedIn).toBe('a later microtask');
  });

  it('an error thrown by finish ends the run with it; nothing is left running', async () => {
    const marker = `held-bad-finish-${process.pid}-${trace}`;
    const module = roleModule((call, role, context) => {
      if (role !== ROLE.BAD_FINISH) return;
      context.hold(call, Promise.resolve(1), () => {
        throw new Error('a bug in finish');
      });
    });
    await expect(runFixture(module, ['one', String(ROLE.BAD_FINISH), marker], trace)).rejects.toThrow('a bug in finish');
    expect(processesWith(marker)).toEqual([]);
  });
});

it('the CLI: a module file holding calls (A answered by B) under the CLI\'s signal handling', async () => {
  const file = join(tempDir(), 'holder.mjs');
  writeFileSync(file, `let waiter, gate;
    const deferred = () => { let resolve; const promise = new Promise((r) => { resolve = r; }); return { promise, resolve }; };
    export default { name: 'holder', syscalls: ['getppid'], handleSyscall(call, context) {
      const role = Number(call.args[0]);
      const finish = (outcome) => call.skip(outcome.ok ? outcome.value : -5);
      if (role === ${ROLE.WAITER}) { waiter = deferred(); context.hold(call, waiter.promise, finish); gate?.resolve(0); return true; }
      if (role === ${ROLE.GATE}) { gate = deferred(); if (waiter) gate.resolve(0); context.hold(call, gate.promise, finish); return true; }
      if (role === ${ROLE.PEER}) { call.skip(0); waiter.resolve(call.pid); return true; }
      return false;
    } };\n`);
  const r = await umview(['-m', file, '--stats'], [program, 'pair']);
  expect(r.stderr).toMatch(/^umview-lite stats:\n/);
  expect(r.stderr).toMatch(/^ {2}calls held +2 \(0 timed out\)$/m);
  expect(r.code).toBe(0);
  const bPid = /^B was (\d+); A exited 0, B exited 0$/m.exec(r.stdout)?.[1];
  expect(bPid).toBeDefined();
  expect(r.stdout).toContain(`A got ${bPid}\n`);
});
