// A vitest reporter that lists every skipped test with its reason at the end of a run, so that
// what a machine could not test is visible in the log, and fails the run when a test was
// skipped without one: a skip must say why (`ctx.skip(reason)`, reasons from ./machine.js).
// Tests left out by a name filter (`-t`) are not skips of the suite and are not listed.
import { relative } from 'node:path';

export default class SkipReasons {
  onInit(vitest) {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules) {
    if (this.vitest.config.testNamePattern) return;
    const listed = [];
    let unexplained = 0;
    for (const testModule of testModules) {
      for (const test of testModule.children.allTests()) {
        const result = test.result();
        if (result.state !== 'skipped' || test.options.mode === 'todo') continue;
        const file = relative(this.vitest.config.root, testModule.moduleId);
        if (result.note === undefined) unexplained++;
        listed.push(`  ${file} > ${test.fullName}: ${result.note ?? 'NO REASON GIVEN'}`);
      }
    }
    if (listed.length === 0) return;
    console.log(`\nSkipped on this machine (${listed.length}):\n${listed.join('\n')}\n`);
    if (unexplained > 0) {
      console.error(`${unexplained} test(s) skipped without a reason: skip with ctx.skip(reason)`);
      process.exitCode = 1;
    }
  }
}
