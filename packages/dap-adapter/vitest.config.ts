import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each test file in its own process: a tracer is bound to the thread that attached.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
