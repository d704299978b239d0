import { defineConfig } from 'vitest/config';
import { baseTestConfig } from '@umview/test-fixtures/vitest-base';

export default defineConfig({
  test: {
    ...baseTestConfig,
    globalSetup: ['test/global-setup.ts'],
  },
});
