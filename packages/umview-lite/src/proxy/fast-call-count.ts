// How many calls ran in the kernel on the fast data path (fast-path.ts), for --stats. They do
// not stop, so the monitor cannot count them one by one: it reads the process's own counts of
// read and write calls (/proc/PID/io: syscr, syscw) when a fast fd is opened and at each close
// of one, and adds what grew in between. That counts every fd of the process in those windows
// (dd's writes to its output too), and nothing of a process that exits without closing: a
// measure of the stops saved, not an exact count of calls on fast fds. Reading /proc costs
// ~10 µs per open and close, so it is done only when --stats asks.
import { readFileSync } from 'node:fs';

export class FastCallCount {
  /** read and write calls that ran without a stop while fast fds were open. */
  kernelCalls = 0;
  private readonly marks = new Map<number, number>();

  /** A fast fd was opened in `pid`: the window starts, if none is open. */
  opened(pid: number): void {
    if (this.marks.has(pid)) return;
    const now = ioCalls(pid);
    if (now !== undefined) this.marks.set(pid, now);
  }

  /** A fast fd of `pid` is being closed: what the window saw is counted, and a new one starts. */
  closed(pid: number): void {
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
