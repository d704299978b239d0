/** Re-runs the calling script under `taskset -c CPU` (CPU 1, or 0 on a 1-CPU machine; or
 * $UMVIEW_BENCH_CPU) unless it already runs pinned; exits with the pinned run's status. */
export function ensurePinned(scriptUrl: string): void;
/** Parses `--json` and `--name value` / `--name=value` options over the given defaults. */
export function parseArgs<T extends Record<string, number | string>>(argv: string[], defaults: T): T & { json: boolean };
export function median(values: number[]): number;
/** Prints a title and a table whose first row is the header. */
export function printTable(title: string, rows: (string | number)[][]): void;
