import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@umview/test-fixtures';
import { ERRNO, syscallNumber } from '@umview/ptrace-core';
import { BACKENDS, SyscallFilter, SyscallTracer, type ArgumentRestore, type BackendName, type SyscallCall, type SyscallEvent, type SysvmStats } from '@umview/sysvm';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { backendMissing, fixture, inFreezableCgroup, mappedFifo, outputFile } from './helpers.js';

let vm: SyscallTracer | undefined;
afterEach(() => {
  vm?.close();
  vm = undefined;
});

const nr = (name: string) => syscallNumber(name)!;

function start(backend: BackendName, program: string, args: string[] = [], filter?: SyscallFilter, restoreArguments?: ArgumentRestore) {
  vm = new SyscallTracer({ backend, filter, restoreArguments });
  const out = outputFile();
  const err = outputFile();
  vm.spawn(program, args, { stdout: { path: out.path }, stderr: { path: err.path } });
  return { vm, out, err };
}

describe.each(BACKENDS)('backend %s', (backend) => {
  skipEachWhen(backendMissing(backend));

  it('skips getpid, which returns 4242', () => {
    const { vm, out } = start(backend, fixture('getpid'));
    let calls = 0;
    const status = vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('getpid')) {
        calls++;
        e.skip(4242);
      }
    });
    expect(status).toBe(0);
    expect(calls).toBe(1);
    expect(out.read()).toBe(`getpid=4242 getppid=${process.pid}\n`);
  });

  it('the last verb counts, and the call reads back what was decided; stats are a copy', () => {
    const { vm, out } = start(backend, fixture('getpid'));
    const seen: unknown[] = [];
    vm.runSync((e) => {
      if (e.kind !== 'syscall' || e.nr !== nr('getpid')) return;
      e.skip(4242);
      seen.push(e.decision);
      e.setNumber(nr('getppid'));
      seen.push([e.rewritten, e.effectiveNr === nr('getppid')]);
      e.run(); // takes the skip back: the rewritten call runs
      seen.push(e.decision);
    });
    expect(seen).toEqual([{ kind: 'skip', result: 4242n }, [true, true], { kind: 'run', toExit: false }]);
    expect(out.read()).toBe(`getpid=${process.pid} getppid=${process.pid}\n`);
    const stats = vm.stats as SysvmStats;
    stats.skipped = 99;
    expect(vm.stats.skipped).toBe(0);
  });

  it('skips openat with -ENOENT: the program perror()s', () => {
    const { vm, out, err } = start(backend, fixture('cat-file'), ['/etc/hostname']);
    const status = vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('openat') && e.readString(1) === '/etc/hostname') e.skip(-ERRNO.ENOENT);
    });
    expect(status).toBe(1);
    expect(out.read()).toBe('');
    expect(err.read()).toBe('open: No such file or directory\n');
  });

  it('rewrites an openat path: the program reads the other file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'other.txt'), 'the other file\n');
    const { vm, out } = start(backend, fixture('cat-file'), ['/no/such/file']);
    vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('openat') && e.readString(1) === '/no/such/file') {
        e.setArg(1, e.placeString(join(dir, 'other.txt')));
      }
    });
    expect(out.read()).toBe('the other file\n');
  });

  it('restores rewritten argument registers after the call (the program relies on them)', () => {
    const { vm, out } = start(backend, fixture('preserve-args'), ['/no/such/file']);
    vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('openat') && e.readString(1) === '/no/such/file') {
        e.setArg(1, e.placeString('/etc/hostname'));
        e.setArg(2, 0); // same value: still restored
      }
    });
    expect(out.read()).toBe('opened:1 rdi:1 rsi:1 rdx:1\n');
  });

  describe.each(['openat', 'newfstatat'])("restoreArguments, for a rewritten %s", (call) => {
    const rewrite = (e: SyscallEvent) => {
      if (e.kind === 'syscall' && e.nr === nr(call) && e.readString(1) === '/no/such/file') e.setArg(1, e.placeString('/etc/hostname'));
    };
    const done = call === 'openat' ? 'opened' : 'stated';

    it("'always' (the default): the registers are put back at an exit stop", () => {
      const { vm, out } = start(backend, fixture('preserve-args'), ['/no/such/file', call]);
      vm.runSync(rewrite);
      expect(out.read()).toBe(`${done}:1 rdi:1 rsi:1 rdx:1\n`);
      if (backend !== 'ptrace-syscall') expect(vm.stats.exitStops).toBeGreaterThanOrEqual(1);
    });

    // Neither has an exit stop of its own under 'when-restarted' (an open is put back only if a
    // signal interrupts it and the kernel restarts it: below), except under 'ptrace-syscall',
    // whose exit stop comes anyway and puts it back.
    it("'when-restarted': no exit stop, the rewritten register left as PRoot leaves it", () => {
      const { vm, out } = start(backend, fixture('preserve-args'), ['/no/such/file', call], undefined, 'when-restarted');
      vm.runSync(rewrite);
      const putBack = backend === 'ptrace-syscall';
      expect(out.read()).toBe(`${done}:1 rdi:1 rsi:${putBack ? 1 : 0} rdx:1\n`);
      if (backend !== 'ptrace-syscall') expect(vm.stats.exitStops).toBe(0);
    });
  });

  describe('a rewritten execve', () => {
    const to = (target: string) => (e: SyscallEvent) => {
      if (e.kind === 'syscall' && e.nr === nr('execve') && e.readString(0) === '/no/such/program') e.setArg(0, e.placeString(target));
    };

    it('that runs the other program takes no exit stop: nothing of the old image is left to put back', () => {
      const { vm, out } = start(backend, fixture('preserve-args'), ['/no/such/program', 'execve']);
      vm.runSync(to('/bin/echo'));
      expect(out.read()).toBe('executed\n');
      if (backend !== 'ptrace-syscall') expect(vm.stats.exitStops).toBe(0);
    });

    it('that fails has its registers put back at its exit stop', () => {
      const { vm, out } = start(backend, fixture('preserve-args'), ['/no/such/program', 'execve']);
      vm.runSync(to('/no/such/either'));
      expect(out.read()).toBe('executed:0 rdi:1 rsi:1 rdx:1\n');
      if (backend !== 'ptrace-syscall') expect(vm.stats.exitStops).toBe(1);
    });
  });

  describe("restoreArguments 'when-restarted', for an open a handler rewrites (its path placed below the stack)", () => {
    /** Runs `program` with every openat of the FIFO's guest name mapped to its host name by the
     * handler; what it printed, the paths the handler saw and the stats. */
    function runMapped(program: string, args: (fifo: ReturnType<typeof mappedFifo>) => string[]) {
      const fifo = mappedFifo();
      const { vm, out } = start(backend, fixture(program), args(fifo), SyscallFilter.of(['openat']), 'when-restarted');
      const seen: string[] = [];
      vm.runSync((e) => {
        if (e.kind !== 'syscall' || e.nr !== nr('openat')) return; // every call stops under 'ptrace-syscall'
        const path = e.readString(1);
        seen.push(path);
        const host = fifo.toHost(path);
        if (host !== undefined) e.setArg(1, e.placeString(host));
      });
      return { out: out.read(), seen: seen.filter((path) => path === fifo.guest).length, stats: vm.stats };
    }

    it("interrupted by a signal: put back at the signal's stop, its restart seen as the program made it", () => {
      const r = runMapped('fifo-restart', (fifo) => [fifo.guest, fifo.guest]);
      // The handler filled the stack with junk, then opened the FIFO for writing (O_RDWR).
      expect(r.out).toBe('opened:1 handled:1 child:0\n');
      expect(r.seen).toBe(3); // the call, the handler's open, the restart
      if (backend !== 'ptrace-syscall') {
        expect(r.stats.putBackAtRestart).toBe(1);
        expect(r.stats.exitStops).toBe(0);
      }
    });

    it('interrupted with no stop (a cgroup freeze): put back at its restart\'s stop', (ctx) => {
      inFreezableCgroup(ctx, (cgroup) => {
        const r = runMapped('freeze-restart', (fifo) => [fifo.guest, fifo.guest, cgroup]);
        expect(r.out).toBe('opened:1 child:0\n');
        expect(r.seen).toBe(3); // the call, its restart, the writer
        if (backend !== 'ptrace-syscall') {
          expect(r.stats.putBackAtRestart).toBe(1);
          expect(r.stats.exitStops).toBe(0);
        }
      });
    });
  });

  it('shows the rewritten call at its return', () => {
    const { vm } = start(backend, fixture('cat-file'), ['/no/such/file']);
    let seen = '';
    vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('openat') && e.readString(1) === '/no/such/file') {
        e.setArg(1, e.placeString('/etc/hostname'));
        e.runToExit();
      } else if (e.kind === 'syscall-return' && e.nr === nr('openat') && !seen) {
        expect(e.result).toBeGreaterThanOrEqual(0n);
        seen = e.io.readCString(e.ptr(1)); // the placed path is alive until the return is done
      }
    });
    expect(seen).toBe('/etc/hostname');
  });

  it('sets a result at the exit stop', () => {
    const { vm, out } = start(backend, fixture('getpid'));
    vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('getppid')) e.runToExit();
      if (e.kind === 'syscall-return' && e.nr === nr('getppid')) {
        expect(e.result).toBe(BigInt(process.pid));
        e.setResult(77);
      }
    });
    expect(out.read()).toMatch(/ getppid=77\n$/);
  });

  it('injects getpid, openat, mmap and close: the tracee continues exactly as before', () => {
    const native = execFileSync(fixture('steady'), { encoding: 'utf8' });
    const { vm, out } = start(backend, fixture('steady'));
    let round = 0;
    vm.runSync((e) => {
      if (e.kind !== 'syscall' || e.nr !== nr('getppid') || round++ !== 2) return;
      const before = e.tracee.getRegisters().clone();
      const path = e.placeString('/etc/hostname');
      expect(e.inject(nr('getpid'))).toBe(BigInt(e.pid));
      const fd = e.inject(nr('openat'), [-100, path, 0]);
      expect(fd).toBeGreaterThanOrEqual(3n);
      const addr = e.inject(nr('mmap'), [0, 4096, 3 /* PROT_READ|WRITE */, 0x22 /* MAP_PRIVATE|ANONYMOUS */, -1, 0]);
      expect(addr > 0n && addr % 4096n === 0n).toBe(true);
      e.io.write(addr, Buffer.from('scratch page'));
      expect(e.io.readCString(addr)).toBe('scratch page');
      expect(e.inject(nr('munmap'), [addr, 4096])).toBe(0n);
      expect(e.inject(nr('close'), [fd])).toBe(0n);
      const after = e.tracee.getRegisters();
      expect(after.toJSON()).toEqual(before.toJSON());
    });
    expect(out.read()).toBe(native);
  });

  it('injects at an exit stop too', () => {
    const { vm, out } = start(backend, fixture('getpid'));
    vm.runSync((e) => {
      if (e.kind === 'syscall' && e.nr === nr('getpid')) e.runToExit();
      if (e.kind === 'syscall-return' && e.nr === nr('getpid')) {
        const before = e.tracee.getRegisters().clone();
        expect(e.inject(nr('getppid'))).toBe(BigInt(process.pid));
        expect(e.tracee.getRegisters().toJSON()).toEqual(before.toJSON());
      }
    });
    expect(out.read()).toMatch(/^getpid=\d+ getppid=\d+\n$/);
  });
  // The fixture's read(pipe, buf, 15) is the only read of 15 bytes it makes.
  const isFixtureRead = (e: SyscallCall) => e.nr === nr('read') && e.args[2] === 15n;

  it('restartCall: a read rewritten into getppid runs again as the read at its exit', () => {
    const { vm, out } = start(backend, fixture('restart-call'), ['plain']);
    let reads = 0;
    const status = vm.runSync((e) => {
      if (e.kind === 'syscall' && isFixtureRead(e) && ++reads === 1) {
        e.setNumber(nr('getppid'));
        e.runToExit();
      } else if (e.kind === 'syscall-return' && e.name === 'getppid') {
        expect(e.result).toBe(BigInt(process.pid));
        e.restartCall();
      }
    });
    expect(status).toBe(0);
    expect(reads).toBe(2);
    expect(out.read()).toBe('read=5 [hello] handled=0\n');
  });

  it.each([
    ['sa-restart', 'read=5 [hello] handled=1\n'],
    ['no-sa-restart', 'read=-1 Interrupted system call handled=1\n'],
  ])('restartCall of a call a signal interrupted follows SA_RESTART as natively: %s', (mode, expected) => {
    const { vm, out } = start(backend, fixture('restart-call'), [mode]);
    let reads = 0;
    let interrupted: bigint | undefined;
    const status = vm.runSync((e) => {
      if (e.kind === 'syscall' && isFixtureRead(e) && ++reads === 1) {
        e.setNumber(nr('pause')); // waits in the tracee until the timer's SIGALRM
        e.runToExit();
      } else if (e.kind === 'syscall-return' && e.name === 'pause') {
        interrupted = e.result;
        e.restartCall();
      }
    });
    expect(status).toBe(0);
    expect(interrupted).toBe(-514n); // ERESTARTNOHAND: what pause() leaves for the kernel's signal code
    expect(reads).toBe(mode === 'sa-restart' ? 2 : 1);
    expect(out.read()).toBe(expected);
  });
});

describe("the 'seccomp-setinfo' backend on a kernel without PTRACE_SET_SYSCALL_INFO", () => {
  it('is refused at spawn, before the program runs, with the way out in the message', (ctx) => {
    if (missing.setSyscallInfo() === undefined) ctx.skip('this kernel has PTRACE_SET_SYSCALL_INFO: nothing to refuse');
    vm = new SyscallTracer({ backend: 'seccomp-setinfo' });
    const out = outputFile();
    expect(() => vm!.spawn('/bin/sh', ['-c', `echo ran > ${out.path}`])).toThrow(/needs PTRACE_SET_SYSCALL_INFO \(Linux 6\.16 or later\).*use 'seccomp'/);
    expect(existsSync(out.path)).toBe(false);
  });
});
