import { defineConfig } from 'vitest/config';
import { baseTestConfig } from '@umview/test-fixtures/vitest-base';

/** The part-1 correctness suites (path families, real programs, processes and signals): run
 * once with the unreal module in remap mode, as every other test, and once more in proxy mode,
 * where the monitor serves the files. */
const BOTH_MODES = ['test/path-families.test.ts', 'test/programs.test.ts', 'test/processes.test.ts'];
/** The same suites once more in each mode the slow, exact way: the let-through off
 * (--no-let-through; --trace=seccomp only, the one mode that has it) and every rewritten call's
 * registers put back (--exact-registers), both added by test/helpers.ts. Passing against the
 * native runs, they show that the fast lane and the exit stops saved change no result (~15 s). */
const NO_LET_THROUGH = { UMVIEW_TEST_NO_LET_THROUGH: '1' };

export default defineConfig({
  test: {
    ...baseTestConfig,
    // Every run a monitor of its own unless a test asks for the warm monitor (server.test,
    // terminal.test): run from a terminal, the default would leave servers behind the suite.
    // Each project below adds its own variables to these.
    env: { UMVIEW_SERVER: '0' },
    projects: [
      { extends: true, test: { name: 'remap', include: ['test/**/*.test.ts'], env: { UMVIEW_TEST_UNREAL: 'unreal,mode=remap' } } },
      { extends: true, test: { name: 'proxy', include: BOTH_MODES, env: { UMVIEW_TEST_UNREAL: 'unreal,mode=proxy' } } },
      { extends: true, test: { name: 'fs', include: BOTH_MODES, env: { UMVIEW_TEST_UNREAL: 'unreal,mode=fs' } } },
      { extends: true, test: { name: 'no-let-through', include: BOTH_MODES, env: { UMVIEW_TEST_UNREAL: 'unreal,mode=remap', ...NO_LET_THROUGH } } },
      { extends: true, test: { name: 'no-let-through-proxy', include: BOTH_MODES, env: { UMVIEW_TEST_UNREAL: 'unreal,mode=proxy', ...NO_LET_THROUGH } } },
    ],
  },
});
