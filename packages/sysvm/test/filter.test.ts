import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ERRNO, arch, syscallNumber } from '@umview/ptrace-core';
import { readProcStatusNumber } from '@umview/ptrace-core/internal';
import { encodeProgram, ret } from '../src/filter/bpf.js';
import { SECCOMP_RET, SyscallFilter, SyscallTracer, type BackendName } from '@umview/sysvm';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { backendMissing, fixture, outputFile } from './helpers.js';

let vm: SyscallTracer | undefined;
afterEach(() => {
  vm?.close();
  vm = undefined;
});

const nr = (name: string) => syscallNumber(name)!;
const filterCount = (pid: number): number | undefined => readProcStatusNumber(pid, 'Seccomp_filters');
const filterCountShown = filterCount(process.pid) !== undefined;
/** Runs the spawned program to its end; how many openat calls stopped. */
function openatCalls(tracer: SyscallTracer): number {
  let openat = 0;
  tracer.runSync((e) => {
    if (e.kind === 'syscall' && e.name === 'openat') openat++;
  });
  return openat;
}
if (!filterCountShown) console.warn('filter-at-spawn tests skipped: this kernel shows no Seccomp_filters in /proc/PID/status (Linux < 5.9)');
const SECCOMP_BACKENDS: BackendName[] = ['seccomp', 'seccomp-setinfo'];

describe('SyscallFilter (evaluated in JS)', () => {
  it('traces the chosen syscalls, allows the rest, refuses foreign architectures', () => {
    const f = SyscallFilter.of(['openat', 'stat']);
    expect(f.stops(nr('openat'))).toBe(true);
    expect(f.stops(nr('getppid'))).toBe(false);
    expect(f.evaluate(20, [], 0x40000003 /* AUDIT_ARCH_I386 */)).toBe((SECCOMP_RET.ERRNO | ERRNO.ENOSYS) >>> 0);
    expect(f.evaluate(nr('openat') | arch.X32_SYSCALL_BIT)).toBe((SECCOMP_RET.ERRNO | ERRNO.ENOSYS) >>> 0);
    f.foreignArch = 'kill';
    expect(f.evaluate(20, [], 0x40000003)).toBe(SECCOMP_RET.KILL_PROCESS);
  });

  it('tests an fd argument as a signed 32-bit int', () => {
    const f = SyscallFilter.of(['openat']).traceWhenFdAtLeast(['read', 'write'], 0, 1000);
    expect(f.stops(nr('read'), [999n])).toBe(false);
    expect(f.stops(nr('read'), [1000n])).toBe(true);
    expect(f.stops(nr('read'), [0x1_0000_03e8n])).toBe(true); // upper half ignored, as the kernel does
    expect(f.stops(nr('read'), [BigInt.asUintN(64, -1n)])).toBe(false);
    expect(f.stops(nr('read'), [0xffffff9cn])).toBe(false); // AT_FDCWD
    expect(f.stops(nr('write'), [2000n])).toBe(true);
    expect(f.stops(nr('openat'), [5n])).toBe(true);
  });

  it('knows when a filter adds nothing to another (filter stacks stay small)', () => {
    const base = SyscallFilter.of(['openat', 'stat']);
    expect(SyscallFilter.of(['openat']).isCoveredBy(base)).toBe(true);
    expect(SyscallFilter.of(['getppid']).isCoveredBy(base)).toBe(false);
    expect(SyscallFilter.of(['getppid']).isCoveredBy(SyscallFilter.all())).toBe(true);
    const u = base.union(SyscallFilter.of(['getppid']));
    expect(u.syscalls).toEqual([nr('stat'), nr('getppid'), nr('openat')].sort((a, b) => a - b));
  });
});

describe.each(SECCOMP_BACKENDS)('seccomp filter in a real tracee (%s)', (backend) => {
  skipEachWhen(backendMissing(backend));

  it('stops only the chosen syscalls', () => {
    vm = new SyscallTracer({ backend, filter: SyscallFilter.of(['openat']) });
    vm.spawn(fixture('mixed'));
    const seen = new Map<string, number>();
    vm.runSync((e) => {
      if (e.kind === 'syscall') seen.set(e.name, (seen.get(e.name) ?? 0) + 1);
    });
    // 3 by the program, 2 by the dynamic loader (ld.so.cache, libc), nothing else.
    expect(Object.fromEntries(seen)).toEqual({ openat: 5 });
    expect(vm.stats.exitStops).toBe(0);
  });

  // The spawn trampoline installs the filter before its execve (filter/at-spawn.ts): the
  // kernel's count of the program's filters tells, where it shows one (Linux 5.9+).
  it.skipIf(!filterCountShown)('installs the filter from the spawn trampoline, with nothing injected into the program', () => {
    vm = new SyscallTracer({ backend, filter: SyscallFilter.of(['openat']) });
    const tracee = vm.spawn(fixture('mixed'));
    expect(filterCount(tracee.pid)).toBe(filterCount(process.pid)! + 1);
    expect(openatCalls(vm)).toBe(5);
    expect(vm.stats.injected).toBe(0);
  });

  it.skipIf(!filterCountShown)('injects its filter after exec when the spawn brings a filter of the caller\'s', () => {
    vm = new SyscallTracer({ backend, filter: SyscallFilter.of(['openat']) });
    const allowAll = encodeProgram([ret(SECCOMP_RET.ALLOW)]);
    const tracee = vm.spawn(fixture('mixed'), [], { seccompFilter: allowAll });
    expect(filterCount(tracee.pid)).toBe(filterCount(process.pid)! + 2);
    expect(openatCalls(vm)).toBe(5);
    expect(vm.stats.injected).toBe(1);
  });

  it('installs no filter at all when no call can stop (every syscall keeps its fast path)', () => {
    vm = new SyscallTracer({ backend, filter: new SyscallFilter() });
    const out = outputFile();
    vm.spawn('/bin/sh', ['-c', 'grep -E "^Seccomp:" /proc/self/status'], { stdout: { path: out.path } });
    let calls = 0;
    vm.runSync((e) => {
      if (e.kind === 'syscall') calls++;
    });
    expect(calls).toBe(0);
    expect(out.read()).toMatch(/^Seccomp:\s+0\n$/);
  });

  it('stops every syscall once, with no exit stops, under SyscallFilter.all()', () => {
    vm = new SyscallTracer({ backend });
    vm.spawn(fixture('mixed'));
    let getppid = 0;
    vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('getppid')) getppid++;
    });
    expect(getppid).toBe(1000);
    expect(vm.stats.exitStops).toBe(0);
  });

  it('holds the fd threshold: only reads from fd >= 1000 stop', () => {
    vm = new SyscallTracer({ backend, filter: new SyscallFilter().traceWhenFdAtLeast(['read'], 0, 1000) });
    const out = outputFile();
    vm.spawn(fixture('fd-threshold'), [], { stdout: { path: out.path } });
    const fds: number[] = [];
    vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('read')) fds.push(e.int(0));
    });
    expect(fds).toEqual([1000]);
    expect(out.read()).toBe('1000 1 1 -1\n');
  });

  it('refuses a foreign-architecture syscall (int 0x80)', (ctx) => {
    // Where IA32 emulation is off, int $0x80 faults before any filter sees it.
    const noIa32 = missing.ia32Emulation();
    if (noIa32) ctx.skip(noIa32);
    vm = new SyscallTracer({ backend, filter: SyscallFilter.of(['openat']) });
    const out = outputFile();
    vm.spawn(fixture('int80'), [], { stdout: { path: out.path } });
    vm.runSync();
    expect(out.read()).toBe(`int80=${-ERRNO.ENOSYS}\n`);
  });

  it('is inherited by threads and forked children, which stay traced', () => {
    vm = new SyscallTracer({ backend, filter: SyscallFilter.of(['openat']) });
    const out = outputFile();
    const root = vm.spawn(fixture('family', ['-O0', '-pthread']), [], { stdout: { path: out.path } });
    const byTid = new Map<number, number>();
    const filtersOf = new Map<number, string>();
    vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('openat') && e.readString(1) === '/etc/hostname') {
        byTid.set(e.tid, (byTid.get(e.tid) ?? 0) + 1);
        filtersOf.set(e.tid, /Seccomp_filters:\s*(\d+)/.exec(readFileSync(`/proc/${e.tid}/status`, 'utf8'))![1]!);
      }
    });
    expect(out.read()).toBe('done\n');
    expect(byTid.size).toBe(2); // the child and the thread
    expect(byTid.has(root.tid)).toBe(false);
    expect([...filtersOf.values()]).toEqual(['1', '1']);
  });

  it('leaves the program a set-user-ID-capable process when the tracer is root (no no_new_privs)', () => {
    vm = new SyscallTracer({ backend, filter: SyscallFilter.of(['openat']) });
    const out = outputFile();
    vm.spawn('/bin/sh', ['-c', 'grep -E "NoNewPrivs|^Seccomp:" /proc/self/status'], { stdout: { path: out.path } });
    vm.runSync();
    const expectedNnp = process.getuid?.() === 0 ? '0' : '1';
    expect(out.read()).toMatch(new RegExp(`NoNewPrivs:\\s+${expectedNnp}\\nSeccomp:\\s+2\\n`));
  });
});

describe('fd equality rules', () => {
  it('stops a call on listed low fds and on fds above the threshold, nothing else', () => {
    const f = new SyscallFilter().traceWhenFdAtLeast(['read', 'write'], 0, 512).traceWhenFdIn(['write'], 0, [1, 7]);
    const write = nr('write');
    expect([0, 1, 2, 7, 8, 511, 512, 600].map((fd) => f.stops(write, [BigInt(fd)]))).toEqual([false, true, false, true, false, false, true, true]);
    expect(f.stops(write, [BigInt.asUintN(64, -1n)])).toBe(false);
    expect([1, 512].map((fd) => f.stops(nr('read'), [BigInt(fd)]))).toEqual([false, true]);
    const eqOnly = new SyscallFilter().traceWhenFdIn(['close'], 0, [3]);
    expect([2, 3, 4].map((fd) => eqOnly.stops(nr('close'), [BigInt(fd)]))).toEqual([false, true, false]);
    expect(new SyscallFilter().traceWhenFdIn(['write'], 0, [1]).isCoveredBy(f)).toBe(true);
    expect(new SyscallFilter().traceWhenFdIn(['write'], 0, [3]).isCoveredBy(f)).toBe(false);
    expect(new SyscallFilter().traceWhenFdIn(['write'], 0, [900]).isCoveredBy(f)).toBe(true);
  });
});
