// Signals that arrive while the monitor injects a syscall are not lost. During an injection the
// tracee runs the monitor's call, and a pending signal stops it at signal-delivery-stop: the
// signal is kept and must reach the program afterwards. The kernel ignores a resume's signal
// outside a signal-delivery-stop (a seccomp stop, an event stop), so handing it to the next
// resume lost it under the seccomp backends (found by the umview-lite fault tests: a FIFO
// reader under a SIGUSR1 storm never ran its handler).
import { afterEach, describe, expect, it } from 'vitest';
import { syscallNumber } from '@umview/ptrace-core';
import { SyscallFilter, SyscallTracer, type BackendName } from '@umview/sysvm';
import { fixture, outputFile } from './helpers.js';

let vm: SyscallTracer | undefined;
afterEach(() => {
  vm?.close();
  vm = undefined;
});

const nr = (name: string) => syscallNumber(name)!;
const BACKENDS: BackendName[] = ['seccomp', 'ptrace-syscall'];

describe.each(BACKENDS)('backend %s', (backend) => {
  it.each([1, 3])('a signal sent while the tracee is stopped at a call survives %i injected syscalls', (injections) => {
    vm = new SyscallTracer({ backend, filter: SyscallFilter.of(['getppid']) });
    const out = outputFile();
    const tracee = vm.spawn(fixture('signal-during-call'), [], { stdout: { path: out.path } });
    let seen = 0;
    const status = vm.runSync((event) => {
      if (event.kind !== 'syscall' || event.nr !== nr('getppid')) return;
      seen++;
      process.kill(tracee.pid, 'SIGUSR1'); // queued: the tracee is stopped
      for (let i = 0; i < injections; i++) expect(Number(event.inject(nr('getpid')))).toBe(tracee.pid);
    });
    expect(status).toBe(0);
    expect(seen).toBe(1);
    expect(out.read()).toBe('ppid-ok=1 handled=1\n');
  });

  it('a signal that arrives during an injection at a skipped call is delivered too', () => {
    vm = new SyscallTracer({ backend, filter: SyscallFilter.of(['getppid']) });
    const out = outputFile();
    const tracee = vm.spawn(fixture('signal-during-call'), [], { stdout: { path: out.path } });
    vm.runSync((event) => {
      if (event.kind !== 'syscall' || event.nr !== nr('getppid')) return;
      process.kill(tracee.pid, 'SIGUSR1');
      event.inject(nr('getpid'));
      event.skip(4242);
    });
    expect(out.read()).toBe('ppid-ok=1 handled=1\n');
  });
});

describe('how the first program ended', () => {
  it.each([
    ['exit 143', 143, undefined],
    ['kill -TERM $$', 143, 15],
  ])('sh -c %j: exitStatus %i, exitSignal %s', (script, status, signal) => {
    vm = new SyscallTracer({ filter: SyscallFilter.of(['getppid']) });
    vm.spawn('/bin/sh', ['-c', script]);
    expect(vm.runSync()).toBe(status);
    expect(vm.exitStatus).toBe(status);
    expect(vm.exitSignal).toBe(signal);
  });
});
