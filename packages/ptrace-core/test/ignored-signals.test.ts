// spawn's `ignoredSignals`: the program starts with those signals ignored, as a program a shell
// runs inherits what the shell ignored, and with every other signal at its default action (the
// tracer's own, Node's handlers and its ignored SIGPIPE, are not passed on). Read from the
// program's own /proc/self/status, with and without a seccomp filter (both use the trampoline's
// registers).
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, SIGNALS, Tracer, type SpawnOptions } from '@umview/ptrace-core';
import { runForOutput } from './helpers.js';

let tracer: Tracer | undefined;
afterEach(() => {
  tracer?.close();
  tracer = undefined;
});

/** A new tracer, the test's last one closed (afterEach closes it). */
function newTracer(): Tracer {
  tracer?.close();
  tracer = new Tracer();
  return tracer;
}

/** A seccomp filter of one instruction: SECCOMP_RET_ALLOW. */
const ALLOW_ALL = Buffer.from([0x06, 0, 0, 0, 0x00, 0x00, 0xff, 0x7f]);

/** The SigIgn mask of `grep` run under a tracer with `options`, as /proc prints it, and whether
 * a filter was installed. */
function ignoredBy(options: SpawnOptions): { mask: string; filtered: boolean | undefined } {
  const { stdout, last, tracee } = runForOutput(newTracer(), '/bin/grep', ['^SigIgn:', '/proc/self/status'], options);
  expect(last).toMatchObject({ kind: 'exited', code: 0 });
  return { mask: stdout.split(/\s+/)[1]!, filtered: tracee.seccompFilterInstalled };
}

describe("spawn's ignoredSignals", () => {
  it('none by default: every signal at its default action, SIGPIPE too (Node ignores it)', () => {
    expect(ignoredBy({}).mask).toBe('0000000000000000');
  });

  it('SIGHUP, SIGINT, SIGQUIT, SIGTERM and SIGPIPE ignored, as nohup and a shell\'s trap leave them', () => {
    const { mask } = ignoredBy({ ignoredSignals: [SIGNALS.SIGHUP, SIGNALS.SIGINT, SIGNALS.SIGQUIT, SIGNALS.SIGPIPE, SIGNALS.SIGTERM] });
    expect(mask).toBe('0000000000005007');
  });

  it('signal 64 and a seccomp filter at once (the trampoline gets both)', () => {
    expect(ignoredBy({ ignoredSignals: [64, SIGNALS.SIGUSR1], seccompFilter: ALLOW_ALL })).toEqual({ mask: '8000000000000200', filtered: true });
  });

  it('refuses what cannot be ignored: SIGKILL, SIGSTOP, 0, 65', () => {
    const tracer = newTracer();
    for (const signal of [SIGNALS.SIGKILL, SIGNALS.SIGSTOP, 0, 65]) {
      expect(() => tracer.spawn('/bin/true', [], { ignoredSignals: [signal] })).toThrow(InvalidArgumentError);
    }
  });
});
