import { defineConfig } from 'vitest/config';
import { baseTestConfig } from '@umview/test-fixtures/vitest-base';

export default defineConfig({
  // npm pack and install, several type checks: minutes on a busy machine (a hang guard only).
  test: { reporters: baseTestConfig.reporters, testTimeout: 300_000, hookTimeout: 300_000 },
});
