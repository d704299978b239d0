// Remote syscall injection: make a stopped tracee run a syscall of the monitor's choosing, and
// leave it exactly as it was (registers, memory, and the stop it was at).
//
// Two ways, by where the tracee is stopped:
// - at a syscall entry (or seccomp) stop, the current call is swapped for ours, run to its exit,
//   then the original call is replayed: ip back onto its `syscall` instruction, number back in
//   rax, and the tracee run to the same kind of stop for it again;
// - anywhere else (a syscall exit, the exec stop, a signal stop), the registers are pointed at a
//   `syscall` instruction (the one just executed, or one planted at ip) and restored after.
import { TraceeGoneError, arch, type Stop, type Tracee, type Tracer } from '@umview/ptrace-core';
import { plantSyscall, syscallBefore, type SyscallSite } from './syscall-site.js';

export type StopPosition = 'entry' | 'seccomp' | 'exit' | 'other';

export interface InjectionContext {
  tracer: Tracer;
  tracee: Tracee;
  /** Signals that arrived while injecting: to deliver on the tracee's next resume. */
  pendingSignals: number[];
  /** Stops of this tracee that the injection consumed but cannot handle (its death): the
   * caller reports them. */
  deferredStops: Stop[];
}

export function injectSyscall(
  ctx: InjectionContext,
  position: StopPosition,
  nr: number,
  args: readonly (bigint | number)[] = [],
): bigint {
  return position === 'entry' || position === 'seccomp'
    ? injectAtEntry(ctx, position, nr, args)
    : injectElsewhere(ctx, position, nr, args);
}

function injectAtEntry(ctx: InjectionContext, position: 'entry' | 'seccomp', nr: number, args: readonly (bigint | number)[]): bigint {
  const { tracee } = ctx;
  const regs = tracee.getRegisters();
  const saved = regs.clone();
  regs.syscallNumber = nr;
  setArgs(regs, args);
  tracee.setRegisters(regs);
  // From a seccomp stop the kernel re-checks the new call with the filter without stopping.
  run(ctx, 'syscall', (s) => s.kind === 'syscall-exit');
  const result = tracee.getRegisters().syscallResult;
  // Replay the original call: same registers, ip back on its `syscall`, its number in rax.
  const replay = saved.clone();
  replay.pc = saved.pc - BigInt(arch.SYSCALL_INSTRUCTION_SIZE);
  replay.set(arch.SYSCALL_RESULT_REGISTER, saved.get(arch.SYSCALL_NR_REGISTER));
  tracee.setRegisters(replay);
  run(ctx, 'syscall', (s) => s.kind === 'syscall-enter');
  if (position === 'seccomp') run(ctx, 'cont', (s) => s.kind === 'seccomp');
  return result;
}

function injectElsewhere(ctx: InjectionContext, position: 'exit' | 'other', nr: number, args: readonly (bigint | number)[]): bigint {
  const { tracee } = ctx;
  const regs = tracee.getRegisters();
  const saved = regs.clone();
  const site: SyscallSite = (position === 'exit' ? syscallBefore(tracee, regs.pc) : undefined) ?? plantSyscall(tracee, regs.pc);
  try {
    regs.pc = site.address;
    regs.set(arch.SYSCALL_RESULT_REGISTER, BigInt(nr));
    // No syscall in progress as far as signal restart is concerned.
    regs.syscallNumber = -1;
    setArgs(regs, args);
    tracee.setRegisters(regs);
    run(ctx, 'syscall', (s) => s.kind === 'syscall-enter');
    run(ctx, 'syscall', (s) => s.kind === 'syscall-exit');
    return tracee.getRegisters().syscallResult;
  } finally {
    if (tracee.state !== 'exited') {
      tracee.setRegisters(saved);
      site.release();
    }
  }
}

function setArgs(regs: ReturnType<Tracee['getRegisters']>, args: readonly (bigint | number)[]): void {
  for (let i = 0; i < 6; i++) regs.setSyscallArg(i, BigInt(args[i] ?? 0));
}

/** Resumes the tracee and waits for the stop `expected` accepts, coping with what may come
 * in between: signals (kept for later), the seccomp stop of the injected call itself. */
function run(ctx: InjectionContext, request: 'syscall' | 'cont', expected: (stop: Stop) => boolean): Stop {
  const { tracer, tracee } = ctx;
  const resume = () => (request === 'syscall' ? tracee.syscall() : tracee.cont());
  resume();
  for (;;) {
    const stop = tracer.waitFor(tracee);
    if (expected(stop)) return stop;
    switch (stop.kind) {
      case 'exited':
      case 'killed':
        ctx.deferredStops.push(stop);
        throw new TraceeGoneError(`tid ${tracee.tid} died during a syscall injection`, { errno: 3, operation: 'inject', tid: tracee.tid });
      case 'signal':
        ctx.pendingSignals.push(stop.signal);
        resume();
        break;
      case 'seccomp':
        tracee.syscall(); // our own call, traced by the filter: run it on to its exit
        break;
      default:
        resume();
    }
  }
}
