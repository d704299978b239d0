// The Tracer: owns the tracees of one thread, starts and attaches them, and turns wait
// statuses into typed stops.
//
// ptrace is per thread: only the thread that attached may make requests, so a Tracer lives
// and dies on the thread that created it (a JS object cannot cross threads anyway; for an
// event-loop program use AsyncTracer, which hosts a Tracer in a worker). It waits with
// waitpid(-1, __WALL | __WNOTHREAD): __WALL to see threads, __WNOTHREAD so that a tracer in a
// worker never reaps the children that Node's own child_process started on another thread.
//
// The work is in three files: spawn-attach.ts (how tracees are started, attached and
// detached), wait-loop.ts (waitpid, ordering, the fast lane) and stop-decoder.ts (a wait status
// to a typed Stop).
import { assertSupportedPlatform } from './arch/index.js';
import { PTRACE_O } from './native/constants.js';
import type { StdioOption, StdioOptions } from './spawn/launch.js';
import { attachTracee, detachGracefully, spawnTracee } from './spawn-attach.js';
import type { Tracee } from './tracee.js';
import type { Stop } from './stops.js';
import { WaitLoop } from './wait-loop.js';

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
  /** The tracee's file descriptors, as child_process.spawn's `stdio`: 'inherit', 'ignore',
   * 'close' or 'pipe' for fds 0-2, or one StdioOption per fd from 0 (fds beyond 2 too). Unlike
   * child_process, the default is 'inherit', not 'pipe'. The 'pipe' ends are `tracee.stdin`,
   * `stdout` and `stderr` (streams) and `tracee.stdio` (fds). Wins over stdin/stdout/stderr. */
  stdio?: StdioOptions;
  /** fd 0 (default 'inherit'); the same as stdio[0]. */
  stdin?: StdioOption;
  /** fd 1 (default 'inherit'); the same as stdio[1]. */
  stdout?: StdioOption;
  /** fd 2 (default 'inherit'); the same as stdio[2]. */
  stderr?: StdioOption;
  /**
   * A seccomp filter for the program: BPF instructions as `struct sock_filter` (8 bytes each),
   * as seccomp(SECCOMP_SET_MODE_FILTER) takes them. The spawn trampoline installs it on itself
   * once seized, just before its execve, so that the program's first instruction runs under it
   * and nothing is injected into the program for it (SECCOMP_RET_TRACE stops are reported: the
   * tracee is seized with PTRACE_O_TRACESECCOMP). With PR_SET_NO_NEW_PRIVS first when the kernel
   * asks for it (a tracer without CAP_SYS_ADMIN). The trampoline's own execve meets the filter:
   * spawn() resumes it. A filter the kernel refuses is not installed, and the program runs
   * without it: the tracee's `seccompFilterInstalled` says which.
   */
  seccompFilter?: Uint8Array;
  /** seccompFilter's SECCOMP_SET_MODE_FILTER flags (default 0). */
  seccompFilterFlags?: number;
  /**
   * Signals the program starts with ignored (SIG_IGN), as a program a shell runs inherits what
   * the shell ignored (nohup's SIGHUP, `trap '' INT`, a background job's SIGINT and SIGQUIT);
   * every other signal starts with its default action (default: none ignored). Node resets its
   * own signals at start, so a tracer that stands for a command of its caller's passes on here
   * what its caller ignored (/proc/PID/status's SigIgn). Not with `handOff`: the child keeps its
   * client's.
   */
  ignoredSignals?: readonly number[];
  /**
   * The soft limit of open files (RLIMIT_NOFILE) the program starts with (default: this
   * process's; its hard limit is this process's either way). Node raises its own soft limit to
   * the hard one as it starts, so a tracer that stands for a command of its caller's passes on
   * here its caller's (`ulimit -Sn`). Not with `handOff`: the child keeps its client's.
   */
  openFilesLimit?: number | 'unlimited';
  /**
   * Run the program in a hand-off client's child instead of a process of its own (see
   * `handOffClientElf`): `child` is the pid the client sent, stopped, which let this process
   * trace it; `onSeized` is called once it is seized (the client must then hear so). The program
   * keeps the child's file descriptors, terminal and process group, so the stdio options do not
   * apply; `cwd` is only where `program` is looked up (the child's own is the client's).
   */
  handOff?: { child: number; onSeized?: () => void };
}

export interface AttachOptions extends TraceOptions {
  /** Attach to every thread of the process (default true); otherwise only to `pid`'s thread. */
  allThreads?: boolean;
}

/**
 * The fast lane of a seccomp tracer. To "let through" a call is to resume its seccomp stop at
 * the wait itself, without reporting it, because this hook says no one needs it: the hook is
 * called at each seccomp stop before a Stop is made, with the call's number, its six arguments
 * (a view of the PTRACE_GET_SYSCALL_INFO buffer, valid during the call only) and the thread's
 * stack pointer. True means "let it through": the thread is resumed at once (PTRACE_CONT), the
 * call runs as the hook left it (untouched, or with registers and memory the hook rewrote while
 * the thread was stopped), and wait() waits on; 'to-exit' is the same with PTRACE_SYSCALL, so
 * that the call's exit stop is reported (a hook that must see its result, or put back what it
 * rewrote); false means the stop is decoded and reported as usual.
 */
export type LetThrough = (tracee: Tracee, nr: number, args: BigUint64Array, stackPointer: bigint) => boolean | 'to-exit';

export class Tracer {
  /** Every live traced thread, by tid. */
  readonly tracees = new Map<number, Tracee>();
  /**
   * Seccomp stops this lets through never reach wait()'s caller (see LetThrough). A tracer
   * that stops many calls to look at most of them and change few (a path virtualizer) saves
   * the decoding of each stop, and the stop object, for those few.
   */
  letThrough: LetThrough | undefined;
  private readonly loop: WaitLoop;
  private closed = false;

  constructor() {
    assertSupportedPlatform();
    this.loop = new WaitLoop(this, this.tracees);
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
    return spawnTracee(this, program, args, options);
  }

  /** Attaches to a running process with PTRACE_SEIZE (every thread by default) and stops it.
   * Returns the thread `pid`, stopped; the others are stopped too and in `tracees`. */
  attach(pid: number, options: AttachOptions = {}): Tracee {
    this.assertOpen();
    return attachTracee(this, this.loop, pid, options);
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
    return this.loop.wait(options);
  }

  /** Blocks until this one thread stops or exits and returns that stop; stops of other threads
   * stay queued for wait(). For code that drives one thread through a sequence (remote syscall
   * injection, stepping over a breakpoint) while the others are left alone. */
  waitFor(tracee: Tracee): Stop {
    return this.loop.waitFor(tracee);
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
      if (tracee.origin === 'attached') detachGracefully(this.loop, tracee);
    }
    for (const tracee of this.tracees.values()) tracee.kill();
    this.loop.reapAll();
  }

  /** @internal Drops a tracee after a detach. */
  forget(tracee: Tracee): void {
    this.loop.forget(tracee);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('this Tracer is closed');
  }
}
