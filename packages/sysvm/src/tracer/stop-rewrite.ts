// Rewriting a call at its seccomp stop, for a letThrough hook: a path argument replaced by
// bytes placed below the stack, and the call let go at once, with no SyscallCall and no exit
// stop. Only where the tracer's restoreArguments lets the call go without putting its registers
// back (argument-restore.ts); elsewhere the hook lets the call take the full way.
import { arch, type Tracee } from '@umview/ptrace-core';
import type { DataIO } from '../io/data-io.js';

/** What a letThrough hook may do to the call it lets through: a hook that rewrites a call must
 * then let it through (return true). */
export interface StopRewrite {
  /** Whether this call may be rewritten at its stop (false: its registers must be put back
   * after it, at an exit stop: the hook must let it take the full way). */
  readonly allowed: boolean;
  /** Places `bytes` and a NUL below the stack pointer and the red zone (below anything placed
   * before at this stop) and points argument `i` at them. Only when `allowed`. */
  setArgToCString(i: number, bytes: Uint8Array): void;
  /** Sets argument `i` to `value`: a path argument pointed into memory the tracee already has
   * (the tail of the path it passed, when the new path is one: no write at all). Only when
   * `allowed`. */
  setArg(i: number, value: bigint): void;
}

const ALIGN = ~15n;
const RED_ZONE = BigInt(arch.RED_ZONE_SIZE);
const PLACE_MAX = 4097; // PATH_MAX and its NUL: larger strings get a buffer of their own

/** The tracer's one StopRewrite, bound to each stop before its hook runs (nothing is
 * allocated per stop, and the policy is asked only by a hook that would rewrite). */
export class StopRewriter implements StopRewrite {
  /** Arguments rewritten at the current stop. */
  count = 0;
  private tracee: Tracee | undefined;
  private nr = -1;
  private stackPointer = 0n;
  /** Below the red zone at the first placement of the stop, lower after each. */
  private cursor: bigint | undefined;
  private readonly buffer = Buffer.alloc(PLACE_MAX);

  /** @param putsBack the tracer's restoreArguments: whether call `nr` has its arguments put
   * back after it (then it cannot be rewritten here). */
  constructor(private readonly io: (tracee: Tracee) => DataIO, private readonly putsBack: (nr: number) => boolean) {}

  bind(tracee: Tracee, nr: number, stackPointer: bigint): void {
    this.tracee = tracee;
    this.nr = nr;
    this.count = 0;
    this.stackPointer = stackPointer;
    this.cursor = undefined;
  }

  get allowed(): boolean {
    return this.tracee !== undefined && !this.putsBack(this.nr);
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
    tracee.pokeUser(arch.userOffset(arch.SYSCALL_ARG_REGISTERS[i]!), at);
    this.count++;
  }

  setArg(i: number, value: bigint): void {
    this.rewritable('setArg', i).pokeUser(arch.userOffset(arch.SYSCALL_ARG_REGISTERS[i]!), value);
    this.count++;
  }

  /** The stop's tracee, when argument `i` of its call may be rewritten here. */
  private rewritable(method: string, i: number): Tracee {
    const tracee = this.tracee;
    if (tracee === undefined || this.putsBack(this.nr)) throw new Error(`${method}: this call must take the full way (its registers are put back after it)`);
    if (i < 0 || i > 5) throw new RangeError(`argument index ${i} is not 0..5`);
    return tracee;
  }
}
