// The signals a spawned program starts with ignored (SpawnOptions.ignoredSignals). posix_spawn
// can set a signal to its default action but not to SIG_IGN, and this process's own
// dispositions are Node's (which resets every signal at its start), so the stopped trampoline is
// handed a mask in a register and sets them itself just before its execve, which keeps SIG_IGN
// (arch/x86_64/trampoline.ts).
import { TRAMPOLINE_IGNORED_SIGNALS_REGISTER } from '../arch/index.js';
import { InvalidArgumentError } from '../errors.js';
import { ERRNO } from '../native/errno.js';
import { SIGNALS } from '../native/signals.js';
import type { Tracee } from '../tracee.js';

/** The mask of `signals` (bit N-1 for signal N); throws on a number that is not a signal one can
 * ignore. */
export function ignoredSignalMask(signals: readonly number[]): bigint {
  let mask = 0n;
  for (const signal of signals) {
    if (!Number.isInteger(signal) || signal < 1 || signal > 64 || signal === SIGNALS.SIGKILL || signal === SIGNALS.SIGSTOP) {
      throw new InvalidArgumentError(`ignoredSignals: ${signal} is not a signal that can be ignored (1 to 64, not SIGKILL or SIGSTOP)`, { errno: ERRNO.EINVAL, operation: 'spawn' });
    }
    mask |= 1n << BigInt(signal - 1);
  }
  return mask;
}

/** Names `mask` to the stopped trampoline. */
export function placeIgnoredSignals(trampoline: Tracee, mask: bigint): void {
  const regs = trampoline.getRegisters();
  regs.set(TRAMPOLINE_IGNORED_SIGNALS_REGISTER, mask);
  trampoline.setRegisters(regs);
}
