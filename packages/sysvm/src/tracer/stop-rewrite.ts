// Rewriting a call at its seccomp stop, for a letThrough hook: a path argument replaced by
// bytes placed below the stack, or pointed elsewhere in the tracee's memory, and the call let go
// at once, with no SyscallCall. With no exit stop where the tracer's restoreArguments lets the
// call go without putting its registers back at one (argument-restore.ts: a restartable call is
// put back only if it is restarted, restart-guard.ts); elsewhere, with an exit stop taken in the
// tracer's wait (toExit), where the registers are put back, as the full way would.
import { arch, type RegisterName, type Tracee } from '@umview/ptrace-core';
import type { DataIO } from '../io/data-io.js';

/** What a letThrough hook may do to the call it lets through: a hook that rewrites a call must
 * then let it through (return true). */
export interface StopRewrite {
  /** Whether this call may be rewritten at its stop with no exit stop (false: its registers
   * must be put back after it: call toExit first, or let it take the full way). Under
   * restoreArguments 'when-restarted', every call but execve; a call a signal may interrupt
   * and the kernel restart (the open family) is put back if it is, and then seen again at its
   * stop as the program made it. */
  readonly allowed: boolean;
  /** Lets the call go on to its exit stop, which the tracer takes in its wait and does not
   * report: the arguments rewritten at this stop are put back there (before the program sees
   * the result, and before a call a signal interrupted is restarted), then `onReturn`, if
   * given, gets the call's result (the return register: -errno on failure). Any call may then
   * be rewritten, whatever `allowed` says; it costs one stop more (an execve without
   * `onReturn`: only if it fails; one that succeeds goes on from its exec event, nothing of
   * the old image left to put back). Call it before rewriting. */
  toExit(onReturn?: (result: bigint) => void): void;
  /** Places `bytes` and a NUL below the stack pointer and the red zone (below anything placed
   * before at this stop) and points argument `i` at them. Only when `allowed`, or after toExit. */
  setArgToCString(i: number, bytes: Uint8Array): void;
  /** Sets argument `i` to `value`: a path argument pointed into memory the tracee already has
   * (the tail of the path it passed, when the new path is one: no write at all). Only when
   * `allowed`, or after toExit. */
  setArg(i: number, value: bigint): void;
  /** Answers the call here without running it (SKIPCALL): the program sees `result` (-errno for
   * an error). Its arguments are left as they are, so it needs no exit stop; not with toExit. */
  skip(result: bigint | number): void;
}

/** What a stop's toExit left for the exit stop. */
export interface FollowedCall {
  /** The argument registers rewritten at the stop, with the values the call came with. */
  restore: Map<RegisterName, bigint>;
  onReturn: ((result: bigint) => void) | undefined;
}

/** The registers' places in struct user, looked up once: through ptrace-core's arch namespace
 * each stop paid a getter and a keyed load by register name. */
const ARG_REGISTERS = arch.SYSCALL_ARG_REGISTERS;
const ARG_OFFSETS = ARG_REGISTERS.map((register) => arch.userOffset(register));
const NR_OFFSET = arch.userOffset(arch.SYSCALL_NR_REGISTER);
const RESULT_OFFSET = arch.userOffset(arch.SYSCALL_RESULT_REGISTER);
const ALIGN = ~15n;
const RED_ZONE = BigInt(arch.RED_ZONE_SIZE);
const PLACE_MAX = 4097; // PATH_MAX and its NUL: larger strings get a buffer of their own

/** The tracer's one StopRewrite, bound to each stop before its hook runs (nothing is
 * allocated per stop, and the policy is asked only by a hook that would rewrite). */
export class StopRewriter implements StopRewrite {
  /** Arguments rewritten at the current stop. */
  count = 0;
  /** The arguments rewritten at this stop: a bit per argument, and their new values. */
  rewritten = 0;
  readonly values = new BigUint64Array(6);
  /** Whether the call was answered here (skip), not run. */
  skipped = false;
  private tracee: Tracee | undefined;
  private nr = -1;
  private args: ArrayLike<bigint> = [];
  private stackPointer = 0n;
  /** Set by toExit at this stop. */
  private followed: FollowedCall | undefined;
  /** Below the red zone at the first placement of the stop, lower after each. */
  private cursor: bigint | undefined;
  private readonly buffer = Buffer.alloc(PLACE_MAX);

  /** @param putsBack the tracer's restoreArguments: whether call `nr` has its arguments put
   * back at an exit stop (then it cannot be rewritten here without toExit). */
  constructor(
    private readonly io: (tracee: Tracee) => DataIO,
    private readonly putsBack: (nr: number) => boolean,
  ) {}

  bind(tracee: Tracee, nr: number, args: ArrayLike<bigint>, stackPointer: bigint): void {
    this.tracee = tracee;
    this.nr = nr;
    this.args = args;
    this.count = 0;
    this.stackPointer = stackPointer;
    this.cursor = undefined;
    this.followed = undefined;
    this.skipped = false;
    this.rewritten = 0;
  }

  get allowed(): boolean {
    return this.tracee !== undefined && !this.putsBack(this.nr);
  }

  toExit(onReturn?: (result: bigint) => void): void {
    if (this.tracee === undefined) throw new Error('toExit: no stop is being let through');
    if (this.count > 0) throw new Error('toExit: call it before rewriting');
    this.followed = { restore: new Map(), onReturn };
  }

  /** What toExit asked for at this stop (undefined: the call goes on with no exit stop). */
  get followedCall(): FollowedCall | undefined {
    return this.followed;
  }

  setArgToCString(i: number, bytes: Uint8Array): void {
    const tracee = this.rewritable('setArgToCString', i);
    const length = bytes.length + 1;
    const data = length <= PLACE_MAX ? this.buffer : Buffer.alloc(length);
    data.set(bytes);
    data[bytes.length] = 0;
    const at = ((this.cursor ?? this.stackPointer - RED_ZONE) - BigInt(length)) & ALIGN;
    this.cursor = at;
    this.io(tracee).write(at, data.subarray(0, length));
    this.set(tracee, i, at);
  }

  setArg(i: number, value: bigint): void {
    this.set(this.rewritable('setArg', i), i, value);
  }

  skip(result: bigint | number): void {
    const tracee = this.tracee;
    if (tracee === undefined) throw new Error('skip: no stop is being let through');
    if (this.followed !== undefined) throw new Error('skip: a call followed to its exit runs');
    tracee.pokeUser(NR_OFFSET, -1n);
    tracee.pokeUser(RESULT_OFFSET, BigInt(result));
    this.skipped = true;
    this.count++;
  }

  private set(tracee: Tracee, i: number, value: bigint): void {
    this.values[i] = value;
    this.rewritten |= 1 << i;
    tracee.pokeUser(ARG_OFFSETS[i]!, value);
    this.count++;
  }

  /** The stop's tracee, when argument `i` of its call may be rewritten here (its first value
   * kept for the exit stop, after toExit). */
  private rewritable(method: string, i: number): Tracee {
    const tracee = this.tracee;
    if (tracee === undefined || (this.followed === undefined && this.putsBack(this.nr))) {
      throw new Error(`${method}: this call's registers must be put back after it (toExit first, or let it take the full way)`);
    }
    if (i < 0 || i > 5) throw new RangeError(`argument index ${i} is not 0..5`);
    const register = ARG_REGISTERS[i]!;
    if (this.followed !== undefined && !this.followed.restore.has(register)) this.followed.restore.set(register, this.args[i]!);
    return tracee;
  }
}
