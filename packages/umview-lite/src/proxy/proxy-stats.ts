// How the proxied data moved: through tracee memory (ptrace-multi batches) or in the kernel
// between the monitor's file and an fd of the tracee's obtained with pidfd_getfd.
export interface ProxyStats {
  /** Calls served on virtual fds and proxied paths. */
  proxiedCalls: number;
  throughMemoryCalls: number;
  throughMemoryBytes: number;
  inKernelCalls: number;
  inKernelBytes: number;
  /** Copies whose pipe or socket was not ready: the tracee waited for it in a ppoll. */
  waitsInTracee: number;
  /** Virtual fds created (opens served by the monitor). */
  virtualOpens: number;
  /** Of those, opens handed over as fast fds (fast-path.ts): their data calls run in the kernel. */
  fastOpens: number;
  /** Calls on fast fds that stopped all the same and were let run (a trace mode without a
   * filter, a fast fd dup2'd below the band onto a number a placeholder once had). */
  fastCallsStopped: number;
  /** With --stats: read and write calls that ran without a stop while fast fds were open
   * (fast-call-count.ts says what this counts). */
  fastKernelCalls?: number;
}

export function emptyProxyStats(): ProxyStats {
  return { proxiedCalls: 0, throughMemoryCalls: 0, throughMemoryBytes: 0, inKernelCalls: 0, inKernelBytes: 0, waitsInTracee: 0, virtualOpens: 0, fastOpens: 0, fastCallsStopped: 0 };
}
