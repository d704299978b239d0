// How many calls ran in the kernel on the fast data path (fast-path.ts), for --stats. They do
// not stop, so the monitor cannot count them one by one: from a process's first fast open on, it
// reads the process's own counts of read and write calls (/proc/PID/io: syscr, syscw) at each
// of its stops and adds what grew in between; with it the monitor stops exit_group too, the
// last look (one stop more per process). That counts every fd of the process (dd's writes to
// its output too): a measure of the stops saved, not an exact count of calls on fast fds.
// Reading /proc costs ~10 µs a stop, so it is done only when --stats asks.
import { readFileSync } from 'node:fs';

export class FastCallCount {
  /** read and write calls that ran without a stop in processes that had a fast open. */
  kernelCalls = 0;
  private readonly marks = new Map<number, number>();

  /** A fast fd was opened in `pid`: from now on, its reads and writes are counted. */
  opened(pid: number): void {
    if (this.marks.has(pid)) return;
    const now = ioCalls(pid);
    if (now !== undefined) this.marks.set(pid, now);
  }

  /** `pid` stopped for a call (which is not counted: it stopped). */
  stopped(pid: number): void {
    const mark = this.marks.get(pid);
    if (mark === undefined) return;
    const now = ioCalls(pid);
    if (now === undefined) return;
    this.kernelCalls += now - mark;
    this.marks.set(pid, now);
  }

  exited(pid: number): void {
    this.marks.delete(pid);
  }
}

function ioCalls(pid: number): number | undefined {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'latin1');
    const syscr = /^syscr: (\d+)$/m.exec(io);
    const syscw = /^syscw: (\d+)$/m.exec(io);
    return syscr && syscw ? Number(syscr[1]) + Number(syscw[1]) : undefined;
  } catch {
    return undefined;
  }
}
