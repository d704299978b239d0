export interface CompileOptions {
  /** Extra flags for cc, e.g. ['-O2', '-pthread']. Default: ['-O0', '-g']. */
  flags?: string[];
  /** Name of the produced executable (default: the source's base name). */
  name?: string;
  /** The compiler (default `cc`); `c++` for a C++ source. */
  compiler?: string;
}
/** Compiles a C (or, with `compiler: 'c++'`, C++) source file and returns the path of the cached executable. */
export function compileC(source: string, options?: CompileOptions): string;
/** The folder where compiled fixtures are cached. */
export const cacheDir: string;
/** Creates a fresh temporary directory that is removed at process exit. */
export function tempDir(prefix?: string): string;
/** Removes every directory tempDir made in this process (never throws). */
export function removeTempDirs(): void;
export interface ReadmeExample {
  /** The file as the README names it, relative to the package (e.g. `examples/x.mjs`). */
  file: string;
  /** Its absolute path. */
  path: string;
  /** The code block's text, with a final newline. */
  embedded: string;
  /** The file's text, undefined when it does not exist. */
  source: string | undefined;
}
/** The examples a package's README embeds: each `<!-- example: FILE -->` comment followed by a
 * fenced code block that must hold FILE verbatim. */
export function readmeExamples(packageDir: string): ReadmeExample[];
/** mulberry32 seeded with `seed`: numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number;
