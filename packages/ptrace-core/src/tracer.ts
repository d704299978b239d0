// The Tracer: owns the tracees of one thread, starts and attaches them, and turns wait
// statuses into typed stops.
//
// ptrace is per thread: only the thread that attached may make requests, so a Tracer lives
// and dies on the thread that created it (a JS object cannot cross threads anyway; for an
// event-loop program use AsyncTracer, which hosts a Tracer in a worker). It waits with
// waitpid(-1, __WALL | __WNOTHREAD): __WALL to see threads, __WNOTHREAD so that a tracer in a
// worker never reaps the children that Node's own child_process started on another thread.
import { readdirSync, readFileSync } from 'node:fs';
import { AUDIT_ARCH } from './arch/index.js';
import { NotTraceableError, PermissionError, PtraceError, TraceeGoneError, checked, systemError } from './errors.js';
import { PTRACE, PTRACE_EVENT, PTRACE_O, SYSCALL_INFO_OP, WAIT } from './native/constants.js';
import { ERRNO } from './native/errno.js';
import { getLibc, type Libc } from './native/libc.js';
import { SIGNALS, STOP_SIGNALS } from './native/signals.js';
import { readArgs } from './syscall-info.js';
import { execFailure, resolveProgram } from './spawn/resolve-program.js';
import { launchTrampoline, type StdioOption } from './spawn/launch.js';
import { Tracee } from './tracee.js';
import type { Stop } from './stops.js';
import * as ws from './wait-status.js';
import { assertSupportedPlatform } from './arch/index.js';

/** Options every tracee gets: syscall stops told apart from SIGTRAP, exec events, children
 * followed, seccomp events, and the tracee killed if the tracer dies (no orphans). */
export const DEFAULT_PTRACE_OPTIONS =
  PTRACE_O.TRACESYSGOOD | PTRACE_O.TRACEEXEC | PTRACE_O.EXITKILL | PTRACE_O.TRACECLONE |
  PTRACE_O.TRACEFORK | PTRACE_O.TRACEVFORK | PTRACE_O.TRACESECCOMP;

export interface TraceOptions {
  /** Follow fork, vfork and clone (default true). */
  followChildren?: boolean;
  /** Follow fork and vfork children (default: followChildren). With followChildren true and
   * this false, threads and clone() children are followed but forked processes are not (a
   * debugger that must not trace what its debuggee forks). */
  followForks?: boolean;
  /** Report 'exiting' stops before threads exit (PTRACE_O_TRACEEXIT; default false). */
  traceExit?: boolean;
  /** Report 'vfork-done' stops (default false). */
  traceVforkDone?: boolean;
  /** Kill the tracee if the tracer thread exits (PTRACE_O_EXITKILL). Always on for spawned
   * tracees, so that nothing is left behind; off by default for attach(), as in gdb: when the
   * tracer dies the kernel detaches an attached process, which goes on running. */
  exitKill?: boolean;
}

export interface SpawnOptions extends TraceOptions {
  /** argv[0] as the program sees it (default: `program` as given). */
  argv0?: string;
  cwd?: string;
  /** The environment (default: this process's). An object or `NAME=value` strings. */
  env?: Record<string, string | undefined> | string[];
  stdin?: StdioOption;
  stdout?: StdioOption;
  stderr?: StdioOption;
}

export interface AttachOptions extends TraceOptions {
  /** Attach to every thread of the process (default true); otherwise only to `pid`'s thread. */
  allThreads?: boolean;
}

/** A stop that arrived for a thread whose creation was not reported yet, kept back until it is
 * (ptrace does not order a new child's first stop after its parent's fork event). */
interface HeldStop {
  stop: Stop;
  parentPid: number;
}

/**
 * The fast lane of a seccomp tracer: called at each seccomp stop before a Stop is made, with
 * the call's number and its six arguments (a view of the PTRACE_GET_SYSCALL_INFO buffer, valid
 * during the call only). True means "let it run": the thread is resumed at once (PTRACE_CONT)
 * and wait() waits on, without reporting the stop.
 */
export type SeccompPass = (tracee: Tracee, nr: number, args: BigUint64Array) => boolean;

/** A wait status's upper bits at a PTRACE_EVENT_SECCOMP stop. */
const SECCOMP_STOP = SIGNALS.SIGTRAP | (PTRACE_EVENT.SECCOMP << 8);

export class Tracer {
  /** Every live traced thread, by tid. */
  readonly tracees = new Map<number, Tracee>();
  /**
   * Seccomp stops this decides to let run never reach wait()'s caller (see SeccompPass). A
   * tracer that stops many calls to look at most of them and change few (a path virtualizer)
   * saves the decoding of each stop, and the stop object, for those few.
   */
  seccompPass: SeccompPass | undefined;
  /** The thread whose syscall info the fast lane fetched at this stop without passing it: its
   * Stop is decoded from that (one PTRACE_GET_SYSCALL_INFO per stop, not two). */
  private prefetched: Tracee | undefined;
  private readonly libc: Libc;
  private readonly status = new Int32Array(new ArrayBuffer(4));
  private statusAddress = 0;
  private readonly ready: Stop[] = [];
  private readonly held = new Map<number, HeldStop>();
  private closed = false;

  constructor() {
    assertSupportedPlatform();
    this.libc = getLibc();
  }

  /** The traced thread with this tid. */
  get(tid: number): Tracee | undefined {
    return this.tracees.get(tid);
  }

  // ---- starting and attaching ----

  /** Starts `program` traced and returns it stopped at its exec event: the new image is
   * loaded and none of its instructions (not even the dynamic loader's) has run. */
  spawn(program: string, args: readonly string[] = [], options: SpawnOptions = {}): Tracee {
    this.assertOpen();
    const env = environment(options.env);
    const cwd = options.cwd ?? process.cwd();
    const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5);
    const path = resolveProgram(program, pathVar, cwd);
    const argv0 = options.argv0 ?? program;
    const launched = launchTrampoline({
      path,
      // The trampoline's own arguments: our pid (it dies with us until we have seized it), the
      // program's path; then the program's argv.
      argv: [argv0, String(process.pid), path, argv0, ...args],
      env,
      cwd: options.cwd,
      stdio: [options.stdin ?? 'inherit', options.stdout ?? 'inherit', options.stderr ?? 'inherit'],
    });
    const pid = launched.pid;
    try {
      this.waitForTrampolineStop(pid, program);
      checked(this.libc.ptrace(PTRACE.SEIZE, pid, 0, ptraceOptions({ ...options, exitKill: true })), 'PTRACE_SEIZE', pid);
      const tracee = new Tracee(this, pid, 'spawned', pid);
      tracee.stdio = launched.pipes;
      this.runToExec(tracee, program);
      this.tracees.set(pid, tracee);
      return tracee;
    } catch (error) {
      for (const fd of Object.values(launched.pipes)) this.libc.close(fd);
      this.libc.kill(pid, SIGNALS.SIGKILL);
      this.libc.waitpid(pid, this.status, WAIT.ALL);
      throw error;
    }
  }

  /** Attaches to a running process with PTRACE_SEIZE (every thread by default) and stops it.
   * Returns the thread `pid`, stopped; the others are stopped too and in `tracees`. */
  attach(pid: number, options: AttachOptions = {}): Tracee {
    this.assertOpen();
    const tgid = readTgidOrThrow(pid);
    const opts = ptraceOptions({ ...options, exitKill: options.exitKill ?? false });
    const seized: Tracee[] = [];
    const seize = (tid: number): void => {
      if (this.tracees.has(tid)) return;
      if (this.libc.ptrace(PTRACE.SEIZE, tid, 0, opts) === -1) {
        const errno = this.libc.errno();
        if (errno === ERRNO.ESRCH && tid !== pid) return; // a thread that just exited
        throw attachError(tid, errno);
      }
      const tracee = new Tracee(this, tid, 'attached', tgid);
      tracee.awaitingAttachStop = true;
      this.tracees.set(tid, tracee);
      seized.push(tracee);
      checked(this.libc.ptrace(PTRACE.INTERRUPT, tid, 0, 0), 'PTRACE_INTERRUPT', tid);
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
      for (const tracee of seized) this.waitForAttachStop(tracee);
    } catch (error) {
      for (const tracee of seized) this.abandon(tracee);
      throw error;
    }
    return this.tracees.get(pid) ?? seized[0]!;
  }

  // ---- the stop loop ----

  /** Blocks until a tracee stops or exits, and returns that stop; undefined once no tracee is
   * left. With `{ nonBlocking: true }`, returns undefined at once if nothing is pending. With
   * `{ interruptible: true }`, returns 'interrupted' when a signal handler interrupted the wait
   * (see makeSignalsInterruptWait), so the caller can let the event loop run it. */
  wait(options: { nonBlocking?: boolean; interruptible?: false }): Stop | undefined;
  wait(options: { nonBlocking?: boolean; interruptible: true }): Stop | 'interrupted' | undefined;
  wait(): Stop | undefined;
  wait(options: { nonBlocking?: boolean; interruptible?: boolean } = {}): Stop | 'interrupted' | undefined {
    for (;;) {
      const next = this.ready.shift();
      if (next) return next;
      if (this.tracees.size === 0 && this.held.size === 0) return undefined;
      const flags = WAIT.ALL | WAIT.NOTHREAD | (options.nonBlocking ? WAIT.NOHANG : 0);
      this.statusAddress ||= Number(this.libc.address(this.status));
      const tid = this.libc.waitpidAt(-1, this.statusAddress, flags);
      if (tid === 0) return undefined;
      if (tid === -1) {
        const errno = this.libc.errno();
        if (errno === ERRNO.EINTR) {
          if (options.interruptible) return 'interrupted';
          continue;
        }
        if (errno === ERRNO.ECHILD) {
          // Nothing left to wait for: whatever we still track is gone (or was reaped elsewhere).
          this.releaseAllHeld();
          for (const tracee of this.tracees.values()) tracee.state = 'exited';
          this.tracees.clear();
          continue;
        }
        throw systemError('waitpid', errno);
      }
      const status = this.status[0]!;
      this.prefetched = undefined;
      if (this.seccompPass !== undefined && status >>> 8 === SECCOMP_STOP && this.passed(tid)) continue;
      const stop = this.decode(tid, status);
      this.prefetched = undefined;
      if (stop) return stop;
    }
  }

  /** Whether seccompPass let this seccomp stop run (it is resumed then). */
  private passed(tid: number): boolean {
    const tracee = this.tracees.get(tid);
    if (tracee === undefined || tracee.isNewChild) return false; // its first stop: decode() knows
    let info: ReturnType<Tracee['fetchSyscallInfoRaw']>;
    try {
      info = tracee.fetchSyscallInfoRaw();
    } catch {
      return false; // gone: decode() reports it
    }
    this.prefetched = tracee;
    if (info.bytes[0] !== SYSCALL_INFO_OP.SECCOMP) return false;
    const nr = Number(info.words[3]);
    if (!this.seccompPass!(tracee, nr, info.args)) return false;
    this.prefetched = undefined;
    tracee.listening = false;
    tracee.syscallNr = nr;
    tracee.lastStop = undefined;
    try {
      tracee.cont(0);
    } catch (error) {
      if (!(error instanceof TraceeGoneError)) throw error; // killed meanwhile: its end is next
    }
    return true;
  }

  /** Blocks until this one thread stops or exits and returns that stop; stops of other threads
   * stay queued for wait(). For code that drives one thread through a sequence (remote syscall
   * injection, stepping over a breakpoint) while the others are left alone. */
  waitFor(tracee: Tracee): Stop {
    const queued = this.ready.findIndex((s) => s.tid === tracee.tid);
    if (queued >= 0) return this.ready.splice(queued, 1)[0]!;
    for (;;) {
      const tid = this.libc.waitpid(tracee.tid, this.status, WAIT.ALL);
      if (tid === -1) {
        const errno = this.libc.errno();
        if (errno === ERRNO.EINTR) continue;
        if (errno === ERRNO.ECHILD) {
          this.forget(tracee);
          throw new TraceeGoneError(`tid ${tracee.tid} is gone`, { errno: ERRNO.ESRCH, operation: 'waitpid', tid: tracee.tid });
        }
        throw systemError('waitpid', errno, tracee.tid);
      }
      const stop = this.decode(tid, this.status[0]!);
      if (stop) return stop;
    }
  }

  /** Iterates over stops until no tracee is left. Each stopped tracee must be resumed. */
  *stops(): Generator<Stop, void, undefined> {
    for (let stop = this.wait(); stop; stop = this.wait()) yield stop;
  }

  /** Kills what this tracer spawned (and its descendants), detaches from what it attached
   * to, and reaps everything. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const tracee of [...this.tracees.values()]) {
      if (tracee.origin === 'attached') this.detachGracefully(tracee);
    }
    for (const tracee of this.tracees.values()) tracee.kill();
    while (this.tracees.size > 0 || this.held.size > 0) {
      const tid = this.libc.waitpid(-1, this.status, WAIT.ALL | WAIT.NOTHREAD);
      if (tid === -1) {
        if (this.libc.errno() === ERRNO.EINTR) continue;
        break;
      }
      const tracee = this.tracees.get(tid);
      if (!tracee) continue;
      const s = this.status[0]!;
      if (ws.exited(s) || ws.signaled(s)) this.remove(tracee);
      else this.libc.ptrace(PTRACE.CONT, tid, 0, 0); // a stop racing with SIGKILL
    }
    this.tracees.clear();
    this.held.clear();
    this.ready.length = 0;
  }

  /** @internal Drops a tracee after a detach. */
  forget(tracee: Tracee): void {
    tracee.state = 'exited';
    tracee.memory.invalidate();
    this.tracees.delete(tracee.tid);
  }

  // ---- decoding ----

  private decode(tid: number, status: number): Stop | undefined {
    let tracee = this.tracees.get(tid);
    const isNew = tracee === undefined;
    if (!tracee) {
      // A new child's first stop can be reported before its parent's fork/clone event.
      tracee = new Tracee(this, tid, 'spawned');
      tracee.isNewChild = true;
      this.tracees.set(tid, tracee);
    }
    const stop = this.decodeFor(tracee, status);
    if (isNew && stop) {
      const parentPid = parentProcessOf(tid);
      if (parentPid !== undefined && this.hasProcess(parentPid)) {
        this.held.set(tid, { stop, parentPid });
        return undefined;
      }
    }
    return stop;
  }

  private decodeFor(tracee: Tracee, status: number): Stop | undefined {
    const tid = tracee.tid;
    if (ws.exited(status)) {
      this.remove(tracee);
      return { kind: 'exited', tid, tracee, status, code: ws.exitCode(status) };
    }
    if (ws.signaled(status)) {
      this.remove(tracee);
      return { kind: 'killed', tid, tracee, status, signal: ws.termSignal(status), coreDumped: ws.coreDumped(status) };
    }
    tracee.state = 'stopped';
    const signal = ws.stopSignal(status);
    if (ws.stopEvent(status) !== PTRACE_EVENT.STOP) tracee.listening = false;
    let stop: Stop;
    try {
      if (signal === (SIGNALS.SIGTRAP | 0x80)) {
        stop = this.syscallStop(tracee, status);
      } else {
        const event = ws.stopEvent(status);
        stop = event === 0
          ? { kind: 'signal', tid, tracee, status, signal, siginfo: tracee.getSigInfo() }
          : this.eventStop(tracee, status, event, signal);
      }
    } catch (error) {
      // Killed between the wait and our request: its exit will be reported next.
      if (error instanceof TraceeGoneError) return undefined;
      throw error;
    }
    tracee.lastStop = stop;
    return stop;
  }

  private syscallStop(tracee: Tracee, status: number): Stop {
    const { bytes, words } = tracee.fetchSyscallInfoRaw();
    const tid = tracee.tid;
    const op = bytes[0];
    if (op === SYSCALL_INFO_OP.ENTRY) {
      const nr = Number(words[3]);
      tracee.inSyscall = true;
      tracee.syscallNr = nr;
      return {
        kind: 'syscall-enter', tid, tracee, status, nr, args: readArgs(words, 4), arch: bytes.readUInt32LE(4),
        ip: words[1]!, sp: words[2]!,
      };
    }
    if (op === SYSCALL_INFO_OP.EXIT) {
      const result = BigInt.asIntN(64, words[3]!);
      const isError = bytes[32] !== 0;
      // The entry was not seen (the tracee was spawned or attached inside this call, or ran it
      // under PTRACE_CONT): the kernel still has the number in orig_rax.
      const nr = tracee.inSyscall ? tracee.syscallNr : tracee.getRegisters().syscallNumber;
      tracee.inSyscall = false;
      tracee.syscallNr = nr;
      return { kind: 'syscall-exit', tid, tracee, status, nr, result, isError };
    }
    // Kernels before 5.3 have no PTRACE_GET_SYSCALL_INFO: tell entry from exit by alternation.
    const regs = tracee.getRegisters();
    tracee.inSyscall = !tracee.inSyscall;
    if (tracee.inSyscall) {
      tracee.syscallNr = regs.syscallNumber;
      const args = [0, 1, 2, 3, 4, 5].map((i) => regs.syscallArg(i));
      return { kind: 'syscall-enter', tid, tracee, status, nr: tracee.syscallNr, args, arch: AUDIT_ARCH, ip: regs.pc, sp: regs.sp };
    }
    const result = regs.syscallResult;
    return { kind: 'syscall-exit', tid, tracee, status, nr: tracee.syscallNr, result, isError: result < 0n && result >= -4095n };
  }

  private eventStop(tracee: Tracee, status: number, event: number, signal: number): Stop {
    const tid = tracee.tid;
    switch (event) {
      case PTRACE_EVENT.FORK:
      case PTRACE_EVENT.VFORK:
      case PTRACE_EVENT.CLONE: {
        const kind = event === PTRACE_EVENT.FORK ? 'fork' : event === PTRACE_EVENT.VFORK ? 'vfork' : 'clone';
        const childTid = Number(tracee.getEventMessage());
        let child = this.tracees.get(childTid);
        if (!child) {
          child = new Tracee(this, childTid, tracee.origin);
          child.isNewChild = true;
          this.tracees.set(childTid, child);
        }
        child.adoptFrom(tracee, kind !== 'clone' ? childTid : undefined);
        // Its first stop, if it came early, is delivered right after this event.
        if (this.held.has(childTid)) this.ready.push(this.releaseStop(childTid));
        return { kind, tid, tracee, status, child };
      }
      case PTRACE_EVENT.EXEC: {
        const formerTid = Number(tracee.getEventMessage());
        this.completeExec(tracee, formerTid);
        return { kind: 'exec', tid, tracee, status, formerTid };
      }
      case PTRACE_EVENT.VFORK_DONE:
        return { kind: 'vfork-done', tid, tracee, status, childTid: Number(tracee.getEventMessage()) };
      case PTRACE_EVENT.EXIT:
        return { kind: 'exiting', tid, tracee, status, exitStatus: Number(tracee.getEventMessage()) };
      case PTRACE_EVENT.SECCOMP: {
        const { bytes, words } = this.prefetched === tracee ? tracee.fetchedSyscallInfoRaw() : tracee.fetchSyscallInfoRaw();
        tracee.inSyscall = true;
        if (bytes[0] === SYSCALL_INFO_OP.SECCOMP) {
          const nr = Number(words[3]);
          tracee.syscallNr = nr;
          return {
            kind: 'seccomp', tid, tracee, status, nr, args: readArgs(words, 4), arch: bytes.readUInt32LE(4),
            data: bytes.readUInt32LE(80), ip: words[1]!, sp: words[2]!,
          };
        }
        // Kernels before 5.3: the registers tell the call.
        const regs = tracee.getRegisters();
        tracee.syscallNr = regs.syscallNumber;
        const args = [0, 1, 2, 3, 4, 5].map((i) => regs.syscallArg(i));
        return {
          kind: 'seccomp', tid, tracee, status, nr: tracee.syscallNr, args, arch: AUDIT_ARCH,
          data: Number(tracee.getEventMessage()), ip: regs.pc, sp: regs.sp,
        };
      }
      case PTRACE_EVENT.STOP: {
        if (STOP_SIGNALS.has(signal)) return { kind: 'group-stop', tid, tracee, status, signal };
        const cause = tracee.awaitingAttachStop ? 'attach'
          : tracee.isNewChild ? 'new-child'
          : tracee.listening ? 'continued'
          : 'interrupt';
        tracee.awaitingAttachStop = false;
        tracee.isNewChild = false;
        tracee.listening = false;
        return { kind: 'interrupt', tid, tracee, status, cause };
      }
      default:
        throw new PtraceError(`unknown ptrace event ${event} (tid ${tid})`, { errno: 0, operation: 'waitpid', tid });
    }
  }

  /** After an exec, the thread that called execve has become the thread-group leader; every
   * other thread is gone (their exits were reported before) and so is the old address space. */
  private completeExec(leader: Tracee, formerTid: number): void {
    leader.memory.invalidate();
    if (formerTid === leader.tid) return;
    const former = this.tracees.get(formerTid);
    if (former) {
      leader.inSyscall = former.inSyscall;
      leader.syscallNr = former.syscallNr;
      this.remove(former);
    }
  }

  private remove(tracee: Tracee): void {
    this.forget(tracee);
    // Children held back for a parent that will never report them: release them now.
    for (const [tid, held] of this.held) {
      if (!this.hasProcess(held.parentPid)) this.ready.push(this.releaseStop(tid));
    }
  }

  private hasProcess(pid: number): boolean {
    for (const tracee of this.tracees.values()) {
      if (!this.held.has(tracee.tid) && (tracee.pidIfKnown ?? tracee.tid) === pid) return true;
    }
    return false;
  }

  private releaseStop(tid: number): Stop {
    const held = this.held.get(tid)!;
    this.held.delete(tid);
    return held.stop;
  }

  private releaseAllHeld(): void {
    for (const tid of [...this.held.keys()]) this.ready.push(this.releaseStop(tid));
  }

  // ---- helpers of spawn and attach ----

  private waitForTrampolineStop(pid: number, program: string): void {
    const r = this.libc.waitpid(pid, this.status, WAIT.UNTRACED);
    if (r === -1) throw systemError('waitpid', this.libc.errno(), pid);
    const s = this.status[0]!;
    if (ws.exited(s)) throw execFailure(program, ws.exitCode(s));
    if (!ws.stopped(s)) throw new PtraceError(`spawn of ${program}: the trampoline died (status 0x${s.toString(16)})`, { errno: 0, operation: 'spawn', tid: pid });
  }

  /** Continues the seized, group-stopped trampoline up to the exec event of the program. */
  private runToExec(tracee: Tracee, program: string): void {
    const pid = tracee.tid;
    checked(this.libc.kill(pid, SIGNALS.SIGCONT), 'kill(SIGCONT)', pid);
    for (let i = 0; i < 32; i++) {
      if (this.libc.waitpid(pid, this.status, WAIT.ALL) === -1) {
        if (this.libc.errno() === ERRNO.EINTR) continue;
        throw systemError('waitpid', this.libc.errno(), pid);
      }
      const s = this.status[0]!;
      if (ws.exited(s)) throw execFailure(program, ws.exitCode(s));
      if (ws.signaled(s)) throw new PtraceError(`spawn of ${program}: killed by signal ${ws.termSignal(s)} before exec`, { errno: 0, operation: 'spawn', tid: pid });
      if (ws.stopEvent(s) === PTRACE_EVENT.EXEC) {
        tracee.state = 'stopped';
        tracee.lastStop = { kind: 'exec', tid: pid, tracee, status: s, formerTid: pid };
        return;
      }
      // The trampoline's group-stop (reported as EVENT_STOP), its SIGCONT (suppressed, it only
      // served to wake it), or any other stop before exec: resume without a signal.
      checked(this.libc.ptrace(PTRACE.CONT, pid, 0, 0), 'PTRACE_CONT', pid);
    }
    throw new PtraceError(`spawn of ${program}: no exec event`, { errno: 0, operation: 'spawn', tid: pid });
  }

  private waitForAttachStop(tracee: Tracee): void {
    for (;;) {
      if (this.libc.waitpid(tracee.tid, this.status, WAIT.ALL) === -1) {
        const errno = this.libc.errno();
        if (errno === ERRNO.EINTR) continue;
        throw systemError('waitpid', errno, tracee.tid);
      }
      const stop = this.decodeFor(tracee, this.status[0]!);
      if (!stop) continue;
      if (stop.kind === 'interrupt' || stop.kind === 'group-stop') {
        tracee.awaitingAttachStop = false;
        return;
      }
      // A signal or an exit that raced with the attach: the caller sees it through wait().
      this.ready.push(stop);
      if (stop.kind === 'exited' || stop.kind === 'killed' || tracee.state === 'stopped') return;
    }
  }

  private detachGracefully(tracee: Tracee): void {
    try {
      if (tracee.state !== 'stopped') {
        tracee.interrupt();
        for (;;) {
          if (this.libc.waitpid(tracee.tid, this.status, WAIT.ALL) === -1) return;
          const s = this.status[0]!;
          if (ws.exited(s) || ws.signaled(s)) { this.forget(tracee); return; }
          const pending = ws.stopEvent(s) === 0 && ws.stopSignal(s) !== (SIGNALS.SIGTRAP | 0x80) ? ws.stopSignal(s) : 0;
          if (pending) { tracee.detach(pending); return; } // keep the signal it was about to get
          break;
        }
      }
      const last = tracee.lastStop;
      tracee.detach(last?.kind === 'signal' && tracee.state === 'stopped' ? last.signal : 0);
    } catch (error) {
      if (error instanceof TraceeGoneError) this.forget(tracee);
      else throw error;
    }
  }

  private abandon(tracee: Tracee): void {
    this.libc.ptrace(PTRACE.DETACH, tracee.tid, 0, 0);
    this.forget(tracee);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('this Tracer is closed');
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

function readStatusField(tid: number, field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s*(-?\\d+)`, 'm').exec(readFileSync(`/proc/${tid}/status`, 'latin1'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function readTgidOrThrow(pid: number): number {
  const tgid = readStatusField(pid, 'Tgid');
  if (tgid === undefined) {
    throw new TraceeGoneError(`attach: no process ${pid}`, { errno: ERRNO.ESRCH, operation: 'PTRACE_SEIZE', tid: pid });
  }
  return tgid;
}

/** The process that created `tid`: its thread group for a thread, its parent for a process. */
function parentProcessOf(tid: number): number | undefined {
  const tgid = readStatusField(tid, 'Tgid');
  if (tgid === undefined) return undefined;
  return tgid !== tid ? tgid : readStatusField(tid, 'PPid');
}

function attachError(tid: number, errno: number): PtraceError {
  const details = { errno, operation: 'PTRACE_SEIZE', tid };
  if (errno === ERRNO.EPERM) {
    const tracerPid = readStatusField(tid, 'TracerPid');
    if (tracerPid) return new NotTraceableError(`cannot attach to ${tid}: already traced by process ${tracerPid}`, details);
    if (tid === process.pid) return new NotTraceableError(`cannot attach to ${tid}: a process cannot trace itself`, details);
    if (isKernelThread(tid)) return new NotTraceableError(`cannot attach to ${tid}: it is a kernel thread`, details);
    return new PermissionError(`cannot attach to ${tid}: operation not permitted (check ptrace_scope and capabilities)`, details);
  }
  return systemError('PTRACE_SEIZE', errno, tid);
}

function isKernelThread(tid: number): boolean {
  try {
    return readFileSync(`/proc/${tid}/cmdline`).length === 0 && readStatusField(tid, 'PPid') === 2;
  } catch {
    return false;
  }
}
