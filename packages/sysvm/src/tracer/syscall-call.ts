// A syscall at its entry (or seccomp) stop: what was called, and the verbs of PTRACE_SYSVM.
//
// The verbs only record the decision; the SyscallTracer carries it out when the handler is
// done (one register write, one resume), so a handler may change its mind freely.
import { syscallName, type Tracee } from '@umview/ptrace-core';
import type { DataIO } from '../io/data-io.js';
import { Scratch } from '../inject/scratch.js';
import type { SyscallFilter } from '../filter/syscall-filter.js';
import type { CallHost } from './call-host.js';
import { SyscallArgs } from './syscall-args.js';

export type CallDecision =
  | { kind: 'run'; toExit: boolean }
  | { kind: 'skip'; result: bigint };

const PATH_MAX = 4096;

export class SyscallCall extends SyscallArgs {
  readonly kind = 'syscall' as const;
  readonly name: string;
  /** Decided by the verbs; read by the tracer when it resumes the tracee. */
  decision: CallDecision = { kind: 'run', toExit: false };
  /** Rewritten number and arguments, if any. */
  newNr: number | undefined;
  readonly newArgs: (bigint | undefined)[] = [];
  scratch: Scratch | undefined;

  constructor(
    private readonly host: CallHost,
    readonly tracee: Tracee,
    /** 'entry' under PTRACE_SYSCALL, 'seccomp' under a filter: the call has not run yet. */
    readonly phase: 'entry' | 'seccomp',
    readonly nr: number,
    readonly args: readonly bigint[],
    /** Stack pointer at the stop, for scratch memory. */
    private readonly sp: bigint,
  ) {
    super(args);
    this.name = syscallName(nr);
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
    this.decision = { kind: 'skip', result: BigInt(result) };
  }

  /** SKIPEXIT: run the call, with no exit stop for it (the default). */
  run(): void {
    this.decision = { kind: 'run', toExit: false };
  }

  /** Run the call and report its return (a 'syscall-return' event), to see or change it. */
  runToExit(): void {
    this.decision = { kind: 'run', toExit: true };
  }

  /** Makes the tracee run another syscall instead. */
  setNumber(nr: number): void {
    this.newNr = nr;
  }

  /** Rewrites argument `i`. The original register is restored after the call, since the
   * program may rely on argument registers surviving a syscall. */
  setArg(i: number, value: bigint | number): void {
    if (i < 0 || i > 5) throw new RangeError(`argument index ${i} is not 0..5`);
    this.newArgs[i] = BigInt.asUintN(64, BigInt(value));
  }

  /** Puts data below the tracee's stack for this call; returns its address. */
  placeBytes(data: Uint8Array): bigint {
    this.scratch ??= new Scratch(this.io, this.sp);
    return this.scratch.place(data);
  }

  /** Puts a C string below the tracee's stack for this call (e.g. a rewritten path). */
  placeString(text: string): bigint {
    this.scratch ??= new Scratch(this.io, this.sp);
    return this.scratch.placeString(text);
  }

  /** Runs a syscall of the monitor's choosing in the tracee now, before this call, and
   * returns its result; the tracee is left exactly at this stop again. */
  inject(nr: number, args: readonly (bigint | number)[] = []): bigint {
    return this.host.inject(this.tracee, this.phase, nr, args);
  }

  /** The number that will run. */
  get effectiveNr(): number {
    return this.newNr ?? this.nr;
  }

  /** The arguments that will be passed. */
  get effectiveArgs(): bigint[] {
    return this.args.map((a, i) => this.newArgs[i] ?? a);
  }

  get rewritten(): boolean {
    return this.newNr !== undefined || this.newArgs.some((a) => a !== undefined);
  }

  /** Adds a seccomp filter to this process (all its threads): more calls stop from now on.
   * Filters cannot be removed; keep additions rare (see SyscallFilter.isCoveredBy). */
  addFilter(filter: SyscallFilter): void {
    this.host.addFilter(this.tracee, this.phase, filter);
  }
}
