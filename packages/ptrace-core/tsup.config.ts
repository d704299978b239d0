import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker entry is a separate file: the async facade starts it with `new Worker(...)`.
  entry: ['src/index.ts', 'src/async/tracer-worker.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  shims: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
});
