// spawn's `ignoredSignals`: the program starts with those signals ignored, as a program a shell
// runs inherits what the shell ignored, and with every other signal at its default action (the
// tracer's own, Node's handlers and its ignored SIGPIPE, are not passed on). Read from the
// program's own /proc/self/status, with and without a seccomp filter (both use the trampoline's
// registers).
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, SIGNALS, Tracer } from '@umview/ptrace-core';
import { runToEnd } from './helpers.js';

let tracer: Tracer | undefined;
afterEach(() => {
  tracer?.close();
  tracer = undefined;
});

/** A seccomp filter of one instruction: SECCOMP_RET_ALLOW. */
const ALLOW_ALL = Buffer.from([0x06, 0, 0, 0, 0x00, 0x00, 0xff, 0x7f]);

/** The SigIgn mask of `grep` run under a tracer with `options`, as /proc prints it, and whether
 * a filter was installed. */
async function ignoredBy(options: Parameters<Tracer['spawn']>[2]): Promise<{ mask: string; filtered: boolean }> {
  tracer = new Tracer();
  const tracee = tracer.spawn('/bin/grep', ['^SigIgn:', '/proc/self/status'], { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  (tracee.stdout as Readable).on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(tracee.stdout as Readable, 'end');
  tracee.cont();
  const stops = runToEnd(tracer, undefined, 'cont');
  expect(stops.at(-1)).toMatchObject({ kind: 'exited', code: 0 });
  await ended;
  return { mask: Buffer.concat(chunks).toString('utf8').split(/\s+/)[1]!, filtered: tracee.seccompFilterInstalled };
}

describe("spawn's ignoredSignals", () => {
  it('none by default: every signal at its default action, SIGPIPE too (Node ignores it)', async () => {
    expect((await ignoredBy({})).mask).toBe('0000000000000000');
  });

  it('SIGHUP, SIGINT, SIGQUIT, SIGTERM and SIGPIPE ignored, as nohup and a shell\'s trap leave them', async () => {
    const { mask } = await ignoredBy({ ignoredSignals: [SIGNALS.SIGHUP, SIGNALS.SIGINT, SIGNALS.SIGQUIT, SIGNALS.SIGPIPE, SIGNALS.SIGTERM] });
    expect(mask).toBe('0000000000005007');
  });

  it('signal 64 and a seccomp filter at once (the trampoline gets both)', async () => {
    expect(await ignoredBy({ ignoredSignals: [64, SIGNALS.SIGUSR1], seccompFilter: ALLOW_ALL })).toEqual({ mask: '8000000000000200', filtered: true });
  });

  it('refuses what cannot be ignored: SIGKILL, SIGSTOP, 0, 65', () => {
    tracer = new Tracer();
    for (const signal of [SIGNALS.SIGKILL, SIGNALS.SIGSTOP, 0, 65]) {
      expect(() => tracer!.spawn('/bin/true', [], { ignoredSignals: [signal] })).toThrow(InvalidArgumentError);
    }
  });
});
