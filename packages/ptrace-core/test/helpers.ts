// Shared test helpers: fixtures compiled on the fly, a default stop loop, output capture.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC, tempDir } from '@umview/test-fixtures';
import { isTraceeGone, type SpawnOptions, type Stop, type Tracee, type Tracer } from '@umview/ptrace-core';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Compiles test/fixtures/NAME.c (cached) and returns the executable's path. */
export function fixture(name: string, flags: string[] = ['-O0', '-g']): string {
  return compileC(join(fixtures, `${name}.c`), { flags, name });
}

/** A file path for a tracee's output, and a reader for it. */
export function outputFile(): { path: string; read: () => string } {
  const path = join(tempDir(), 'out.txt');
  return { path, read: () => readFileSync(path, 'utf8') };
}

/** Spawns `program` under `tracer` with `options`, runs it to its end, and gives what it wrote
 * on its stdout with its last stop (the tracee too, for what its spawn said). */
export function runForOutput(tracer: Tracer, program: string, args: string[], options: SpawnOptions = {}): { stdout: string; last: Stop | undefined; tracee: Tracee } {
  const out = outputFile();
  const fd = openSync(out.path, 'w');
  try {
    const tracee = tracer.spawn(program, args, { ...options, stdio: ['ignore', fd, 'inherit'] });
    tracee.cont();
    const last = runToEnd(tracer, undefined, 'cont').at(-1);
    return { stdout: out.read(), last, tracee };
  } finally {
    closeSync(fd);
  }
}

export type StopHandler = (stop: Stop) => 'handled' | void;

/** Runs every tracee to its end, resuming each stop with PTRACE_SYSCALL (or CONT) and
 * delivering signals, unless `onStop` returns 'handled' (it resumed the tracee itself). */
export function runToEnd(tracer: Tracer, onStop: StopHandler = () => {}, mode: 'syscall' | 'cont' = 'syscall'): Stop[] {
  const seen: Stop[] = [];
  for (const stop of tracer.stops()) {
    seen.push(stop);
    if (onStop(stop) === 'handled') continue;
    if (stop.kind === 'exited' || stop.kind === 'killed') continue;
    const signal = stop.kind === 'signal' ? stop.signal : 0;
    try {
      if (mode === 'syscall') stop.tracee.syscall(signal);
      else stop.tracee.cont(signal);
    } catch (error) {
      if (!isTraceeGone(error)) throw error;
    }
  }
  return seen;
}

/** True if a process with this pid exists (zombies included). */
export function processExists(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}

/** True if a process with this pid exists and is not a zombie (a zombie is dead; reaping it
 * is its parent's or init's business). */
export function processAlive(pid: number): boolean {
  const state = processState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** The state letter of /proc/PID/stat (R, S, T, t, Z...). */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    return undefined;
  }
}
