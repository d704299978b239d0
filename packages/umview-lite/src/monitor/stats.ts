// What --stats prints: the monitor's work, measured.
import type { SysvmStats } from '@umview/sysvm';
import type { ProxyStats } from '../proxy/proxy-stats.js';

export interface MonitorStats {
  /** ptrace stops of any kind. */
  stops: number;
  /** Syscalls the monitor saw (stopped for). */
  syscalls: number;
  /** Of those, path calls let go at the stop itself: no path in them can be served, or (remap
   * mode) their served paths were rewritten there (`rewrittenAtStop`). */
  letThrough: number;
  /** Of the calls let go at the stop, those whose paths were rewritten there first. */
  rewrittenAtStop: number;
  /** Calls a module changed: path rewritten (at the stop too), skipped or answered. */
  virtualized: number;
  /** Exit stops (what SKIPEXIT avoids). */
  exitStops: number;
  /** Rewritten calls (opens) whose registers were put back because a signal interrupted them
   * for a restart, which is then seen as the program made it. */
  putBackAtRestart: number;
  /** Syscalls injected into tracees. */
  injected: number;
  /** Calls held for an answer (ModuleContext.hold), and of those, the ones that timed out. */
  held: number;
  heldTimedOut: number;
  /** System calls the monitor spent on tracee memory, and bytes moved. */
  memorySyscalls: number;
  memoryBytes: number;
  /** What one PEEK/POKE per word (no PTRACE_MULTI) would have cost. */
  memorySyscallsOneByOne: number;
  processes: number;
  wallMs: number;
  /** What proxy modules did, and how their data moved. */
  proxy?: ProxyStats;
}

export function emptyStats(): MonitorStats {
  return {
    stops: 0, syscalls: 0, letThrough: 0, rewrittenAtStop: 0, virtualized: 0, exitStops: 0, putBackAtRestart: 0, injected: 0, held: 0, heldTimedOut: 0,
    memorySyscalls: 0, memoryBytes: 0, memorySyscallsOneByOne: 0, processes: 0, wallMs: 0,
  };
}

export function mergeSysvm(stats: MonitorStats, vm: SysvmStats): void {
  stats.stops = vm.stops;
  stats.syscalls = vm.calls;
  stats.letThrough = vm.letThrough;
  stats.rewrittenAtStop = vm.rewrittenAtStop;
  stats.virtualized += vm.rewrittenAtStop;
  stats.exitStops = vm.exitStops;
  stats.putBackAtRestart = vm.putBackAtRestart;
  stats.injected = vm.injected;
  stats.held = vm.held;
}

export function formatStats(stats: MonitorStats): string {
  const rows: [string, string][] = [
    ['wall time', `${stats.wallMs.toFixed(1)} ms`],
    ['processes', String(stats.processes)],
    ['ptrace stops', String(stats.stops)],
    ['syscalls seen', String(stats.syscalls)],
    ['  let through at the stop', `${stats.letThrough - stats.rewrittenAtStop} (no path in them can be served)`],
    ['  rewritten at the stop', `${stats.rewrittenAtStop} (served paths rewritten, then let through)`],
    ['syscalls virtualized', String(stats.virtualized)],
    ['exit stops', String(stats.exitStops)],
    ...(stats.putBackAtRestart > 0 ? [['  put back at a restart', `${stats.putBackAtRestart} (rewritten calls a signal interrupted, restarted as the program made them)`] as [string, string]] : []),
    ['syscalls injected', String(stats.injected)],
    ...(stats.held > 0 ? [['calls held', `${stats.held} (${stats.heldTimedOut} timed out)`] as [string, string]] : []),
    ['tracee memory: system calls', `${stats.memorySyscalls} (one PEEK/POKE per word would take ${stats.memorySyscallsOneByOne})`],
    ['tracee memory: bytes copied', String(stats.memoryBytes)],
  ];
  if (stats.proxy) {
    const p = stats.proxy;
    rows.push(
      ['proxy: files opened', String(p.virtualOpens)],
      ['data path: fast opens', `${p.fastOpens} (real fds on the file or its backing file: their data calls run in the kernel, without a stop)`],
      ...(p.fastKernelCalls !== undefined ? [['data path: calls in the kernel', `${p.fastKernelCalls} (reads and writes of processes after their first fast open, from /proc/PID/io: every fd of theirs, up to their exit)`] as [string, string]] : []),
      ['data path: fast calls that stopped', `${p.fastCallsStopped} (let run in the kernel: copies, which always stop, a fast fd below the band, or a trace mode that stops every call)`],
      ['proxy: calls served', String(p.proxiedCalls)],
      ['proxy: data through tracee memory', `${p.throughMemoryCalls} calls, ${p.throughMemoryBytes} bytes (ptrace-multi batches)`],
      ['proxy: data in the kernel', `${p.inKernelCalls} calls, ${p.inKernelBytes} bytes (pidfd_getfd + copy_file_range/sendfile/splice)`],
      ['proxy: waits in the tracee', `${p.waitsInTracee} (a copy's pipe or socket not ready: ppoll, then the call again)`],
    );
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return ['umview-lite stats:', ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}
