// The tracee's /proc/PID/mem, for what process_vm_readv/writev cannot reach: pages without read
// permission (PROT_NONE) and read-only pages (breakpoints in .text). It accesses memory the way
// PTRACE_PEEKDATA/POKEDATA do (FOLL_FORCE), so the batched mode sees exactly what the one-by-one
// mode sees.
//
// We share ptrace-core's descriptor rather than opening a second one: a /proc/PID/mem fd is bound
// to the address space it was opened on, and ptrace-core's Tracer drops its descriptor at every
// exec, which keeps ours right too. ptrace-core does not export an accessor for it yet, so this
// file reaches into TraceeMemory's private `memFd`/`openMem()`; if that shape ever changes we
// fall back to a descriptor of our own, bound to the Tracee object.
import { openSync } from 'node:fs';
import type { Tracee } from '@umview/ptrace-core';

interface TraceeMemoryInternals {
  memFd?: number;
  openMem?: () => number;
}

const ownFds = new WeakMap<Tracee, number>();

/** The /proc/PID/mem descriptor of `tracee`, and whether this call opened it (one system call,
 * which the caller counts). */
export function procMemFd(tracee: Tracee): { fd: number; opened: boolean } {
  const memory = tracee.memory as unknown as TraceeMemoryInternals;
  if (typeof memory.openMem === 'function') {
    const opened = memory.memFd === undefined;
    return { fd: memory.openMem(), opened };
  }
  const own = ownFds.get(tracee);
  if (own !== undefined) return { fd: own, opened: false };
  const fd = openSync(`/proc/${tracee.tid}/mem`, 'r+');
  ownFds.set(tracee, fd);
  return { fd, opened: true };
}
