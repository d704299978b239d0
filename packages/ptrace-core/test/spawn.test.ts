import { chmodSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@umview/test-fixtures';
import { SpawnError, Tracer, ERRNO } from '@umview/ptrace-core';
import { fixture, outputFile, runToEnd } from './helpers.js';

let tracer: Tracer;
afterEach(() => tracer?.close());

function elfEntry(path: string): bigint {
  return readFileSync(path).readBigUInt64LE(24);
}

describe('spawn', () => {
  it('stops at the exec event with rip at the dynamic loader entry, before any instruction ran', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('getpid-print'));
    expect(tracee.lastStop?.kind).toBe('exec');
    expect(tracee.state).toBe('stopped');
    const rip = tracee.getRegisters().rip;
    // The loader's entry: the interpreter mapping's base + its ELF entry point.
    const maps = readFileSync(`/proc/${tracee.pid}/maps`, 'utf8');
    const ldLine = maps.split('\n').find((l) => /ld-linux-x86-64\.so\.2$/.test(l))!;
    const base = BigInt(`0x${ldLine.split('-')[0]}`);
    const ldPath = ldLine.split(/\s+/).pop()!;
    expect(rip).toBe(base + elfEntry(ldPath));
    // Nothing has run yet: the stack pointer is where the kernel left argc.
    const argc = tracee.peek(tracee.getRegisters().rsp);
    expect(argc).toBe(1n);
  });

  it('passes argv (with argv[0]), the environment and the cwd exactly', () => {
    tracer = new Tracer();
    const out = outputFile();
    const cwd = tempDir();
    const tracee = tracer.spawn('/bin/sh', ['-c', 'echo "$0|$1|$FOO|$(pwd)"; env | sort', 'one'], {
      argv0: 'custom-argv0', env: { FOO: 'bar baz', PATH: '/usr/bin:/bin' }, cwd, stdout: { path: out.path },
    });
    tracee.cont();
    runToEnd(tracer, undefined, 'cont');
    const [first, ...env] = out.read().trim().split('\n');
    expect(first).toBe(`one||bar baz|${cwd}`);
    // sh sets PWD itself; nothing else is added by the trampoline.
    expect(env.filter((l) => !l.startsWith('PWD=') && !l.startsWith('OLDPWD=') && !l.startsWith('SHLVL=') && !l.startsWith('_='))).toEqual([
      'FOO=bar baz', 'PATH=/usr/bin:/bin',
    ]);
  });

  it('gives the program exactly the environment given (no PWD added)', () => {
    tracer = new Tracer();
    const out = outputFile();
    const tracee = tracer.spawn('/usr/bin/env', [], { env: ['A=1', 'B=two'], stdout: { path: out.path } });
    tracee.cont();
    runToEnd(tracer, undefined, 'cont');
    expect(out.read()).toBe('A=1\nB=two\n');
  });

  it('sets argv[0] as given', () => {
    tracer = new Tracer();
    const out = outputFile();
    const tracee = tracer.spawn('/bin/sh', ['-c', 'tr "\\0" " " < /proc/$$/cmdline'], { argv0: 'my-name', stdout: { path: out.path } });
    tracee.cont();
    runToEnd(tracer, undefined, 'cont');
    expect(out.read()).toBe('my-name -c tr "\\0" " " < /proc/$$/cmdline ');
  });

  it('connects stdin, stdout and stderr to files, /dev/null and pipes', () => {
    tracer = new Tracer();
    const dir = tempDir();
    writeFileSync(join(dir, 'in.txt'), 'from stdin\n');
    const out = outputFile();
    const err = outputFile();
    const tracee = tracer.spawn('/bin/sh', ['-c', 'cat; echo to-stderr >&2'], {
      stdin: { path: join(dir, 'in.txt') }, stdout: { path: out.path }, stderr: { path: err.path },
    });
    tracee.cont();
    runToEnd(tracer, undefined, 'cont');
    expect(out.read()).toBe('from stdin\n');
    expect(err.read()).toBe('to-stderr\n');
  });

  it('resets signal dispositions that Node changed (SIGPIPE is not ignored in the tracee)', () => {
    tracer = new Tracer();
    const out = outputFile();
    const tracee = tracer.spawn('/bin/sh', ['-c', 'grep SigIgn /proc/self/status'], { stdout: { path: out.path } });
    tracee.cont();
    runToEnd(tracer, undefined, 'cont');
    const ignored = BigInt(`0x${out.read().split(/\s+/)[1]}`);
    expect(ignored & (1n << 12n)).toBe(0n); // bit 13-1: SIGPIPE
  });

  it('reports a missing program clearly, without starting anything', () => {
    tracer = new Tracer();
    expect(() => tracer.spawn('/no/such/program')).toThrow(SpawnError);
    expect(() => tracer.spawn('no-such-command-xyz')).toThrow(/command not found/);
    try {
      tracer.spawn('/no/such/program');
    } catch (error) {
      expect((error as SpawnError).errno).toBe(ERRNO.ENOENT);
      expect((error as SpawnError).code).toBe('ENOENT');
    }
    expect(tracer.tracees.size).toBe(0);
  });

  it('searches PATH as a shell does: an unsearchable directory is a miss, a non-executable file is permission denied', () => {
    tracer = new Tracer();
    const root = tempDir();
    // Unsearchable for this user (root passes through it: then it is an ordinary miss).
    const closed = join(root, 'closed');
    mkdirSync(closed, { mode: 0o000 });
    const plain = join(root, 'plain');
    mkdirSync(plain);
    for (const name of ['tool', 'true']) {
      writeFileSync(join(plain, name), '#!/bin/sh\n');
      chmodSync(join(plain, name), 0o644);
    }
    const env = (path: string) => ({ env: { PATH: path } });
    expect(() => tracer.spawn('no-such-command-xyz', [], env(`${closed}:/usr/bin`))).toThrow(/^cannot run no-such-command-xyz: command not found$/);
    expect(() => tracer.spawn('tool', [], env(`${closed}:${plain}`))).toThrow(/^cannot run tool: permission denied$/);
    // A non-executable match is passed over when an executable one follows, as execvp does.
    const tracee = tracer.spawn('true', [], env(`${plain}:${closed}:/usr/bin:/bin`));
    expect(readlinkSync(`/proc/${tracee.pid}/exe`)).toMatch(/^\/(usr\/)?bin\/true$/);
    tracee.kill();
  });

  it('reports a non-ELF executable file as an exec format error', () => {
    tracer = new Tracer();
    const path = join(tempDir(), 'not-elf');
    writeFileSync(path, 'this is just text\n');
    chmodSync(path, 0o755);
    let error: unknown;
    try {
      tracer.spawn(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpawnError);
    expect((error as SpawnError).code).toBe('ENOEXEC');
    expect((error as Error).message).toMatch(/exec format error/);
    expect(tracer.tracees.size).toBe(0);
  });

  it('reports a file without execute permission and a script with a missing interpreter', () => {
    tracer = new Tracer();
    const dir = tempDir();
    writeFileSync(join(dir, 'noexec'), '#!/bin/sh\necho hi\n');
    expect(() => tracer.spawn(join(dir, 'noexec'))).toThrow(/permission denied/);
    writeFileSync(join(dir, 'badinterp'), '#!/no/such/interpreter\n');
    chmodSync(join(dir, 'badinterp'), 0o755);
    let error: SpawnError | undefined;
    try { tracer.spawn(join(dir, 'badinterp')); } catch (e) { error = e as SpawnError; }
    expect(error?.code).toBe('ENOENT');
    expect(error?.message).toMatch(/interpreter/);
  });

  it('runs #! scripts', () => {
    tracer = new Tracer();
    const dir = tempDir();
    const out = outputFile();
    writeFileSync(join(dir, 'script'), '#!/bin/sh\necho "script ran $1"\n');
    chmodSync(join(dir, 'script'), 0o755);
    const tracee = tracer.spawn(join(dir, 'script'), ['ok'], { stdout: { path: out.path } });
    tracee.cont();
    const stops = runToEnd(tracer, undefined, 'cont');
    expect(out.read()).toBe('script ran ok\n');
    expect(stops.at(-1)).toMatchObject({ kind: 'exited', code: 0 });
  });
});
