// What a program a shell runs inherits from it and a tracer that is Node would not pass on, for
// a tracer that stands for a command of its caller's to give back (as umview-lite's executable
// does): spawn's `ignoredSignals` (Node sets every signal to its default action as it starts)
// and `openFilesLimit` (Node raises its soft RLIMIT_NOFILE to the hard one). Read by the program
// itself: its /proc/self/status, its shell's ulimit.
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

/** `ulimit -Sn` and `ulimit -Hn` as a program spawned with `options` sees them. */
function limitsSeen(options: SpawnOptions): string[] {
  const { stdout, last } = runForOutput(newTracer(), '/bin/sh', ['-c', 'ulimit -Sn; ulimit -Hn'], options);
  expect(last).toMatchObject({ kind: 'exited', code: 0 });
  return stdout.trim().split('\n');
}

describe("spawn's openFilesLimit", () => {
  it("by default, this process's limits", () => {
    const [soft, hard] = limitsSeen({});
    expect(soft).toBe(hard); // as Node left them
  });

  it('a lower soft limit, the hard one unchanged', () => {
    const [, hard] = limitsSeen({});
    expect(limitsSeen({ openFilesLimit: 100 })).toEqual(['100', hard]);
  });

  it('refuses what the program could not be given: above the hard limit, negative, not a whole number', () => {
    const [, hard] = limitsSeen({});
    const tracer = newTracer();
    const above = hard === 'unlimited' ? [] : [Number(hard) + 1, 'unlimited' as const];
    for (const limit of [...above, -1, 1.5]) {
      expect(() => tracer.spawn('/bin/true', [], { openFilesLimit: limit })).toThrow(InvalidArgumentError);
    }
  });
});
