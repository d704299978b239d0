/** Re-runs the calling script under `taskset -c CPU` (CPU 1, or 0 on a 1-CPU machine; or
 * $UMVIEW_BENCH_CPU) unless it already runs pinned; exits with the pinned run's status. */
export function ensurePinned(scriptUrl: string): void;
/** Parses `--json` and `--name value` / `--name=value` options over the given defaults. */
export function parseArgs<T extends Record<string, number | string>>(argv: string[], defaults: T): T & { json: boolean };
export function median(values: number[]): number;
/** Prints a title and a table whose first row is the header. */
export function printTable(title: string, rows: (string | number)[][]): void;
export interface SoakSample {
  t: number;
  rssKiB: number;
  fds: number;
  [key: string]: number;
}
export interface SoakVerdicts {
  rssAtFirstSampleKiB: number;
  rssStartKiB: number;
  rssEndKiB: number;
  rssGrowthPercent: number;
  rssFlat: boolean;
  fdsStart: number;
  fdsEnd: number;
  fdGrowth: number;
  fdsFlat: boolean;
  throughputRatio: number;
  noSlowdown: boolean;
}
/** The soak benches' verdicts: memory flat within 10% after warm-up, no fd growth, no slowdown
 * of `rate` (the samples' per-second throughput field) from the first to the last quarter. */
export function soakVerdicts<S extends SoakSample>(samples: S[], seconds: number, rate: keyof S & string): { first: S; last: S; verdicts: SoakVerdicts };
