// letThrough, the second stage of the seccomp filter: a call it lets through runs untouched
// and never reaches the handler; the others do, as without it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syscallNumber, type Tracee } from '@umview/ptrace-core';
import { TraceeIO } from '@umview/ptrace-multi';
import { SyscallFilter, SyscallTracer, type StopRewrite } from '@umview/sysvm';
import { tempDir } from '@umview/test-fixtures';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { backendMissing, fixture, inFreezableCgroup, mappedFifo, outputFile } from './helpers.js';

let vm: SyscallTracer | undefined;
afterEach(() => {
  vm?.close();
  vm = undefined;
});

const OPENAT = syscallNumber('openat')!;

/** Runs cat-file on `file` with openat stopped and `letThrough`; what the handler saw. */
function run(backend: 'seccomp' | 'seccomp-setinfo', file: string, letThrough: (path: string) => boolean) {
  const consulted: string[] = [];
  vm = new SyscallTracer({
    backend,
    filter: SyscallFilter.of(['openat']),
    letThrough: (tracee: Tracee, nr: number, args: ArrayLike<bigint>) => {
      expect(nr).toBe(OPENAT);
      const path = new TraceeIO(tracee).readCStringBytes(args[1]!).toString();
      consulted.push(path);
      return letThrough(path);
    },
  });
  const out = outputFile();
  vm.spawn(fixture('cat-file'), [file], { stdout: { path: out.path } });
  const handled: string[] = [];
  const status = vm.runSync((e) => {
    if (e.kind === 'syscall') handled.push(e.readString(1));
  });
  return { status, out: out.read(), consulted, handled, calls: vm.stats.calls };
}

/** Runs `program` with `call` (openat by default) stopped under `restoreArguments`, `hook`
 * seeing each call's path at its stop (the call is let through unless it returns false); what
 * the program printed and the calls that reached the handler. */
function runPathCall(
  backend: 'seccomp' | 'seccomp-setinfo',
  program: string,
  programArgs: string[],
  hook: (path: string, args: ArrayLike<bigint>, rewrite: StopRewrite) => boolean | void,
  restoreArguments: 'always' | 'when-restarted' = 'when-restarted',
  call: 'openat' | 'newfstatat' = 'openat',
) {
  vm = new SyscallTracer({
    backend,
    filter: SyscallFilter.of([call]),
    restoreArguments,
    letThrough: (tracee, _nr, args, rewrite) => hook(new TraceeIO(tracee).readCStringBytes(args[1]!).toString(), args, rewrite) !== false,
  });
  const out = outputFile();
  vm.spawn(fixture(program), programArgs, { stdout: { path: out.path } });
  const handled: string[] = [];
  vm.runSync((e) => {
    if (e.kind === 'syscall') handled.push(e.name);
  });
  return { out: out.read(), handled, stats: vm.stats };
}

describe.each(['seccomp', 'seccomp-setinfo'] as const)('letThrough (%s)', (backend) => {
  skipEachWhen(backendMissing(backend));

  it('lets a call through untouched: the handler never sees it, the program runs as natively', () => {
    const r = run(backend, '/etc/hostname', () => true);
    expect(r.status).toBe(0);
    expect(r.out).toBe(readFileSync('/etc/hostname', 'utf8'));
    expect(r.consulted).toContain('/etc/hostname');
    expect(r.handled).toEqual([]);
    expect(r.calls).toBe(r.consulted.length); // counted as calls all the same
  });

  it('reports the calls it does not let through, and only those', () => {
    const r = run(backend, '/etc/hostname', (path) => path !== '/etc/hostname');
    expect(r.status).toBe(0);
    expect(r.handled).toEqual(['/etc/hostname']);
    expect(r.consulted.filter((p) => p !== '/etc/hostname').length).toBe(r.consulted.length - 1);
  });
});

describe.each(['seccomp', 'seccomp-setinfo'] as const)('StopRewrite: a path rewritten at the stop (%s)', (backend) => {
  skipEachWhen(backendMissing(backend));

  /** preserve-args makes one raw `call` on /no/such/file; the hook rewrites it to /etc/hostname
   * at the stop when it may, the handler otherwise. */
  function rewriteRun(call: 'openat' | 'newfstatat', restoreArguments: 'always' | 'when-restarted') {
    const allowed: boolean[] = [];
    vm = new SyscallTracer({
      backend,
      filter: SyscallFilter.of([call]),
      restoreArguments,
      letThrough: (tracee, nr, args, rewrite) => {
        if (new TraceeIO(tracee).readCStringBytes(args[1]!).toString() !== '/no/such/file') return true;
        allowed.push(rewrite.allowed);
        if (!rewrite.allowed) return false;
        rewrite.setArgToCString(1, Buffer.from('/etc/hostname'));
        return true;
      },
    });
    const out = outputFile();
    vm.spawn(fixture('preserve-args'), ['/no/such/file', call], { stdout: { path: out.path } });
    const handled: string[] = [];
    vm.runSync((e) => {
      if (e.kind !== 'syscall' || e.readString(1) !== '/no/such/file') return;
      handled.push(e.name);
      e.setArg(1, e.placeString('/etc/hostname'));
    });
    return { out: out.read(), allowed, handled, stats: vm.stats };
  }

  it("rewrites a stat call at its stop under 'when-restarted': no SyscallCall, no exit stop", () => {
    const r = rewriteRun('newfstatat', 'when-restarted');
    expect(r.allowed).toEqual([true]);
    expect(r.handled).toEqual([]);
    expect(r.out).toBe('stated:1 rdi:1 rsi:0 rdx:1\n'); // the register left rewritten, as PRoot leaves it
    expect(r.stats.rewrittenAtStop).toBe(1);
    expect(r.stats.exitStops).toBe(0);
  });

  it.each([[0, 'stated:1'], [-2, 'stated:0']] as const)('answers a call at its stop without running it (skip(%i)): no SyscallCall, no exit stop, its registers untouched', (result, seen) => {
    const r = runPathCall(backend, 'preserve-args', ['/no/such/file', 'newfstatat'], (path, _args, rewrite) => {
      if (path === '/no/such/file') rewrite.skip(result);
    }, 'always', 'newfstatat');
    expect(r.handled).toEqual([]);
    expect(r.out).toBe(`${seen} rdi:1 rsi:1 rdx:1\n`); // /no/such/file does not exist: stated:1 is the answer
    expect(r.stats.skipped).toBe(1);
    expect(r.stats.exitStops).toBe(0);
  });

  it('points a path argument into the string the tracee passed (its tail): no write, no exit stop', () => {
    const r = runPathCall(backend, 'preserve-args', ['/no/such/etc/hostname', 'newfstatat'], (path, args, rewrite) => {
      if (path === '/no/such/etc/hostname') rewrite.setArg(1, args[1]! + BigInt('/no/such'.length));
    }, 'when-restarted', 'newfstatat');
    expect(r.handled).toEqual([]);
    expect(r.out).toBe('stated:1 rdi:1 rsi:0 rdx:1\n'); // /etc/hostname was stat'ed
    expect(r.stats.rewrittenAtStop).toBe(1);
    expect(r.stats.exitStops).toBe(0);
  });

  it("rewrites an open at its stop under 'when-restarted': no exit stop, the register left as PRoot leaves it", () => {
    const r = rewriteRun('openat', 'when-restarted');
    expect(r.allowed).toEqual([true]);
    expect(r.handled).toEqual([]);
    expect(r.out).toBe('opened:1 rdi:1 rsi:0 rdx:1\n');
    expect(r.stats.exitStops).toBe(0);
    expect(r.stats.putBackAtRestart).toBe(0);
  });

  it('follows a call whose registers are put back to its exit (toExit): rewritten at the stop, put back at the exit, its result handed over', () => {
    const results: bigint[] = [];
    const allowed: boolean[] = [];
    const r = runPathCall(backend, 'preserve-args', ['/no/such/file', 'openat'], (path, _args, rewrite) => {
      if (path !== '/no/such/file') return;
      allowed.push(rewrite.allowed);
      rewrite.toExit((result) => results.push(result));
      rewrite.setArgToCString(1, Buffer.from('/etc/hostname'));
    }, 'always');
    expect(allowed).toEqual([false]); // registers are put back at an exit stop under 'always'
    expect(r.handled).toEqual([]);
    expect(r.out).toBe('opened:1 rdi:1 rsi:1 rdx:1\n'); // /etc/hostname opened, rsi put back
    expect(results.length).toBe(1);
    expect(results[0]! >= 0n).toBe(true); // the fd
    expect(r.stats.rewrittenAtStop).toBe(1);
    expect(r.stats.exitStops).toBe(1);
  });

  it('hands a failed call\'s -errno to onReturn (toExit with nothing rewritten)', () => {
    const results: bigint[] = [];
    const r = runPathCall(backend, 'preserve-args', ['/no/such/file', 'openat'], (path, _args, rewrite) => {
      if (path === '/no/such/file') rewrite.toExit((result) => results.push(result));
    }, 'always');
    expect(r.out).toBe('opened:0 rdi:1 rsi:1 rdx:1\n');
    expect(results).toEqual([-2n]); // ENOENT
    expect(r.stats.rewrittenAtStop).toBe(0);
  });

  it('an open a signal interrupts is restarted with the registers the program passed, not the path placed below the stack (the handler\'s frame covers it)', () => {
    const fifo = join(tempDir('sysvm-fifo-'), 'fifo');
    execFileSync('mkfifo', [fifo]);
    const results: bigint[] = [];
    const r = runPathCall(backend, 'fifo-restart', ['/no/such/fifo', fifo], (path, _args, rewrite) => {
      if (path !== '/no/such/fifo') return;
      rewrite.toExit((result) => results.push(result));
      rewrite.setArgToCString(1, Buffer.from(fifo));
    });
    expect(r.out).toBe('opened:1 handled:1 child:0\n');
    // Interrupted (a restart code, -ERESTARTSYS), then rewritten again at its second stop.
    expect(results.length).toBe(2);
    expect(results[0]! <= -512n && results[0]! >= -516n).toBe(true);
    expect(results[1]! >= 0n).toBe(true);
  });

  it.each(['placed below the stack', "pointed into the tracee's own string"] as const)('an open rewritten at its stop with no exit stop (%s), interrupted by a signal, is put back at the signal\'s stop: its restart is seen as the program made it', (how) => {
    const fifo = mappedFifo();
    const seen: string[] = [];
    // The program opens the FIFO's guest name; its host name is the guest name's tail under
    // "/no/such" (pointed into), or the guest name mapped (placed).
    const programPath = how === 'placed below the stack' ? fifo.guest : `/no/such${fifo.toHost(fifo.guest)}`;
    const r = runPathCall(backend, 'fifo-restart', [programPath, fifo.guest], (path, args, rewrite) => {
      seen.push(path);
      if (path.startsWith('/no/such/')) rewrite.setArg(1, args[1]! + BigInt('/no/such'.length));
      else {
        const host = fifo.toHost(path);
        if (host !== undefined) rewrite.setArgToCString(1, Buffer.from(host));
      }
    });
    // The handler filled the stack with junk, then opened the FIFO for writing (O_RDWR).
    expect(r.out).toBe('opened:1 handled:1 child:0\n');
    // The call and its restart (and, when it is the guest name, the handler's open).
    expect(seen.filter((path) => path === programPath).length).toBe(how === 'placed below the stack' ? 3 : 2);
    expect(r.stats.putBackAtRestart).toBe(1);
    expect(r.stats.exitStops).toBe(0);
  });

  it('an open rewritten at its stop with no exit stop, interrupted with no stop (a cgroup freeze), is put back at its restart\'s stop', (ctx) => {
    inFreezableCgroup(ctx, (cgroup) => {
      const fifo = mappedFifo();
      const seen: string[] = [];
      const r = runPathCall(backend, 'freeze-restart', [fifo.guest, fifo.guest, cgroup], (path, _args, rewrite) => {
        seen.push(path);
        const host = fifo.toHost(path);
        if (host !== undefined) rewrite.setArgToCString(1, Buffer.from(host));
      });
      expect(r.out).toBe('opened:1 child:0\n');
      expect(seen.filter((path) => path === fifo.guest).length).toBe(3); // the call, its restart, the writer
      expect(r.stats.putBackAtRestart).toBe(1);
      expect(r.stats.exitStops).toBe(0);
    });
  });

  it('refuses a rewrite before toExit, and toExit after a rewrite', () => {
    const errors: string[] = [];
    // An open under 'always' (put back at its exit), a stat under 'when-restarted'.
    for (const [call, restoreArguments] of [['openat', 'always'], ['newfstatat', 'when-restarted']] as const) {
      runPathCall(backend, 'preserve-args', ['/no/such/file', call], (path, args, rewrite) => {
        if (path !== '/no/such/file') return;
        try {
          if (call === 'openat') rewrite.setArgToCString(1, Buffer.from('/etc/hostname'));
          else {
            rewrite.setArg(1, args[1]!);
            rewrite.toExit();
          }
        } catch (error) {
          errors.push((error as Error).message);
        }
      }, restoreArguments, call);
      vm!.close();
    }
    expect(errors.sort()).toEqual([
      "setArgToCString: this call's registers must be put back after it (toExit first, or let it take the full way)",
      'toExit: call it before rewriting',
    ]);
  });

  it.each([
    ['openat', 'always'],
    ['newfstatat', 'always'],
  ] as const)('refuses %s under %s (its registers are put back): the full way rewrites it', (call, policy) => {
    const r = rewriteRun(call, policy);
    expect(r.allowed).toEqual([false]);
    expect(r.handled).toEqual([call]);
    expect(r.out).toBe(`${call === 'openat' ? 'opened' : 'stated'}:1 rdi:1 rsi:1 rdx:1\n`);
    expect(r.stats.rewrittenAtStop).toBe(0);
  });
});
