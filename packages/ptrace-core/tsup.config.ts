import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker entry is a separate file: the async facade starts it with `new Worker(...)`.
  // src/internal.ts is `@umview/ptrace-core/internal`, the raw layer for the sibling packages.
  entry: ['src/index.ts', 'src/internal.ts', 'src/async/tracer-worker.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  shims: true,
  target: 'node20',
  platform: 'node',
  // Shared chunks: the index and internal entries must share one copy of each module (one
  // libc binding, one set of error classes), not each bundle its own.
  splitting: true,
});
