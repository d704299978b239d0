// The time stamps of tmpfs files: nanoseconds since the epoch, from the monotonic clock laid on
// the wall clock once. The wall clock is read to the microsecond (performance.timeOrigin), not
// to the millisecond (Date.now()): the times of files with a backing file come from the
// kernel's clock, and the module's own must not lag behind them by up to a millisecond (a
// chmod after a write would give a ctime older than the write's).
import { performance } from 'node:perf_hooks';

const origin = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1_000_000)) - process.hrtime.bigint();

export function nowNs(): bigint {
  return origin + process.hrtime.bigint();
}
