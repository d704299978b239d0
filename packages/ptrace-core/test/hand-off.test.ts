// SpawnOptions.handOff: a program run in the stopped child of the hand-off client, a process this
// test did not start as a tracee, which lets it trace the child and waits for the status it is
// sent (arch/x86_64/hand-off.ts has the protocol). Real client, real unix socket, real kernel.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@umview/test-fixtures';
import { SpawnError, Tracer, arch, handOffClientElf, syscallNumber, type SpawnOptions } from '@umview/ptrace-core';
import { readProcStatusNumber } from '@umview/ptrace-core/internal';
import { fixture, processAlive, runToEnd } from './helpers.js';

let tracer: Tracer | undefined;
let server: Server | undefined;
afterEach(() => {
  tracer?.close();
  tracer = undefined;
  server?.close();
  server = undefined;
});

const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const fdOf = (socket: Socket): number => (socket as unknown as { _handle: { fd: number } })._handle.fd;

interface Request { socket: Socket; parent: number; child: number }

/** SIGTSTP, SIGTTIN and SIGTTOU in a /proc signal mask (bit N-1 for signal N). */
const JOB_CONTROL_MASK = 0b111n << 19n;
/** SIGHUP, SIGINT and SIGTERM. */
const FORWARDED_MASK = 0b11n | (1n << 14n);
/** A signal mask of process `pid` from its /proc status (SigIgn, SigCgt). */
const statusMask = (pid: number, field: 'SigIgn' | 'SigCgt'): bigint =>
  BigInt(`0x${new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]}`);

/** A client started on `socket` with `fallback` as what it runs when nobody serves it (by a
 * shell that runs `shellSetup` first); resolves with its output and how it ended, as its parent's
 * waitpid saw it (`status` as a shell reports it, `signal` if it was killed). Its parent is the
 * wait-status fixture, not this process: the tracer's waitpid(-1) would reap it first. */
function startClient(socket: string, fallback: string[], shellSetup = ''): { done: Promise<{ stdout: string; stderr: string; status: number; signal?: number }> } {
  const path = join(tempDir(), 'hand-off');
  writeFileSync(path, handOffClientElf(), { mode: 0o700 });
  const shell = spawn('/bin/sh', ['-c', `${shellSetup}exec "$@"`, 'sh', fixture('wait-status'), path, socket, ...fallback], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const read = (stream: NodeJS.ReadableStream): Promise<string> => new Promise((resolve) => {
    let text = '';
    stream.on('data', (d: Buffer) => (text += d));
    stream.on('end', () => resolve(text));
  });
  const done = Promise.all([read(shell.stdout!), read(shell.stderr!), read(shell.stdio[3] as NodeJS.ReadableStream)]).then(([stdout, stderr, report]) => {
    const [, how, n] = /\[(exited|killed) (\d+)\]/.exec(report)!;
    return how === 'killed' ? { stdout, stderr, status: 128 + Number(n), signal: Number(n) } : { stdout, stderr, status: Number(n) };
  });
  return { done };
}

/** A server on a fresh socket; resolves with the first request (the client's pids). */
async function listen(): Promise<{ path: string; request: Promise<Request> }> {
  const path = join(tempDir(), 'server.sock');
  let resolve!: (r: Request) => void;
  const request = new Promise<Request>((r) => (resolve = r));
  server = createServer((socket) => {
    socket.once('data', (data: Buffer) => resolve({ socket, parent: data.readInt32LE(0), child: data.readInt32LE(4) }));
  });
  await new Promise<void>((r) => server!.listen(path, r));
  return { path, request };
}

/** Serves `request` with `program`: seizes the child, runs the program to its end, sends its status. */
function serve(request: Request, program: string, args: string[], options: SpawnOptions = {}): number {
  tracer = new Tracer();
  const fd = fdOf(request.socket);
  let status: number;
  try {
    const tracee = tracer.spawn(program, args, { ...options, handOff: { child: request.child, onSeized: () => writeSync(fd, int32(arch.HAND_OFF_ADOPTED)) } });
    tracee.cont();
    const end = runToEnd(tracer, undefined, 'cont').at(-1)!;
    status = end.kind === 'exited' ? end.code : end.kind === 'killed' ? arch.HAND_OFF_KILLED | end.signal : 1;
  } catch (error) {
    if (!(error instanceof SpawnError)) throw error;
    status = 127;
  }
  writeSync(fd, int32(status));
  request.socket.end();
  return status;
}

describe('hand-off', () => {
  it('runs the program in the client\'s child: its output, its status, its parent the client', async () => {
    const { path, request } = await listen();
    const { done } = startClient(path, ['/bin/sh', '-c', 'echo fallback']);
    const r = await request;
    expect(readProcStatusNumber(r.child, 'PPid')).toBe(r.parent);
    serve(r, '/bin/sh', ['-c', 'echo served by $PPID; exit 7']);
    const result = await done;
    expect(result).toMatchObject({ stdout: `served by ${r.parent}\n`, status: 7 });
  });

  it('installs the seccomp filter in the child before the exec', async () => {
    const GETPPID = syscallNumber('getppid')!;
    // Stops getppid (SECCOMP_RET_TRACE), allows the rest.
    const filter = Buffer.alloc(32);
    [[0x20, 0, 0, 0], [0x15, 0, 1, GETPPID], [0x06, 0, 0, 0x7ff00000], [0x06, 0, 0, 0x7fff0000]].forEach(([code, jt, jf, k], i) => {
      filter.writeUInt16LE(code!, i * 8);
      filter.writeUInt8(jt!, i * 8 + 2);
      filter.writeUInt8(jf!, i * 8 + 3);
      filter.writeUInt32LE(k! >>> 0, i * 8 + 4);
    });
    const { path, request } = await listen();
    const { done } = startClient(path, ['/bin/true']);
    const r = await request;
    tracer = new Tracer();
    const tracee = tracer.spawn('/bin/sh', ['-c', 'echo $PPID'], { seccompFilter: filter, handOff: { child: r.child, onSeized: () => writeSync(fdOf(r.socket), int32(arch.HAND_OFF_ADOPTED)) } });
    expect(tracee.seccompFilterInstalled).toBe(true);
    tracee.cont();
    const stops = runToEnd(tracer, undefined, 'cont');
    expect(stops.filter((s) => s.kind === 'seccomp' && s.nr === GETPPID).length).toBeGreaterThan(0);
    writeSync(fdOf(r.socket), int32(0));
    r.socket.end();
    expect(await done).toMatchObject({ status: 0 });
  });

  it('gives the program the argv and environment asked for, not the client\'s', async () => {
    const { path, request } = await listen();
    const { done } = startClient(path, ['/bin/true']);
    serve(await request, '/bin/sh', ['-c', 'echo "$0|$1|$GREETING|$(env | wc -l)"', 'zero', 'one'], { argv0: 'sh', env: { GREETING: 'hello', PATH: '/usr/bin:/bin' } });
    expect((await done).stdout).toBe('zero|one|hello|3\n'); // GREETING, PATH and sh's PWD
  });

  it('dies of the signal that killed the program, as its parent would see the program die', async () => {
    const { path, request } = await listen();
    const { done } = startClient(path, ['/bin/true']);
    serve(await request, '/bin/sh', ['-c', 'kill -TERM $$']);
    expect(await done).toMatchObject({ status: 143, signal: 15, stderr: '' });
  });

  it('dies of a core-dumping signal without a core of its own (its core limit 1 first)', async (ctx) => {
    // Only a core_pattern without a directory puts a core where this test looks (a pipe to a
    // crash collector is not bound by the core limit at all).
    const pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
    if (pattern.startsWith('|') || pattern.includes('/')) ctx.skip(`core_pattern is ${pattern}: cores do not land in the working directory`);
    const { path, request } = await listen();
    const dir = tempDir();
    // The client's working directory, where a core of its own would land by default.
    const { done } = startClient(path, ['/bin/true'], `cd ${dir} && ulimit -c unlimited; `);
    serve(await request, '/bin/sh', ['-c', 'ulimit -c 0; kill -QUIT $$']);
    expect(await done).toMatchObject({ status: 131, signal: 3 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('forwards SIGTERM sent to the client to the program', async () => {
    const { path, request } = await listen();
    const { done } = startClient(path, ['/bin/true']);
    serve(await request, '/bin/sh', ['-c', 'trap "exit 9" TERM; kill -TERM $PPID; while :; do :; done']);
    expect(await done).toMatchObject({ status: 9 });
  });

  it('reports a program that cannot be run through the status it sends', async () => {
    const { path, request } = await listen();
    const { done } = startClient(path, ['/bin/true']);
    const r = await request;
    expect(serve(r, '/nonexistent/program', [])).toBe(127);
    expect(await done).toMatchObject({ status: 127, stdout: '' });
    expect(processAlive(r.child)).toBe(false); // killed
  });

  it('falls back to its command when the server declines', async () => {
    const { path, request } = await listen();
    const { done } = startClient(path, ['/bin/sh', '-c', 'echo fallback "$@"; exit 3', 'sh', 'arg']);
    const r = await request;
    r.socket.destroy();
    expect(await done).toMatchObject({ stdout: 'fallback arg\n', status: 3 });
    expect(processAlive(r.child)).toBe(false); // the stopped child is gone
  });

  it('handles the terminal\'s signals before it asks to be served; the program keeps the shell\'s dispositions', async () => {
    const { path, request } = await listen();
    const { done } = startClient(path, ['/bin/true']);
    const r = await request;
    // Already when the server hears of the child: a Ctrl-Z or Ctrl-C that comes as soon as the
    // program runs does not stop or end the client before the program.
    expect(statusMask(r.parent, 'SigIgn') & JOB_CONTROL_MASK).toBe(JOB_CONTROL_MASK);
    expect(statusMask(r.parent, 'SigCgt') & FORWARDED_MASK).toBe(FORWARDED_MASK);
    serve(r, '/bin/grep', ['^SigIgn:', '/proc/self/status']);
    expect(await done).toMatchObject({ stdout: 'SigIgn:\t0000000000000000\n', status: 0 });
  });

  it('falls back, declined, with those signals as its shell left them (SIGINT and SIGTTIN ignored here)', async () => {
    const { path, request } = await listen();
    const { done } = startClient(path, ['/bin/grep', '^SigIgn:', '/proc/self/status'], "trap '' INT TTIN; ");
    (await request).socket.destroy();
    expect(await done).toMatchObject({ stdout: 'SigIgn:\t0000000000100002\n', status: 0 });
  });

  it('falls back to its command when nobody listens', async () => {
    const { done } = startClient(join(tempDir(), 'nobody.sock'), ['/bin/sh', '-c', 'echo fallback']);
    expect(await done).toMatchObject({ stdout: 'fallback\n', status: 0 });
  });

  it('says so and exits 1 when the server goes away after adopting the child', async () => {
    const { path, request } = await listen();
    const { done } = startClient(path, ['/bin/sh', '-c', 'echo fallback']);
    const r = await request;
    tracer = new Tracer();
    tracer.spawn('/bin/true', [], { handOff: { child: r.child, onSeized: () => writeSync(fdOf(r.socket), int32(arch.HAND_OFF_ADOPTED)) } });
    r.socket.destroy();
    tracer.close(); // the server's end: its tracees die with it (PTRACE_O_EXITKILL)
    expect(await done).toMatchObject({ stdout: '', stderr: 'umview-lite: the monitor server exited during the run\n', status: 1 });
  });
});
