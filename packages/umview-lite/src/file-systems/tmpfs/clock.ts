// The time stamps of tmpfs files: nanoseconds since the epoch, from the monotonic clock laid on
// the wall clock once (Date.now() alone has only milliseconds).
const origin = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

export function nowNs(): bigint {
  return origin + process.hrtime.bigint();
}
