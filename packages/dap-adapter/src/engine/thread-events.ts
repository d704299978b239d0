// ptrace-core's stops, as the events the engine reasons about. The one rewrite happens here:
// a thread that executed one of our int3s has its pc moved back onto the breakpoint, so that
// every later decision sees the address of the breakpoint, not the byte after it.
import { SI_CODE, SIGNALS, type SigInfo, type Stop, type SyscallEnterStop, type Tracee } from '@umview/ptrace-core';
import type { SoftwareBreakpoints } from '../breakpoints/software-breakpoints.js';
import type { ThreadState } from './thread-state.js';

export type ThreadEvent =
  /** It executed our int3 at `address`; its pc is `address` again. */
  | { readonly kind: 'breakpoint'; readonly address: bigint }
  /** A single-step finished. */
  | { readonly kind: 'step' }
  /** A debug register of ours (a data breakpoint) fired; the access is done, the pc after it. */
  | { readonly kind: 'watch' }
  /** Our PTRACE_INTERRUPT (or attach's) stopped it. */
  | { readonly kind: 'interrupt' }
  /** A signal is about to be delivered to it. */
  | { readonly kind: 'signal'; readonly signal: number; readonly info: SigInfo }
  /** It created a thread or a process (already traced: the child's first stop follows). */
  | { readonly kind: 'child'; readonly child: Tracee; readonly how: 'fork' | 'vfork' | 'clone' }
  /** The first stop of a thread or process created by a traced one. */
  | { readonly kind: 'new-child' }
  | { readonly kind: 'exec' }
  /** It is about to make a system call (resumed with PTRACE_SYSCALL for a catchpoint). */
  | { readonly kind: 'syscall'; readonly stop: SyscallEnterStop }
  /** Anything that needs no decision (group-stop, vfork-done...): resume it. */
  | { readonly kind: 'other' };

type LiveStop = Exclude<Stop, { kind: 'exited' | 'killed' }>;

/** Whether a SIGTRAP that is no int3 of ours came from a watchpoint (reads and clears DR6). */
export type WatchTrapTest = (thread: ThreadState) => boolean;

export function classifyStop(stop: LiveStop, thread: ThreadState | undefined, breakpoints: SoftwareBreakpoints, watchTrap?: WatchTrapTest): ThreadEvent {
  const event = classify(stop, thread, breakpoints, watchTrap);
  // A step trap of ours can only be queued behind interrupts: any other stop means none is.
  if (thread !== undefined && event.kind !== 'interrupt') thread.stepTrapOwed = false;
  return event;
}

function classify(stop: LiveStop, thread: ThreadState | undefined, breakpoints: SoftwareBreakpoints, watchTrap: WatchTrapTest | undefined): ThreadEvent {
  switch (stop.kind) {
    case 'signal': {
      if (stop.signal !== SIGNALS.SIGTRAP) return { kind: 'signal', signal: stop.signal, info: stop.siginfo };
      // int3 raises SIGTRAP with si_code SI_KERNEL and the pc just past it.
      if (stop.siginfo.code === SI_CODE.SI_KERNEL) {
        const regs = stop.tracee.getRegisters();
        const address = regs.rip - 1n;
        if (breakpoints.wasEverInserted(address)) {
          regs.rip = address;
          stop.tracee.setRegisters(regs);
          return { kind: 'breakpoint', address };
        }
      }
      // A data breakpoint (TRAP_HWBKPT; TRAP_TRACE when it fired in a single step, DR6 says both).
      if (thread !== undefined && watchTrap?.(thread) === true) return { kind: 'watch' };
      // A single-step trap: TRAP_TRACE, or TRAP_BRKPT after stepping over a syscall instruction.
      const stepTrap = stop.siginfo.code > 0 && stop.siginfo.code !== SI_CODE.SI_KERNEL;
      if (thread?.mode === 'step' && stepTrap) return { kind: 'step' };
      // The trap of a step we asked for, which finished while our interrupt was reported first,
      // delivered now that the thread was resumed with PTRACE_CONT: ours, dropped (the thread
      // runs on without it). Reported, it would be a SIGTRAP "exception" of the program's.
      if (thread?.mode === 'cont' && thread.stepTrapOwed && stepTrap) return { kind: 'other' };
      return { kind: 'signal', signal: stop.signal, info: stop.siginfo };
    }
    case 'interrupt':
      return stop.cause === 'new-child' ? { kind: 'new-child' } : { kind: 'interrupt' };
    case 'fork':
    case 'vfork':
    case 'clone':
      return { kind: 'child', child: stop.child, how: stop.kind };
    case 'exec':
      return { kind: 'exec' };
    case 'syscall-enter':
      return { kind: 'syscall', stop };
    default:
      return { kind: 'other' };
  }
}
