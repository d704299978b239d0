// A restartable call rewritten with no exit stop (restoreArguments 'when-restarted',
// argument-restore.ts), put back if the kernel restarts it.
//
// A signal that interrupts such a call (an open sleeping on a FIFO) finds its argument register
// pointing below the stack, where the handler's frame is about to be written; the kernel then
// restarts the call with the registers as they are, or fails it with EINTR. Two ways lead there,
// and both are watched:
// - the signal's delivery stop, which a tracee always gives its tracer (ignored signals
//   included): the registers show the call's number with a restart code as its result. They are
//   put back there, before the frame is written, so the handler and the restart see the
//   program's own.
// - a restart with no stop in between (a cgroup freezer's trap, a PTRACE_INTERRUPT): the memory
//   below the stack is intact, but the call stops again at its seccomp stop with the pointer as
//   rewritten, which the monitor would take for the program's own. It is recognised there: the
//   same number, stack pointer and arguments as let go, one of them pointing at dead memory
//   below that stack pointer, where no correct program keeps anything. The program's own
//   arguments are put back and the call is seen as it came.
// Any other seccomp stop of the thread means the call is over.
import { arch, type Tracee } from '@umview/ptrace-core';

const ARG_REGISTERS = arch.SYSCALL_ARG_REGISTERS;
const ARG_OFFSETS = ARG_REGISTERS.map((register) => arch.userOffset(register));
/** The kernel's internal "restart me" results, seen by a tracer at an exit or signal stop
 * (never by the program): ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK. */
export const isRestartCode = (result: bigint): boolean => result <= -512n && result >= -516n && result !== -515n;

/** One thread's restartable call let go rewritten, if any (reused from call to call). */
export class RestartGuard {
  private active = false;
  private nr = -1;
  private sp = 0n;
  /** The arguments as the kernel runs the call, and as the program made it. */
  private readonly letGo = new BigUint64Array(6);
  private readonly own = new BigUint64Array(6);

  /** Call `nr` goes on with the program's `own` arguments, but those in `rewritten` (a bit per
   * argument) set to `values`. */
  watch(nr: number, sp: bigint, own: ArrayLike<bigint>, values: ArrayLike<bigint | undefined>, rewritten: number): void {
    this.active = true;
    this.nr = nr;
    this.sp = sp;
    for (let i = 0; i < 6; i++) {
      this.own[i] = own[i]!;
      this.letGo[i] = (rewritten & (1 << i)) !== 0 ? values[i]! : own[i]!;
    }
  }

  get watching(): boolean {
    return this.active;
  }

  forget(): void {
    this.active = false;
  }

  /** Whether a seccomp stop of the thread is the watched call restarted. */
  isRestart(nr: number, sp: bigint, args: ArrayLike<bigint>): boolean {
    if (!this.active || nr !== this.nr || sp !== this.sp) return false;
    for (let i = 0; i < 6; i++) if (args[i] !== this.letGo[i]) return false;
    return true;
  }

  /** At the seccomp stop of the watched call restarted: its registers put back; the program's
   * own arguments, the call forgotten. */
  putBackAtRestart(tracee: Tracee): bigint[] {
    this.active = false;
    for (let i = 0; i < 6; i++) if (this.own[i] !== this.letGo[i]) tracee.pokeUser(ARG_OFFSETS[i]!, this.own[i]!);
    return Array.from(this.own);
  }

  /** At a signal-delivery stop of the thread: when the signal interrupted the watched call
   * (its number, with a restart code as result), its registers are put back (true). The call
   * is forgotten either way: interrupted, its restart is a new call; otherwise it was over. */
  putBackIfInterrupted(tracee: Tracee): boolean {
    if (!this.active) return false;
    this.active = false;
    const regs = tracee.getRegisters();
    if (regs.syscallNumber !== this.nr || !isRestartCode(regs.syscallResult) || regs.sp !== this.sp) return false;
    for (let i = 0; i < 6; i++) if (regs.get(ARG_REGISTERS[i]!) !== this.letGo[i]) return false;
    for (let i = 0; i < 6; i++) regs.set(ARG_REGISTERS[i]!, this.own[i]!);
    tracee.setRegisters(regs);
    return true;
  }
}
