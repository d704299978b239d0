// A syscall at its exit stop, reported because its entry asked for it (runToExit).
import { syscallName, type Tracee } from '@umview/ptrace-core';
import type { DataIO } from '../io/data-io.js';
import type { SyscallFilter } from '../filter/syscall-filter.js';
import type { CallHost } from './call-host.js';
import { SyscallArgs } from './syscall-args.js';

const MAX_ERRNO = 4095n;

export class SyscallReturn extends SyscallArgs {
  readonly kind = 'syscall-return' as const;
  readonly name: string;
  private replacedResult: bigint | undefined;
  private restarting = false;

  /** Returns are made by their SyscallTracer only (SyscallReturn.atExit). */
  private constructor(
    private readonly host: CallHost,
    readonly tracee: Tracee,
    /** The call that ran (after any rewrite). */
    readonly nr: number,
    readonly args: readonly bigint[],
    /** What the kernel returned (signed; -errno on failure). */
    readonly result: bigint,
  ) {
    super(args);
    this.name = syscallName(nr);
  }

  /** @internal The return at a syscall's exit stop (for the tracer). */
  static atExit(host: CallHost, tracee: Tracee, nr: number, args: readonly bigint[], result: bigint): SyscallReturn {
    return new SyscallReturn(host, tracee, nr, args, result);
  }

  get tid(): number {
    return this.tracee.tid;
  }
  get pid(): number {
    return this.tracee.pid;
  }
  get io(): DataIO {
    return this.host.io(this.tracee);
  }

  /** True when the result is an error (-4095..-1). */
  get isError(): boolean {
    return this.result < 0n && this.result >= -MAX_ERRNO;
  }

  /** The errno, when the result is an error. */
  get errno(): number | undefined {
    return this.isError ? Number(-this.result) : undefined;
  }

  /** Changes what the tracee sees as the result. */
  setResult(value: bigint | number): void {
    this.replacedResult = BigInt(value);
  }

  /** The tracee makes its original call again (its own number and arguments, whatever the
   * entry rewrote it into), as the kernel restarts an interrupted call: at once, or — when this
   * call was interrupted by a signal (an ERESTART* result) — after the signal, subject to
   * SA_RESTART, exactly as if the original call had been the one interrupted. The way to wait
   * in the tracee for something the monitor must not block on: rewrite the call into a
   * ppoll, then restart it when the ppoll returns. */
  restartCall(): void {
    this.restarting = true;
  }

  /** The result the tracee will see. */
  get effectiveResult(): bigint {
    return this.replacedResult ?? this.result;
  }

  /** @internal The result setResult asked for, if any (for the tracer). */
  get newResult(): bigint | undefined {
    return this.replacedResult;
  }

  /** @internal Whether restartCall was called (for the tracer). */
  get restart(): boolean {
    return this.restarting;
  }

  /** Runs a syscall of the monitor's choosing in the tracee now (after this call). */
  inject(nr: number, args: readonly (bigint | number)[] = []): bigint {
    return this.host.inject(this.tracee, 'exit', nr, args);
  }

  /** Adds a seccomp filter to this process (all its threads): more calls stop from now on.
   * Filters cannot be removed; keep additions rare (see SyscallFilter.isCoveredBy). */
  addFilter(filter: SyscallFilter): void {
    this.host.addFilter(this.tracee, 'exit', filter);
  }
}
