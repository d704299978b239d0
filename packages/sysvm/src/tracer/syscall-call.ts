// A syscall at its entry (or seccomp) stop: what was called, and the verbs of PTRACE_SYSVM.
//
// Two kinds of verbs. skip, run, runToExit, setNumber and setArg only record a decision: the
// SyscallTracer carries it out when the handler is done (one register write, one resume), so a
// handler may change its mind freely, and the last word counts. The others act on the tracee
// at once: placeBytes and placeString write into its memory below the stack pointer (what was
// there is saved and put back when the call is over, or at once if it is skipped, when the
// tracer's `restoreArguments` says so); inject runs
// a syscall in it before returning; addFilter installs a filter in it (by injection too).
//
// A handler that cannot decide yet (its answer comes from a promise) holds the call: the thread
// stays stopped, the tracer goes on with the others, and release() later carries the decision
// out, every verb still usable until then.
import { syscallName, type Tracee } from '@umview/ptrace-core';
import type { DataIO } from '../io/data-io.js';
import { Scratch } from '../inject/scratch.js';
import type { SyscallFilter } from '../filter/syscall-filter.js';
import type { CallHost } from './call-host.js';
import { SyscallArgs } from './syscall-args.js';

/** What the verbs decided so far: run the call (and report its return, or not), or skip it
 * with a result. */
export type CallDecision =
  | { readonly kind: 'run'; readonly toExit: boolean }
  | { readonly kind: 'skip'; readonly result: bigint };

const RUN: CallDecision = { kind: 'run', toExit: false };
const RUN_TO_EXIT: CallDecision = { kind: 'run', toExit: true };

const PATH_MAX = 4096;

/** Where a call stands with holding: never held, held (its thread kept stopped), or no longer
 * (released, or its thread died or exec'd meanwhile: nothing more is done with it). */
export type HoldState = 'not-held' | 'held' | 'over';

export class SyscallCall extends SyscallArgs {
  readonly kind = 'syscall' as const;
  readonly name: string;
  private decided: CallDecision = RUN;
  private replacedNr: number | undefined;
  private readonly replacedArgs: (bigint | undefined)[] = [];
  private scratchArea: Scratch | undefined;
  /** @internal Kept by the tracer (hold, release, the thread's death). */
  holdState: HoldState = 'not-held';

  /** Calls are made by their SyscallTracer only (SyscallCall.atStop). */
  private constructor(
    private readonly host: CallHost,
    readonly tracee: Tracee,
    /** 'entry' under PTRACE_SYSCALL, 'seccomp' under a filter: the call has not run yet. */
    readonly phase: 'entry' | 'seccomp',
    readonly nr: number,
    readonly args: readonly bigint[],
    /** @internal Stack pointer at the stop, for scratch memory. */
    readonly stackPointer: bigint,
  ) {
    super(args);
    this.name = syscallName(nr);
  }

  /** @internal The call at a syscall stop (for the tracer). */
  static atStop(host: CallHost, tracee: Tracee, phase: 'entry' | 'seccomp', nr: number, args: readonly bigint[], sp: bigint): SyscallCall {
    return new SyscallCall(host, tracee, phase, nr, args, sp);
  }

  get tid(): number {
    return this.tracee.tid;
  }
  get pid(): number {
    return this.tracee.pid;
  }

  /** Syscall data in and out of the tracee (ptrace-multi batches). */
  get io(): DataIO {
    return this.host.io(this.tracee);
  }

  /** Reads the C string argument `i` (a path). */
  readString(i: number, maxLength = PATH_MAX): string {
    return this.io.readCString(this.ptr(i), maxLength);
  }

  // ---- verbs ----

  /** SKIPCALL: the kernel does not run the call; the tracee sees `result` (a negative value is
   * -errno). No exit stop follows. */
  skip(result: bigint | number): void {
    this.decided = { kind: 'skip', result: BigInt(result) };
  }

  /** SKIPEXIT: run the call, with no exit stop for it (the default). */
  run(): void {
    this.decided = RUN;
  }

  /** Run the call and report its return (a 'syscall-return' event), to see or change it. */
  runToExit(): void {
    this.decided = RUN_TO_EXIT;
  }

  /** Makes the tracee run another syscall instead. */
  setNumber(nr: number): void {
    this.replacedNr = nr;
  }

  /** Rewrites argument `i`. The original register is restored after the call, since the
   * program may rely on argument registers surviving a syscall (unless the tracer's
   * `restoreArguments` lets this call go without it). */
  setArg(i: number, value: bigint | number): void {
    if (i < 0 || i > 5) throw new RangeError(`argument index ${i} is not 0..5`);
    this.replacedArgs[i] = BigInt.asUintN(64, BigInt(value));
  }

  /** Writes data into the tracee now, below its stack pointer and red zone, and returns its
   * address, valid for this call; what was there is put back when the call is over (as its
   * arguments are: see the tracer's `restoreArguments`). */
  placeBytes(data: Uint8Array): bigint {
    return this.scratchMemory().place(data);
  }

  /** Writes a C string into the tracee now, as placeBytes does (e.g. a rewritten path). */
  placeString(text: string): bigint {
    return this.scratchMemory().placeString(text);
  }

  private scratchMemory(): Scratch {
    return this.scratchArea ??= new Scratch(this.io, this.stackPointer, this.host.restoresArguments(this.nr));
  }

  /** Runs a syscall of the monitor's choosing in the tracee now, before this call, and
   * returns its result; the tracee is left exactly at this stop again. */
  inject(nr: number, args: readonly (bigint | number)[] = []): bigint {
    return this.host.inject(this.tracee, this.phase, nr, args);
  }

  /** Holds the call: when the handler returns, the tracer neither carries out the decision nor
   * resumes the thread, which stays stopped at this stop while the tracer reports the other
   * tracees' events. Call release() later (from a promise's callback, another event's handler)
   * with the verbs used meanwhile: skip, setNumber/setArg, runToExit, placeString, inject and
   * the io all still work. Only while the call's handler runs (before the tracer carries it
   * out). If the thread dies first (SIGKILL, another thread's execve), its death is reported as
   * a process event and release() does nothing. Use `events({ idle: true })` so that the wait
   * does not block while calls are held. */
  hold(): void {
    this.host.hold(this);
  }

  /** Carries out a held call's decision and resumes its thread. Does nothing for a call that is
   * not held (never, or no longer: released already, or its thread is gone). */
  release(): void {
    this.host.release(this);
  }

  /** Whether the call is held (hold() called, release() not yet, thread alive). */
  get held(): boolean {
    return this.holdState === 'held';
  }

  /** What the verbs decided so far (skip, run, runToExit; run by default). */
  get decision(): CallDecision {
    return this.decided;
  }

  /** The number that will run. */
  get effectiveNr(): number {
    return this.replacedNr ?? this.nr;
  }

  /** The arguments that will be passed. */
  get effectiveArgs(): bigint[] {
    return this.args.map((a, i) => this.replacedArgs[i] ?? a);
  }

  /** Whether setNumber or setArg was called. */
  get rewritten(): boolean {
    return this.replacedNr !== undefined || this.replacedArgs.some((a) => a !== undefined);
  }

  /** @internal The number setNumber asked for, if any (for the tracer). */
  get newNr(): number | undefined {
    return this.replacedNr;
  }

  /** @internal The arguments setArg rewrote, by index, the others undefined (for the tracer). */
  get newArgs(): readonly (bigint | undefined)[] {
    return this.replacedArgs;
  }

  /** @internal The memory placeBytes and placeString used, to restore (for the tracer). */
  get scratch(): Scratch | undefined {
    return this.scratchArea;
  }

  /** Adds a seccomp filter to this process (all its threads): more calls stop from now on.
   * Filters cannot be removed; keep additions rare (see SyscallFilter.isCoveredBy). */
  addFilter(filter: SyscallFilter): void {
    this.host.addFilter(this.tracee, this.phase, filter);
  }
}
