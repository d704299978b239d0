// Lets chosen signals interrupt a blocking waitpid.
//
// A tracer that blocks in waitpid on Node's main thread never runs JS signal handlers: libuv's
// C handler records the signal, but it is installed with SA_RESTART, so waitpid resumes and
// the event loop never gets a turn. Clearing SA_RESTART on those handlers makes waitpid fail
// with EINTR; the tracer then returns to the event loop, where process.on('SIGTERM', ...)
// runs. Call it after the JS handlers are installed (process.on installs libuv's handler).
// After an interrupted wait, give the event loop a full turn (two setImmediate hops): libuv
// reads the signal in a poll phase, and an immediate queued from inside one runs before the
// next poll phase.
import { getLibc, pinnedBuffer } from './libc.js';

// glibc x86-64/aarch64 `struct sigaction`: sa_handler (8), sa_mask (128), sa_flags (int), pad,
// sa_restorer (8).
const SIGACTION_SIZE = 152;
const FLAGS_OFFSET = 136;
const SA_RESTART = 0x10000000;

/** Clears SA_RESTART on the current handlers of `signals`; returns those that had a handler. */
export function makeSignalsInterruptWait(signals: readonly number[]): number[] {
  const libc = getLibc();
  const changed: number[] = [];
  for (const signal of signals) {
    const act = pinnedBuffer(SIGACTION_SIZE);
    if (libc.sigaction(signal, null, act) !== 0) continue;
    const handler = act.readBigUInt64LE(0);
    if (handler === 0n || handler === 1n) continue; // SIG_DFL, SIG_IGN: nothing to interrupt with
    const flags = act.readInt32LE(FLAGS_OFFSET);
    if ((flags & SA_RESTART) === 0) continue;
    act.writeInt32LE(flags & ~SA_RESTART, FLAGS_OFFSET);
    if (libc.sigaction(signal, act, null) === 0) changed.push(signal);
  }
  return changed;
}

const ITIMER_REAL = 0;
const SIGALRM = 14;

/** Interrupts a blocking wait at least every `ms` milliseconds, so that a signal which came
 * while the tracer was busy between two waits (its libuv handler ran, but no wait was there to
 * interrupt) still gets its JS handler run soon: SIGALRM from an interval timer, with a handler
 * that does not restart waitpid. Returns a function that stops the timer. */
export function interruptWaitEvery(ms: number): () => void {
  const libc = getLibc();
  const tick = (): void => {};
  process.on('SIGALRM', tick);
  makeSignalsInterruptWait([SIGALRM]);
  const timer = (interval: number): Buffer => {
    const value = pinnedBuffer(32); // struct itimerval { timeval it_interval, it_value }
    const sec = Math.floor(interval / 1000);
    const usec = (interval % 1000) * 1000;
    value.writeBigInt64LE(BigInt(sec), 0);
    value.writeBigInt64LE(BigInt(usec), 8);
    value.writeBigInt64LE(BigInt(sec), 16);
    value.writeBigInt64LE(BigInt(usec), 24);
    return value;
  };
  libc.setitimer(ITIMER_REAL, timer(ms), null);
  return () => {
    libc.setitimer(ITIMER_REAL, timer(0), null);
    process.off('SIGALRM', tick);
  };
}
