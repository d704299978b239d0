import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default defineConfig([
  {
    // The library.
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    define: { __UMVIEW_LITE_VERSION__: JSON.stringify(version) },
  },
  {
    // The CLI: one file with the umview layers inlined, so that start-up reads one module
    // (koffi, native, stays external).
    entry: { 'cli-main': 'src/cli/main.ts' },
    // CommonJS: Node starts a CJS entry a few milliseconds sooner than an ES module.
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    target: 'node20',
    platform: 'node',
    splitting: false,
    noExternal: [/^@umview\//],
    external: ['koffi'],
    // No import.meta shim: tsup's computes `new URL(__filename)` when the bundle loads, and the
    // first URL of a process costs ~3 ms (the bundled layers use __filename when they have it).
    shims: false,
    // UMVIEW_NO_MINIFY=1 npx tsup: a bundle whose CPU profiles (--cpu-prof) name the functions.
    minify: !process.env.UMVIEW_NO_MINIFY,
    // Written as the function CommonJS wraps a module in (Node's Module.wrap), which the
    // launcher compiles as it is: wrapping it at each start made a second copy of the source
    // (~390 KB, on the young heap), 0.3 ms of `-- /bin/true` (median of 151, pinned). Only the
    // launcher runs this file.
    banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
    footer: { js: '\n})' },
    // Bundle the layers from their sources (not their single-file builds), so that what the
    // CLI does not use is left out and what it loads lazily (the --strace formatter) stays lazy.
    esbuildOptions(options) {
      // import.meta.url is left empty in this CommonJS bundle: the code that reads it takes
      // __filename when it exists.
      options.logOverride = { 'empty-import-meta': 'silent' };
      options.alias = {
        '@umview/ptrace-core/internal': fileURLToPath(new URL('../ptrace-core/src/internal.ts', import.meta.url)),
        '@umview/ptrace-core': fileURLToPath(new URL('../ptrace-core/src/index.ts', import.meta.url)),
        '@umview/ptrace-multi': fileURLToPath(new URL('../ptrace-multi/src/index.ts', import.meta.url)),
        '@umview/sysvm/format': fileURLToPath(new URL('../sysvm/src/format/index.ts', import.meta.url)),
        '@umview/sysvm': fileURLToPath(new URL('../sysvm/src/index.ts', import.meta.url)),
      };
    },
    define: { __UMVIEW_LITE_VERSION__: JSON.stringify(version) },
  },
  {
    // The launcher, a small loader that runs cli-main.cjs through V8's code cache; the
    // executable that starts Node on it is bin/umview-lite (a shell script: see there why).
    entry: { cli: 'src/cli/launcher.ts' },
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    target: 'node20',
    platform: 'node',
    // The private-directory rule comes from ptrace-core's sources, inlined: the launcher loads
    // no other module before the cache.
    noExternal: [/^@umview\//],
    esbuildOptions(options) {
      options.alias = {
        '@umview/ptrace-core/internal': fileURLToPath(new URL('../ptrace-core/src/private-directory.ts', import.meta.url)),
      };
    },
  },
]);
