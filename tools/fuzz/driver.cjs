// Runs one jsfuzz target for a fixed time and reports what happened as one JSON line on stdout
// (run.mjs collects them). jsfuzz itself runs until it finds a crash or is interrupted; this
// driver uses its Fuzzer class as its CLI does, with a larger input size for binary targets,
// stops the worker after the time (SIGINT: the worker writes its coverage and exits) and
// reads the counters jsfuzz keeps.
//
//   node driver.cjs TARGET.cjs SECONDS WORKDIR ARTIFACT MAX_INPUT_BYTES VERSIFIER(0|1) CORPUS_DIR [SEED_DIR...]
'use strict';

const { existsSync, mkdirSync, rmSync } = require('node:fs');
const { join, relative, resolve } = require('node:path');

const [targetArg, secondsArg, workdirArg, artifactArg, maxInputArg, versifierArg, ...dirs] = process.argv.slice(2);
const seconds = Number(secondsArg);
const workdir = resolve(workdirArg);
mkdirSync(workdir, { recursive: true });
rmSync(join(workdir, '.nyc_output'), { recursive: true, force: true }); // a previous run's coverage
for (const dir of dirs) mkdirSync(dir, { recursive: true });
// jsfuzz's worker requires the target by path.join(process.cwd(), target).
process.chdir(workdir);
const target = relative(workdir, resolve(targetArg));

// jsfuzz prints its progress lines on stdout: keep them on stderr, our stdout is the report.
const log = console.log;
console.log = (...args) => process.stderr.write(`${args.join(' ')}\n`);

const { Fuzzer } = require('jsfuzz/build/src/fuzzer');

const started = Date.now();
// (target, dirs, exactArtifactPath, rssLimitMb, timeout s, regression, onlyAscii, versifier)
// The versifier (jsfuzz's text generator, on by default in its CLI) is off: it ignores the
// input size limit (109 MB inputs were seen) and its model grows without bound in the parent
// process (a 4 GB heap after a minute on the DAP corpus).
const fuzzer = new Fuzzer(target, dirs, resolve(artifactArg), 2048, 10, false, false, versifierArg === '1');
fuzzer.corpus.maxInputSize = Number(maxInputArg);
const seeds = fuzzer.corpus.getLength();
let stopping = false;
let exitCode = null;
let exitSignal = null;
fuzzer.worker.on('exit', (code, signal) => {
  exitCode = code;
  exitSignal = signal;
  clearTimeout(timer);
  setTimeout(report, 50);
});
fuzzer.start();

const timer = setTimeout(() => {
  stopping = true;
  fuzzer.worker.kill('SIGINT');
  // A worker stuck in a native call never reads its next message: kill it after a grace time.
  setTimeout(() => fuzzer.worker.kill('SIGKILL'), 15_000).unref();
}, seconds * 1000);

function report() {
  const crashed = !stopping || (exitCode !== 0 && exitCode !== null) || (exitSignal !== null && exitSignal !== 'SIGINT');
  const result = {
    target: targetArg,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    executions: fuzzer.total_executions,
    coverage: fuzzer.total_coverage,
    corpus: fuzzer.corpus.getLength(),
    seeds,
    crashed,
    artifact: crashed && existsSync(resolve(artifactArg)) ? resolve(artifactArg) : undefined,
    workerExit: { code: exitCode, signal: exitSignal },
    coverageFile: join(workdir, '.nyc_output', 'cov.json'),
  };
  log(JSON.stringify(result));
  process.exit(crashed ? 1 : 0);
}
