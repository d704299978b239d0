// The settings every package's vitest config shares: one place for the suite's policies.
import { fileURLToPath } from 'node:url';

export const baseTestConfig = {
  // Each test file in its own process: a tracer is bound to the thread that attached.
  pool: 'forks',
  // Hang guards only, never a measure of speed (timing belongs in the benches): generous enough
  // for a suite pinned to one busy CPU (npm run test:busy).
  testTimeout: 120_000,
  hookTimeout: 120_000,
  reporters: ['default', fileURLToPath(new URL('./skip-reasons.js', import.meta.url))],
  // Each test file's temporary directories are removed after it.
  setupFiles: [fileURLToPath(new URL('./temp-cleanup.js', import.meta.url))],
};
