// spawn's `stdio`, shaped as child_process.spawn's: per fd 'inherit', 'ignore', 'pipe', an fd,
// or a stream with an fd; 'pipe' ends given back as streams. Real children, real pipes.
import { once } from 'node:events';
import { closeSync, createWriteStream, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@umview/test-fixtures';
import { AsyncTracer, InvalidArgumentError, Tracer, type StdioOption } from '@umview/ptrace-core';
import { getLibc } from '@umview/ptrace-core/internal';
import { runToEnd } from './helpers.js';

let tracer: Tracer | undefined;
let asyncTracer: AsyncTracer | undefined;
afterEach(async () => {
  tracer?.close();
  tracer = undefined;
  await asyncTracer?.close();
  asyncTracer = undefined;
});

/** Everything a readable gives until its end. */
async function readToEnd(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe("spawn's stdio", () => {
  it("'pipe' gives the tracee's stdin and stdout as streams: cat echoes what it is sent", async () => {
    tracer = new Tracer();
    const tracee = tracer.spawn('/bin/cat', [], { stdio: ['pipe', 'pipe', 'inherit'] });
    expect(tracee.stderr).toBeNull();
    expect(tracee.stdio.stdin).toBeTypeOf('number');
    const stdin = tracee.stdin!;
    stdin.end('hello through a pipe\n');
    // The stream closes its fd once written: cat will see the end of its input.
    await once(stdin, 'close');
    const output = readToEnd(tracee.stdout!);
    tracee.cont();
    // Synchronous: the tracee runs to its end while this thread waits (its output fits in the
    // pipe); the stream reads it afterwards, to cat's end of file.
    const stops = runToEnd(tracer, undefined, 'cont');
    expect(stops.at(-1)).toMatchObject({ kind: 'exited', code: 0 });
    expect(await output).toBe('hello through a pipe\n');
  });

  it('AsyncTracer tracees have the same streams, flowing while the tracee runs', async () => {
    asyncTracer = await AsyncTracer.start();
    const tracee = await asyncTracer.spawn('/bin/sh', ['-c', 'while read -r line; do echo "got $line"; echo "err $line" >&2; done'], { stdio: 'pipe' });
    const out = readToEnd(tracee.stdout!);
    const err = readToEnd(tracee.stderr!);
    await tracee.cont();
    const stdin = tracee.stdin!;
    stdin.write('one\n');
    stdin.end('two\n');
    const kinds: string[] = [];
    for await (const stop of asyncTracer.stops()) {
      kinds.push(stop.kind);
      if (stop.kind === 'exited' || stop.kind === 'killed') {
        if (stop.tid === tracee.tid) break;
        continue;
      }
      await stop.tracee.cont(stop.kind === 'signal' ? stop.signal : 0);
    }
    expect(kinds.at(-1)).toBe('exited');
    expect(await out).toBe('got one\ngot two\n');
    expect(await err).toBe('err one\nerr two\n');
  });

  it("connects an fd, a stream with an fd, 'ignore', and fds beyond 2", async () => {
    const dir = tempDir();
    const fdFile = join(dir, 'fd.txt');
    const streamFile = join(dir, 'stream.txt');
    const fd3File = join(dir, 'fd3.txt');
    const fd = openSync(fdFile, 'w');
    const fd3 = openSync(fd3File, 'w');
    const stream = createWriteStream(streamFile);
    await once(stream, 'open');
    try {
      tracer = new Tracer();
      const tracee = tracer.spawn('/bin/sh', ['-c', 'echo out; echo err >&2; echo three >&3; cat'], {
        stdio: ['ignore', fd, stream, fd3],
      });
      expect([tracee.stdin, tracee.stdout, tracee.stderr]).toEqual([null, null, null]);
      tracee.cont();
      expect(runToEnd(tracer, undefined, 'cont').at(-1)).toMatchObject({ kind: 'exited', code: 0 });
    } finally {
      closeSync(fd);
      closeSync(fd3);
      stream.end();
      await once(stream, 'close');
    }
    expect(readFileSync(fdFile, 'utf8')).toBe('out\n');
    expect(readFileSync(streamFile, 'utf8')).toBe('err\n');
    expect(readFileSync(fd3File, 'utf8')).toBe('three\n');
  });

  it("beyond fd 2, a hole passes an fd as this process holds it, 'inherit' clears its close-on-exec, 'close' closes it", () => {
    const dir = tempDir();
    const fd = openSync(join(dir, 'held'), 'w'); // close-on-exec, as Node opens every fd
    const listing = join(dir, 'listing');
    const out = { path: listing };
    /** Whether the tracee has `fd`, with `option` for it (a hole: nothing given). */
    const tracee = (option?: StdioOption): string => {
      const stdio: (StdioOption | undefined)[] = ['ignore', out, 'inherit'];
      stdio[fd] = option;
      stdio[fd + 1] = 'inherit'; // so that fd's entry is a hole in the array, not past its end
      tracer = new Tracer();
      const traced = tracer.spawn('/bin/sh', ['-c', `[ -e /proc/self/fd/${fd} ] && echo open || echo closed`], { stdio });
      traced.cont();
      expect(runToEnd(tracer, undefined, 'cont').at(-1)).toMatchObject({ kind: 'exited', code: 0 });
      tracer.close();
      tracer = undefined;
      return readFileSync(listing, 'utf8');
    };
    try {
      expect(tracee()).toBe('closed\n');
      expect(tracee('inherit')).toBe('open\n');
      const F_SETFD = 2;
      const FCNTL = 72; // x86-64
      expect(getLibc().syscall6(FCNTL, fd, F_SETFD, 0, 0, 0, 0)).toBe(0); // as a shell's fd Node inherited
      expect(tracee()).toBe('open\n');
      expect(tracee('close')).toBe('closed\n');
    } finally {
      closeSync(fd);
    }
  });

  it("takes one string for the three ('ignore'), and stdio wins over stdin/stdout/stderr", () => {
    tracer = new Tracer();
    const tracee = tracer.spawn('/bin/true', [], { stdio: 'ignore', stdout: 'pipe' });
    expect(tracee.stdout).toBeNull();
    const piped = tracer.spawn('/bin/true', [], { stdio: [null, 'pipe'], stdin: 'ignore', stderr: 'ignore' });
    expect(piped.stdio).toEqual({ stdout: expect.any(Number) });
    closeSync(piped.stdio.stdout!);
  });

  it('refuses what it cannot connect, with InvalidArgumentError, before starting anything', async () => {
    tracer = new Tracer();
    expect(() => tracer!.spawn('/bin/true', [], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] })).toThrow(InvalidArgumentError);
    expect(() => tracer!.spawn('/bin/true', [], { stdio: ['ignore', -1] })).toThrow(/stdio\[1\] is -1/);
    const unopened = createWriteStream(join(tempDir(), 'never.txt'), { flags: 'w' });
    unopened.destroy();
    expect(() => tracer!.spawn('/bin/true', [], { stdio: ['ignore', unopened] })).toThrow(/without a file descriptor/);
    expect(tracer.tracees.size).toBe(0);
    // The file's open was already under way: it ends (opened, then closed) before the test
    // does, so that it never meets a temporary directory removed after the test file.
    await once(unopened, 'close');
  });
});
