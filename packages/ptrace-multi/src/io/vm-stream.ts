// Executes a stream plan with process_vm_readv/writev, IOV_MAX iovecs per call, and recovers
// exactly what a partial transfer leaves out.
//
// The kernel stops a process_vm transfer at the first page it cannot pin and returns the bytes
// copied so far (a page boundary), or -1 if none. That page may be merely inaccessible to
// process_vm (PROT_NONE for a read, read-only for a write) while PTRACE_PEEKDATA/POKEDATA, which
// force access, would reach it; so the rest of that remote range is retried through
// /proc/PID/mem, which forces access the same way, with one preadv/pwritev. Where that stops too,
// the page is truly unreachable: a read records the fault for the piece there, skips the page
// (pieces starting in it fault at their start) and resumes the stream after it; a write stops,
// because a failed write ends the batch.
import { ERRNO } from '@umview/ptrace-core';
import { PAGE_SIZE } from '../arch/x86_64.js';
import type { StreamPlan } from '../planner/stream-plan.js';
import type { IovecArray } from './iovec-array.js';
import type { Kernel } from './kernel.js';
import type { Workspace } from './workspace.js';

/** Thrown when a transfer reports that the tracee is gone (ESRCH). */
export class TraceeVanished extends Error {
  constructor(readonly errno: number) {
    super('tracee vanished during a transfer');
  }
}

/** Where a write stream stopped: the segment and the bytes of it that were written. */
export interface WriteFault {
  readonly owner: number;
  readonly written: number;
}

export class VmStream {
  private readonly localIov: IovecArray;
  private readonly remoteIov: IovecArray;
  private readonly badPages = new Set<number>();
  // Cursor: piece index and offset inside it.
  private i = 0;
  private off = 0;

  constructor(private readonly kernel: Kernel, workspace: Workspace, private readonly procMem: () => number) {
    this.localIov = workspace.localIov;
    this.remoteIov = workspace.remoteIov;
  }

  /** Reads every piece as far as memory allows; `available[owner]` must hold each segment's
   * length and is lowered to the bytes readable from the segment's start. */
  read(plan: StreamPlan, available: Float64Array): void {
    this.badPages.clear();
    this.run(plan, 'read', (owner, readable) => {
      if (owner >= 0 && readable < available[owner]!) available[owner] = readable;
      return true;
    });
  }

  /** Writes the pieces in order; returns where a write could not be done, if anywhere. */
  write(plan: StreamPlan): WriteFault | undefined {
    // A write stream ends at its first fault: it never skips pages.
    this.badPages.clear();
    let fault: WriteFault | undefined;
    this.run(plan, 'write', (owner, written) => {
      fault = { owner, written };
      return false;
    });
    return fault;
  }

  /** `onFault(owner, bytesBefore)` is told of each unreachable piece; false stops the stream. */
  private run(plan: StreamPlan, direction: 'read' | 'write', onFault: (owner: number, before: number) => boolean): void {
    const { remote, owner, joins } = plan;
    const n = plan.count;
    this.i = 0;
    this.off = 0;
    while (this.i < n) {
      if (this.off === 0) {
        const i = this.i;
        // A gap is read only between the pieces it joins; a piece on a page known to be
        // unreachable fails without asking the kernel again.
        if (owner[i]! < 0) { this.i++; continue; }
        if (this.badPages.size > 0 && this.badPages.has(Math.floor(remote[i]! / PAGE_SIZE))) {
          if (!onFault(owner[i]!, 0)) return;
          this.i++;
          continue;
        }
      }
      const requested = this.fillCall(plan);
      const r = direction === 'read'
        ? this.kernel.processVmReadv(this.localIov.address, this.localIov.length, this.remoteIov.address, this.remoteIov.length)
        : this.kernel.processVmWritev(this.localIov.address, this.localIov.length, this.remoteIov.address, this.remoteIov.length);
      let moved = r;
      if (r < 0) {
        const errno = this.kernel.errno();
        if (errno === ERRNO.ESRCH) throw new TraceeVanished(errno);
        moved = 0; // EFAULT (or EPERM on hardened kernels): /proc/PID/mem decides
      }
      this.advance(plan, moved);
      if (moved === requested) continue;
      if (this.viaProcMem(plan, direction)) continue;
      // Truly unreachable at the cursor.
      const i = this.i;
      const at = remote[i]! + this.off;
      if (!onFault(owner[i]!, this.off)) return;
      const pageEnd = (Math.floor(at / PAGE_SIZE) + 1) * PAGE_SIZE;
      this.badPages.add(Math.floor(at / PAGE_SIZE));
      this.i++;
      this.off = 0;
      while (this.i < n && joins[this.i]! && remote[this.i]! < pageEnd) {
        if (!onFault(owner[this.i]!, 0)) return;
        this.i++;
      }
    }
  }

  /** Fills the iovec arrays from the cursor; returns the bytes requested. Stops before a new
   * remote range when either array is full, and before a piece on a known-bad page. */
  private fillCall(plan: StreamPlan): number {
    const { remote, length, local, joins } = plan;
    const n = plan.count;
    this.localIov.clear();
    this.remoteIov.clear();
    let requested = 0;
    for (let k = this.i; k < n; k++) {
      const first = k === this.i;
      const o = first ? this.off : 0;
      const len = length[k]! - o;
      if (this.localIov.full) break;
      if (first || !joins[k]) {
        if (this.remoteIov.full) break;
        if (!first && this.badPages.size > 0 && this.badPages.has(Math.floor(remote[k]! / PAGE_SIZE))) break;
        this.remoteIov.push(remote[k]! + o, len);
      } else {
        this.remoteIov.extendLast(len);
      }
      this.localIov.push(local[k]! + o, len);
      requested += len;
    }
    return requested;
  }

  /** Moves the cursor `bytes` forward. */
  private advance(plan: StreamPlan, bytes: number): void {
    const { length } = plan;
    while (bytes > 0) {
      const rest = length[this.i]! - this.off;
      if (bytes >= rest) {
        bytes -= rest;
        this.i++;
        this.off = 0;
      } else {
        this.off += bytes;
        bytes = 0;
      }
    }
  }

  /** Retries the rest of the cursor's remote range through /proc/PID/mem. True if all of it
   * moved (the cursor is then past it); false if it stopped at an unreachable page (the cursor
   * is there). */
  private viaProcMem(plan: StreamPlan, direction: 'read' | 'write'): boolean {
    const { remote, length, local, joins } = plan;
    const n = plan.count;
    let fd: number;
    try {
      fd = this.procMem();
    } catch {
      return false;
    }
    for (;;) {
      const start = this.i;
      const offset = remote[start]! + this.off;
      this.localIov.clear();
      let requested = 0;
      for (let k = start; k < n && (k === start || joins[k]) && !this.localIov.full; k++) {
        const o = k === start ? this.off : 0;
        this.localIov.push(local[k]! + o, length[k]! - o);
        requested += length[k]! - o;
      }
      const r = direction === 'read'
        ? this.kernel.preadv(fd, this.localIov.address, this.localIov.length, offset)
        : this.kernel.pwritev(fd, this.localIov.address, this.localIov.length, offset);
      const moved = r > 0 ? r : 0;
      this.advance(plan, moved);
      if (moved < requested) return false;
      // The whole run is done unless IOV_MAX cut it.
      if (this.i >= n || !joins[this.i]) return true;
    }
  }
}
