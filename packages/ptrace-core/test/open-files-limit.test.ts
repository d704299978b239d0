// spawn's `openFilesLimit`: the program's soft RLIMIT_NOFILE, its hard limit this process's (Node
// raised its own soft limit to the hard one as it started). Read by the program's own shell.
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, Tracer, type SpawnOptions } from '@umview/ptrace-core';
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
