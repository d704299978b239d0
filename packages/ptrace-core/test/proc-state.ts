// /proc readers for the waits of the ptrace-core tests (until() from @umview/test-fixtures/until):
// the threads of a process with their states and the calls they are blocked in.
import { readFileSync, readdirSync } from 'node:fs';
import { syscallNumber } from '@umview/ptrace-core';

export { until } from '@umview/test-fixtures/until';

export interface ThreadState {
  tid: number;
  /** The state letter of /proc/PID/task/TID/stat (R, S, D, t, T, Z...). */
  state: string;
  /** The syscall the thread is blocked in (/proc/.../syscall), or undefined when it runs. */
  nr: number | undefined;
  /** Its first argument, as the kernel prints it (hex). */
  arg0: string | undefined;
}

/** The threads of process `pid` (`'self'`: this process), with their states; [] once it is gone. */
export function threads(pid: number | 'self'): ThreadState[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: ThreadState[] = [];
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
      const [nr, arg0] = readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'latin1').trim().split(' ');
      out.push({ tid: Number(tid), state: stat.slice(stat.lastIndexOf(')') + 2)[0]!, nr: /^\d+$/.test(nr!) ? Number(nr) : undefined, arg0 });
    } catch {
      /* the thread ended while we looked */
    }
  }
  return out;
}

const WAIT4 = syscallNumber('wait4')!;

/** Whether `thread` is blocked in waitpid(-1, ...) (glibc makes it wait4): a Tracer's wait for
 * whichever tracee stops next. (The pid is an int: the kernel may print it as 0xffffffff.) */
export function inWaitForAny(thread: ThreadState | undefined): boolean {
  return thread !== undefined && thread.nr === WAIT4 && thread.arg0 !== undefined && (BigInt(thread.arg0) & 0xffffffffn) === 0xffffffffn;
}

/** The syscalls a program blocks in when it has nothing to do (pause, sleeps). */
export const IDLE_CALLS = new Set(['pause', 'nanosleep', 'clock_nanosleep'].map(syscallNumber).filter((nr): nr is number => nr !== undefined));

/** Whether `list` (threads() of a process) has `count` threads, each asleep (S) in one of
 * `calls`: each has run its own code past the stops of its start, none is in a ptrace-stop (t). */
export function allAsleep(list: readonly ThreadState[], count: number, calls: ReadonlySet<number> = IDLE_CALLS): boolean {
  return list.length === count && list.every((t) => t.state === 'S' && t.nr !== undefined && calls.has(t.nr));
}
