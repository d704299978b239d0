// spawn's `openFilesLimit`: the program's soft RLIMIT_NOFILE, its hard limit this process's (Node
// raised its own soft limit to the hard one as it started). Read by the program's own shell.
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, Tracer } from '@umview/ptrace-core';
import { runToEnd } from './helpers.js';

let tracer: Tracer | undefined;
afterEach(() => {
  tracer?.close();
  tracer = undefined;
});

/** `ulimit -Sn` and `ulimit -Hn` as a program spawned with `options` sees them. */
async function limitsSeen(options: Parameters<Tracer['spawn']>[2]): Promise<string[]> {
  tracer = new Tracer();
  const tracee = tracer.spawn('/bin/sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  (tracee.stdout as Readable).on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(tracee.stdout as Readable, 'end');
  tracee.cont();
  expect(runToEnd(tracer, undefined, 'cont').at(-1)).toMatchObject({ kind: 'exited', code: 0 });
  await ended;
  return Buffer.concat(chunks).toString('utf8').trim().split('\n');
}

describe("spawn's openFilesLimit", () => {
  it("by default, this process's limits", async () => {
    const [soft, hard] = await limitsSeen({});
    expect(soft).toBe(hard); // as Node left them
  });

  it('a lower soft limit, the hard one unchanged', async () => {
    const [, hard] = await limitsSeen({});
    expect(await limitsSeen({ openFilesLimit: 100 })).toEqual(['100', hard]);
  });

  it('refuses what the program could not be given: above the hard limit, negative, not a whole number', async () => {
    const [, hard] = await limitsSeen({});
    tracer = new Tracer();
    const above = hard === 'unlimited' ? [] : [Number(hard) + 1, 'unlimited' as const];
    for (const limit of [...above, -1, 1.5]) {
      expect(() => tracer!.spawn('/bin/true', [], { openFilesLimit: limit })).toThrow(InvalidArgumentError);
    }
  });
});
