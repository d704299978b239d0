import { afterEach, describe, expect, it } from 'vitest';
import { SIGNALS, SI_CODE, Tracer, syscallNumber } from '@umview/ptrace-core';
import { fixture, outputFile, processState, runToEnd } from './helpers.js';

let tracer: Tracer;
afterEach(() => tracer?.close());

describe('signals', () => {
  it('delivers a signal at its signal-delivery-stop, with its siginfo', () => {
    tracer = new Tracer();
    const out = outputFile();
    tracer.spawn(fixture('signals'), [], { stdout: { path: out.path } }).cont();
    const stops = runToEnd(tracer, undefined, 'cont');
    const usr1 = stops.find((s) => s.kind === 'signal');
    expect(usr1).toMatchObject({ kind: 'signal', signal: SIGNALS.SIGUSR1 });
    if (usr1?.kind === 'signal') {
      expect(usr1.siginfo.code).toBe(SI_CODE.SI_TKILL); // raise() uses tgkill
      expect(usr1.siginfo.pid).toBe(usr1.tracee.pid);
    }
    expect(out.read()).toBe('usr1=1 usr2=0\n');
  });

  it('suppresses a signal when resumed with 0', () => {
    tracer = new Tracer();
    const out = outputFile();
    tracer.spawn(fixture('signals'), [], { stdout: { path: out.path } }).cont();
    runToEnd(tracer, (stop) => {
      if (stop.kind === 'signal' && stop.signal === SIGNALS.SIGUSR1) {
        stop.tracee.cont(0);
        return 'handled';
      }
    }, 'cont');
    expect(out.read()).toBe('usr1=0 usr2=0\n');
  });

  it('injects a signal the program never raised, and replaces one with another', () => {
    tracer = new Tracer();
    const out = outputFile();
    tracer.spawn(fixture('signals'), [], { stdout: { path: out.path } }).syscall();
    runToEnd(tracer, (stop) => {
      if (stop.kind === 'syscall-exit' && stop.nr === syscallNumber('getppid')) {
        stop.tracee.syscall(SIGNALS.SIGUSR2); // injected on resume from a syscall stop
        return 'handled';
      }
      if (stop.kind === 'signal' && stop.signal === SIGNALS.SIGUSR1) {
        stop.tracee.syscall('SIGUSR1');
        return 'handled';
      }
    });
    expect(out.read()).toBe('usr1=1 usr2=1\n');
  });

  it('tells a group-stop from a signal-delivery-stop, and keeps the process stopped with listen()', () => {
    tracer = new Tracer();
    const out = outputFile();
    const tracee = tracer.spawn(fixture('self-stop'), [], { stdout: { path: out.path } });
    tracee.cont();
    const delivery = tracer.wait()!;
    expect(delivery).toMatchObject({ kind: 'signal', signal: SIGNALS.SIGSTOP });
    tracee.cont(SIGNALS.SIGSTOP); // deliver it: the process enters group-stop
    const group = tracer.wait()!;
    expect(group).toMatchObject({ kind: 'group-stop', signal: SIGNALS.SIGSTOP });
    tracee.listen();
    // Stopped, as job control wants, though no longer in a ptrace-stop we must resume.
    expect(processState(tracee.tid)).toMatch(/[tT]/);
    expect(tracer.wait({ nonBlocking: true })).toBeUndefined();
    process.kill(tracee.pid, 'SIGCONT');
    // SIGCONT ends the group-stop: reported first as an event stop, then (once resumed) as
    // SIGCONT's own signal-delivery-stop.
    expect(tracer.wait()).toMatchObject({ kind: 'interrupt', cause: 'continued' });
    tracee.cont();
    expect(tracer.wait()).toMatchObject({ kind: 'signal', signal: SIGNALS.SIGCONT });
    tracee.cont(SIGNALS.SIGCONT);
    runToEnd(tracer, undefined, 'cont');
    expect(out.read()).toBe('continued\n');
  });

  it('reports a fatal signal as a signal stop, then as killed', () => {
    tracer = new Tracer();
    const out = outputFile();
    tracer.spawn(fixture('crash'), [], { stdout: { path: out.path } }).cont();
    const stops = runToEnd(tracer, undefined, 'cont');
    const segv = stops.find((s) => s.kind === 'signal');
    expect(segv).toMatchObject({ kind: 'signal', signal: SIGNALS.SIGSEGV });
    if (segv?.kind === 'signal') {
      expect(segv.siginfo.address).toBe(0n);
      expect(segv.siginfo.code).toBe(SI_CODE.SEGV_MAPERR);
    }
    expect(stops.at(-1)).toMatchObject({ kind: 'killed', signal: SIGNALS.SIGSEGV });
  });

  it('interrupts a running tracee', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('sleeper'), [], { stdout: 'ignore' });
    tracee.cont();
    tracee.interrupt();
    for (const stop of tracer.stops()) {
      if (stop.tid === tracee.tid && stop.kind === 'interrupt') {
        expect(stop.cause).toBe('interrupt');
        break;
      }
      stop.tracee.cont(stop.kind === 'signal' ? stop.signal : 0);
    }
    expect(tracee.state).toBe('stopped');
  });
});
