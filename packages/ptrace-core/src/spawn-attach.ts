// How a Tracer comes to trace a process, and stops: spawn (a trampoline seized before the
// program's exec), attach (PTRACE_SEIZE of every thread, then an interrupt), and the graceful
// detach of what was attached.
import { readdirSync, readFileSync } from 'node:fs';
import { NotTraceableError, PermissionError, PtraceError, TraceeGoneError, checked, failedWaitErrno, systemError } from './errors.js';
import { PTRACE, PTRACE_EVENT, PTRACE_O, WAIT } from './native/constants.js';
import { ERRNO } from './native/errno.js';
import { getLibc } from './native/libc.js';
import { SIGNALS } from './native/signals.js';
import { readProcStatusNumber } from './proc-status.js';
import { SI_CODE } from './siginfo.js';
import { execFailure, resolveProgram } from './spawn/resolve-program.js';
import { launchTrampoline, resolveStdio } from './spawn/launch.js';
import { checkFilterProgram, placeFilter } from './spawn/trampoline-filter.js';
import { ignoredSignalMask, placeIgnoredSignals } from './spawn/trampoline-signals.js';
import { openFilesLimit, setOpenFilesLimit } from './spawn/open-files-limit.js';
import { placeExec } from './spawn/hand-off.js';
import { Tracee } from './tracee.js';
import type { AttachOptions, SpawnOptions, TraceOptions, Tracer } from './tracer.js';
import type { WaitLoop } from './wait-loop.js';
import * as ws from './wait-status.js';

/** Starts `program` traced, stopped at its exec event (see Tracer.spawn). */
export function spawnTracee(tracer: Tracer, program: string, args: readonly string[], options: SpawnOptions): Tracee {
  const libc = getLibc();
  const status = new Int32Array(1);
  const env = environment(options.env);
  const cwd = options.cwd ?? process.cwd();
  const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5);
  const resolve = (): string => resolveProgram(program, pathVar, cwd);
  const argv0 = options.argv0 ?? program;
  const filter = options.seccompFilter;
  if (filter !== undefined) checkFilterProgram(filter);
  const ignored = ignoredSignalMask(options.ignoredSignals ?? []);
  const fileLimit = options.openFilesLimit === undefined ? undefined : openFilesLimit(options.openFilesLimit);
  if (options.handOff !== undefined) return adoptHandOff(tracer, { program, resolve, argv: [argv0, ...args], env, filter, options, status });
  const path = resolve();
  const launched = launchTrampoline({
    path,
    // The trampoline's own arguments: our pid (it dies with us until we have seized it), the
    // program's path; then the program's argv.
    argv: [argv0, String(process.pid), path, argv0, ...args],
    env,
    cwd: options.cwd,
    stdio: resolveStdio(options),
  });
  const pid = launched.pid;
  try {
    waitForTrampolineStop(pid, program, status);
    checked(libc.ptrace(PTRACE.SEIZE, pid, 0, ptraceOptions({ ...options, exitKill: true })), 'PTRACE_SEIZE', pid);
    if (fileLimit !== undefined) setOpenFilesLimit(pid, fileLimit);
    const tracee = new Tracee(tracer, pid, 'spawned', pid);
    Object.assign(tracee.stdio, launched.pipes);
    const whileStopped = filter === undefined && ignored === 0n ? undefined : (trampoline: Tracee): void => {
      if (filter !== undefined) placeFilter(trampoline, filter, options.seccompFilterFlags ?? 0);
      if (ignored !== 0n) placeIgnoredSignals(trampoline, ignored);
    };
    const refused = runToExec(tracee, program, status, whileStopped);
    if (filter !== undefined) tracee.bookkeeping.filterInstalled = !refused;
    tracer.tracees.set(pid, tracee);
    return tracee;
  } catch (error) {
    for (const fd of Object.values(launched.pipes)) libc.close(fd);
    libc.kill(pid, SIGNALS.SIGKILL);
    libc.waitpid(pid, status, WAIT.ALL);
    throw error;
  }
}

/** Runs the program in a hand-off client's stopped child (SpawnOptions.handOff): seized as the
 * spawn trampoline is, then handed its execve's path, argv and environment with the filter. */
function adoptHandOff(tracer: Tracer, spawn: { program: string; resolve: () => string; argv: string[]; env: string[]; filter?: Uint8Array; options: SpawnOptions; status: Int32Array }): Tracee {
  const libc = getLibc();
  const { program, filter, options, status } = spawn;
  const pid = options.handOff!.child;
  checked(libc.ptrace(PTRACE.SEIZE, pid, 0, ptraceOptions({ ...options, exitKill: true })), 'PTRACE_SEIZE', pid);
  try {
    // Seized first, so that the client hears that the command is this tracer's business even
    // when it cannot be run: the error is reported, not the command run again elsewhere.
    options.handOff!.onSeized?.();
    const path = spawn.resolve();
    const tracee = new Tracee(tracer, pid, 'spawned', pid);
    const refused = runToExec(tracee, program, status, (child) => {
      placeExec(child, path, spawn.argv, spawn.env);
      if (filter !== undefined) placeFilter(child, filter, options.seccompFilterFlags ?? 0);
    });
    if (filter !== undefined) tracee.bookkeeping.filterInstalled = !refused;
    tracer.tracees.set(pid, tracee);
    return tracee;
  } catch (error) {
    // Not our child: once killed, its tracer reaps it, and its parent (the client) then sees it.
    libc.kill(pid, SIGNALS.SIGKILL);
    libc.waitpid(pid, status, WAIT.ALL);
    throw error;
  }
}

/** Seizes and stops a running process (see Tracer.attach). */
export function attachTracee(tracer: Tracer, loop: WaitLoop, pid: number, options: AttachOptions): Tracee {
  const libc = getLibc();
  const tgid = readTgidOrThrow(pid);
  const opts = ptraceOptions({ ...options, exitKill: options.exitKill ?? false });
  const seized: Tracee[] = [];
  const seize = (tid: number): void => {
    if (tracer.tracees.has(tid)) return;
    if (libc.ptrace(PTRACE.SEIZE, tid, 0, opts) === -1) {
      const errno = libc.errno();
      if (errno === ERRNO.ESRCH && tid !== pid) return; // a thread that just exited
      throw attachError(tid, errno);
    }
    const tracee = new Tracee(tracer, tid, 'attached', tgid);
    tracee.bookkeeping.awaitingAttachStop = true;
    tracer.tracees.set(tid, tracee);
    seized.push(tracee);
    checked(libc.ptrace(PTRACE.INTERRUPT, tid, 0, 0), 'PTRACE_INTERRUPT', tid);
  };
  try {
    seize(pid);
    if (options.allThreads ?? true) {
      // Threads created while we attach are seized by TRACECLONE once their creator is
      // seized; rescan until a pass finds nothing new, as gdb and strace do.
      for (let added = true; added;) {
        const before = seized.length;
        for (const tid of listThreads(tgid)) seize(tid);
        added = seized.length > before;
      }
    }
    for (const tracee of seized) waitForAttachStop(loop, tracee);
  } catch (error) {
    for (const tracee of seized) {
      libc.ptrace(PTRACE.DETACH, tracee.tid, 0, 0);
      loop.forget(tracee);
    }
    throw error;
  }
  return tracer.tracees.get(pid) ?? seized[0]!;
}

/** Detaches an attached thread, stopping it first if it runs, and keeps the signal it was
 * about to get. */
export function detachGracefully(loop: WaitLoop, tracee: Tracee): void {
  const libc = getLibc();
  const status = new Int32Array(1);
  try {
    if (tracee.state !== 'stopped') {
      tracee.interrupt();
      for (;;) {
        if (libc.waitpid(tracee.tid, status, WAIT.ALL) === -1) return;
        const s = status[0]!;
        if (ws.exited(s) || ws.signaled(s)) { loop.forget(tracee); return; }
        const pending = ws.stopEvent(s) === 0 && ws.stopSignal(s) !== (SIGNALS.SIGTRAP | 0x80) ? ws.stopSignal(s) : 0;
        if (pending) { tracee.detach(pending); return; } // keep the signal it was about to get
        break;
      }
    }
    const last = tracee.lastStop;
    tracee.detach(last?.kind === 'signal' && tracee.state === 'stopped' ? last.signal : 0);
  } catch (error) {
    if (error instanceof TraceeGoneError) loop.forget(tracee);
    else throw error;
  }
}

function waitForTrampolineStop(pid: number, program: string, status: Int32Array): void {
  const libc = getLibc();
  let r = libc.waitpid(pid, status, WAIT.UNTRACED);
  while (r === -1 && failedWaitErrno(libc.errno()) === ERRNO.EINTR) r = libc.waitpid(pid, status, WAIT.UNTRACED);
  if (r === -1) throw systemError('waitpid', libc.errno(), pid);
  const s = status[0]!;
  if (ws.exited(s)) throw execFailure(program, ws.exitCode(s));
  if (!ws.stopped(s)) throw new PtraceError(`spawn of ${program}: the trampoline died (status 0x${s.toString(16)})`, { errno: 0, operation: 'spawn', tid: pid });
}

/** Continues the seized, group-stopped trampoline up to the exec event of the program;
 * `whileStopped` is done at its first stop (its own SIGSTOP's, before its execve). Returns
 * whether the trampoline reported, with a SIGSYS to itself, that the kernel refused the filter
 * placed then. */
function runToExec(tracee: Tracee, program: string, status: Int32Array, whileStopped?: (trampoline: Tracee) => void): boolean {
  const libc = getLibc();
  const pid = tracee.tid;
  let refused = false;
  checked(libc.kill(pid, SIGNALS.SIGCONT), 'kill(SIGCONT)', pid);
  for (let i = 0; i < 32; i++) {
    if (libc.waitpid(pid, status, WAIT.ALL) === -1) {
      const errno = failedWaitErrno(libc.errno());
      if (errno === ERRNO.EINTR) continue;
      throw systemError('waitpid', errno, pid);
    }
    const s = status[0]!;
    if (ws.exited(s)) throw execFailure(program, ws.exitCode(s));
    if (ws.signaled(s)) throw new PtraceError(`spawn of ${program}: killed by signal ${ws.termSignal(s)} before exec`, { errno: 0, operation: 'spawn', tid: pid });
    if (ws.stopEvent(s) === PTRACE_EVENT.EXEC) {
      tracee.bookkeeping.state = 'stopped';
      tracee.bookkeeping.lastStop = { kind: 'exec', tid: pid, tracee, status: s, formerTid: pid };
      return refused;
    }
    if (whileStopped !== undefined && i === 0) whileStopped(tracee);
    else if (whileStopped !== undefined && refusalReported(tracee, s)) refused = true;
    // The trampoline's group-stop (reported as EVENT_STOP), its SIGCONT (suppressed, it only
    // served to wake it), its execve's seccomp stop under a seccompFilter, or any other stop
    // before exec: resume without a signal.
    checked(libc.ptrace(PTRACE.CONT, pid, 0, 0), 'PTRACE_CONT', pid);
  }
  throw new PtraceError(`spawn of ${program}: no exec event`, { errno: 0, operation: 'spawn', tid: pid });
}

/** Whether stop `s` is the trampoline's report of a refused filter: the signal-delivery stop of
 * a SIGSYS it sent itself (a seccomp filter's SIGSYS has another code, SYS_SECCOMP). */
function refusalReported(trampoline: Tracee, s: number): boolean {
  if (ws.stopEvent(s) !== 0 || ws.stopSignal(s) !== SIGNALS.SIGSYS) return false;
  const info = trampoline.getSigInfo();
  return info.code === SI_CODE.SI_USER && info.pid === trampoline.tid;
}

function waitForAttachStop(loop: WaitLoop, tracee: Tracee): void {
  for (;;) {
    const stop = loop.waitOneStop(tracee);
    if (!stop) continue;
    if (stop.kind === 'interrupt' || stop.kind === 'group-stop') {
      tracee.bookkeeping.awaitingAttachStop = false;
      return;
    }
    // A signal or an exit that raced with the attach: the caller sees it through wait().
    loop.enqueue(stop);
    if (stop.kind === 'exited' || stop.kind === 'killed' || tracee.state === 'stopped') return;
  }
}

function ptraceOptions(options: TraceOptions): number {
  let o = PTRACE_O.TRACESYSGOOD | PTRACE_O.TRACEEXEC | PTRACE_O.TRACESECCOMP;
  if (options.exitKill ?? true) o |= PTRACE_O.EXITKILL;
  const children = options.followChildren ?? true;
  if (children) o |= PTRACE_O.TRACECLONE;
  if (options.followForks ?? children) o |= PTRACE_O.TRACEFORK | PTRACE_O.TRACEVFORK;
  if (options.traceExit) o |= PTRACE_O.TRACEEXIT;
  if (options.traceVforkDone) o |= PTRACE_O.TRACEVFORKDONE;
  return o;
}

function environment(env: SpawnOptions['env']): string[] {
  if (Array.isArray(env)) return env;
  const source = env ?? process.env;
  return Object.entries(source).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
}

function listThreads(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
}

function readTgidOrThrow(pid: number): number {
  const tgid = readProcStatusNumber(pid, 'Tgid');
  if (tgid === undefined) {
    throw new TraceeGoneError(`attach: no process ${pid}`, { errno: ERRNO.ESRCH, operation: 'PTRACE_SEIZE', tid: pid });
  }
  return tgid;
}

function attachError(tid: number, errno: number): PtraceError {
  const details = { errno, operation: 'PTRACE_SEIZE', tid };
  if (errno === ERRNO.EPERM) {
    const tracerPid = readProcStatusNumber(tid, 'TracerPid');
    if (tracerPid) return new NotTraceableError(`cannot attach to ${tid}: already traced by process ${tracerPid}`, details);
    if (tid === process.pid) return new NotTraceableError(`cannot attach to ${tid}: a process cannot trace itself`, details);
    if (isKernelThread(tid)) return new NotTraceableError(`cannot attach to ${tid}: it is a kernel thread`, details);
    return new PermissionError(`cannot attach to ${tid}: operation not permitted (check ptrace_scope and capabilities)`, details);
  }
  return systemError('PTRACE_SEIZE', errno, tid);
}

function isKernelThread(tid: number): boolean {
  try {
    return readFileSync(`/proc/${tid}/cmdline`).length === 0 && readProcStatusNumber(tid, 'PPid') === 2;
  } catch {
    return false;
  }
}
