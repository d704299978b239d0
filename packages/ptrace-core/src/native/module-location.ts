// Where this package's code was loaded from, for what it finds next to itself (koffi's binary,
// the async tracer's worker file).

declare const __filename: string | undefined;

/** This bundle's file: `__filename` in a CommonJS build (umview-lite's CLI bundle has no
 * import.meta shim, whose `new URL()` at load costs ~3 ms of every start-up), else
 * import.meta.url, a file: URL. */
export function moduleLocation(): string {
  return typeof __filename === 'string' ? __filename : import.meta.url;
}
