// The general registers of one tracee, fetched once per batch (between barriers) however many
// register reads the batch holds, and written back once per group.
//
// Correctness rules (see planner/groups.ts for the cuts that make them hold):
//   - after a flush the cache is dropped: the kernel may keep something other than what was
//     written (eflags is masked), and the next read must see what one-by-one PEEKUSER would;
//   - a flush that the kernel refuses (an invalid selector, a non-canonical fs_base...) has been
//     applied partly, in struct order. To learn which op would have failed one by one, the
//     snapshot is restored and the group's register writes are replayed one call each.
import { PTRACE } from '@umview/ptrace-core';
import { pinnedBuffer } from '@umview/ptrace-core/internal';
import { USER_REGS_SIZE, WORD_SIZE } from '../arch/x86_64.js';
import type { RegisterWriteIntent } from '../ops/intents.js';
import type { Kernel } from './kernel.js';

/** The failure of one register write op of a flushed group. */
export interface RegisterWriteFailure {
  /** Position in the list given to flush(). */
  readonly position: number;
  readonly errno: number;
  /** Words of that op written before it failed (one-by-one POKEUSER). */
  readonly wordsDone: number;
  readonly operation: string;
}

export class RegisterFile {
  private readonly snapshot = pinnedBuffer(USER_REGS_SIZE);
  private readonly working = pinnedBuffer(USER_REGS_SIZE);
  private readonly word = pinnedBuffer(WORD_SIZE);
  private valid = false;

  constructor(private readonly kernel: Kernel) {}

  get isValid(): boolean {
    return this.valid;
  }

  invalidate(): void {
    this.valid = false;
  }

  /** PTRACE_GETREGS into the cache (one call). Returns 0 or the errno. */
  fetch(): number {
    if (this.kernel.ptrace(PTRACE.GETREGS, 0, this.snapshot) === -1) return this.kernel.errno();
    this.valid = true;
    return 0;
  }

  /** Copies `count` cached words from word `first` into `target`. */
  read(first: number, count: number, target: Uint8Array): void {
    target.set(this.snapshot.subarray(first * WORD_SIZE, (first + count) * WORD_SIZE));
  }

  /** Writes the ops (disjoint words, program order) with one PTRACE_SETREGS, or finds the op
   * that fails one by one. The cache is dropped either way. */
  flush(writes: readonly RegisterWriteIntent[]): RegisterWriteFailure | undefined {
    if (writes.length === 0) return undefined;
    if (this.valid) this.working.set(this.snapshot);
    for (const w of writes) {
      this.working.set(w.source.subarray(0, w.count * WORD_SIZE), w.first * WORD_SIZE);
    }
    const ok = this.kernel.ptrace(PTRACE.SETREGS, 0, this.working) !== -1;
    const errno = ok ? 0 : this.kernel.errno();
    const hadSnapshot = this.valid;
    this.valid = false;
    if (ok) return undefined;
    // A lone op is exactly its one-by-one call (a whole set is one SETREGS; a partial write
    // implies a snapshot, hence the replay below).
    if (writes.length === 1 && writes[0]!.whole) {
      return { position: 0, errno, wordsDone: 0, operation: 'PTRACE_SETREGS' };
    }
    if (!hadSnapshot) return { position: 0, errno, wordsDone: 0, operation: 'PTRACE_SETREGS' };
    if (this.kernel.ptrace(PTRACE.SETREGS, 0, this.snapshot) === -1) {
      return { position: 0, errno: this.kernel.errno(), wordsDone: 0, operation: 'PTRACE_SETREGS' };
    }
    for (let p = 0; p < writes.length; p++) {
      const failure = this.writeOneByOne(writes[p]!);
      if (failure) return { ...failure, position: p };
    }
    // Every op passed one by one though the whole set did not: cannot happen for per-register
    // checks, but report the kernel's word rather than claim success.
    return { position: writes.length - 1, errno, wordsDone: 0, operation: 'PTRACE_SETREGS' };
  }

  /** One op the 2006 way: PTRACE_SETREGS for a whole set, POKEUSER per word otherwise. */
  writeOneByOne(w: RegisterWriteIntent): Omit<RegisterWriteFailure, 'position'> | undefined {
    if (w.whole) {
      this.working.set(w.source.subarray(0, USER_REGS_SIZE));
      if (this.kernel.ptrace(PTRACE.SETREGS, 0, this.working) === -1) {
        return { errno: this.kernel.errno(), wordsDone: 0, operation: 'PTRACE_SETREGS' };
      }
      return undefined;
    }
    const view = new DataView(w.source.buffer, w.source.byteOffset, w.count * WORD_SIZE);
    for (let j = 0; j < w.count; j++) {
      const value = view.getBigUint64(j * WORD_SIZE, true);
      if (this.kernel.poke(PTRACE.POKEUSER, (w.first + j) * WORD_SIZE, value) === -1) {
        return { errno: this.kernel.errno(), wordsDone: j, operation: 'PTRACE_POKEUSER' };
      }
    }
    return undefined;
  }

  /** One read op the 2006 way into `target`: GETREGS for a whole set, PEEKUSER per word. */
  readOneByOne(first: number, count: number, whole: boolean, target: Uint8Array): { errno: number; wordsDone: number; operation: string } | undefined {
    if (whole) {
      if (this.kernel.ptrace(PTRACE.GETREGS, 0, this.working) === -1) {
        return { errno: this.kernel.errno(), wordsDone: 0, operation: 'PTRACE_GETREGS' };
      }
      target.set(this.working.subarray(0, USER_REGS_SIZE));
      return undefined;
    }
    const dest = this.kernel.address(this.word);
    for (let j = 0; j < count; j++) {
      if (this.kernel.peek(PTRACE.PEEKUSER, (first + j) * WORD_SIZE, dest) === -1) {
        return { errno: this.kernel.errno(), wordsDone: j, operation: 'PTRACE_PEEKUSER' };
      }
      target.set(this.word, j * WORD_SIZE);
    }
    return undefined;
  }
}
