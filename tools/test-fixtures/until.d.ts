/** Polls `probe` until `done` holds for what it returns (default: truthy), and returns that.
 * Call it inside a test: it has no deadline of its own (vitest's per-test timeout is the hang
 * guard). If the test fails while this waits, what was seen last is printed, then
 * `options.onFail` is given it (to kill what is left), and the polling stops. */
export declare function until<T>(
  what: string,
  probe: () => T,
  done?: (value: T) => boolean,
  options?: { everyMs?: number; onFail?: (last: T) => void },
): Promise<T>;
