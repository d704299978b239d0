import { defineConfig } from 'vitest/config';
import { baseTestConfig } from '@umview/test-fixtures/vitest-base';

/** The part-1 correctness suites (path families, real programs, processes and signals): run
 * once with the unreal module in remap mode, as every other test, and once more in proxy mode,
 * where the monitor serves the files. */
const BOTH_MODES = ['test/path-families.test.ts', 'test/programs.test.ts', 'test/processes.test.ts'];

export default defineConfig({
  test: {
    ...baseTestConfig,
    projects: [
      { extends: true, test: { name: 'remap', include: ['test/**/*.test.ts'], env: { UMVIEW_TEST_UNREAL: 'unreal,mode=remap' } } },
      { extends: true, test: { name: 'proxy', include: BOTH_MODES, env: { UMVIEW_TEST_UNREAL: 'unreal,mode=proxy' } } },
    ],
  },
});
