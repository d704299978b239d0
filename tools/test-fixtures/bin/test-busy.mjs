#!/usr/bin/env node
// npm run test:busy [-- -p ptrace-core,sysvm]: the test suites on a busy machine, as on a shared
// CI runner: every test process pinned to one CPU, beside a CPU-bound process pinned to the
// same CPU, so that each tracer and tracee gets about half of one core. A test that only passes
// on an idle machine (a sleep that is long enough there, a deadline) fails here.
//
// Without -p, every package's tests; with -p, the named nx projects. The busy process is ended
// however the run ends.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const args = process.argv.slice(2);
const cpu = process.env.UMVIEW_BUSY_CPU ?? String(availableParallelism() > 1 ? 1 : 0);

// The competitor: a pure CPU loop, at the same priority as the tests.
const hog = spawn('taskset', ['-c', cpu, process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' });
const stopHog = () => {
  if (hog.exitCode === null && hog.signalCode === null) hog.kill('SIGKILL');
};
process.on('exit', stopHog);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopHog();
    process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[signal]);
  });
}

const projects = args.length > 0 ? args : [];
const nx = ['nx', 'run-many', '-t', 'test', '--outputStyle=stream', ...projects];
console.log(`test:busy: on CPU ${cpu}, beside a CPU-bound process (pid ${hog.pid}): npx ${nx.join(' ')}`);
const run = spawnSync('taskset', ['-c', cpu, 'npx', ...nx], { stdio: 'inherit', env: { ...process.env, UMVIEW_BUSY: '1' } });
stopHog();
process.exit(run.status ?? 1);
