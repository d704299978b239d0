// umview-lite soak: the monitor runs a syscall-heavy workload (bench/soak-workload.c: opens,
// reads and writes through the proxy, renames, forks, vfork + exec, all under /unreal) for N
// minutes, while the monitor's resident memory (VmRSS), its open file descriptors and the
// workload's throughput are sampled at regular intervals. The verdicts the issue asks for:
// memory flat within 10% from the first warm sample to the last, no file descriptor growth, no
// slowdown (the last quarter's throughput within 10% of the first quarter's).
//   node bench/soak.mjs [--minutes 10] [--interval S] [--trace MODE] [--module SPEC] [--json]
// Last line with --json: one JSON object with the samples and the verdicts. Exit status 1 when
// a verdict fails (or the workload fails, or something is left behind).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC } from '@umview/test-fixtures';
import { parseArgs, printTable, soakVerdicts } from '@umview/test-fixtures/bench';

const args = parseArgs(process.argv.slice(2), { minutes: 10, interval: 0, trace: 'seccomp', module: 'unreal,mode=proxy' });
const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
if (!existsSync(cli)) {
  console.error(`soak: ${cli} is missing; build first (npx tsup in packages/umview-lite)`);
  process.exit(1);
}
const workload = compileC(fileURLToPath(new URL('./soak-workload.c', import.meta.url)), { flags: ['-O1'], name: 'soak-workload' });
const seconds = Math.max(5, args.minutes * 60);
const interval = args.interval > 0 ? args.interval : Math.max(2, Math.round(seconds / 20));

const root = mkdtempSync(join(tmpdir(), 'umview-soak-'));
const marker = `soak-${process.pid}`;
const dir = join(root, marker);
mkdirSync(dir);
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

const monitor = spawn(process.execPath, [cli, '-m', args.module, `--trace=${args.trace}`, '--', `/unreal${workload}`, `/unreal${dir}`, '/unreal/bin/true'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
let rounds = 0;
let stderr = '';
monitor.stdout.on('data', (chunk) => {
  for (const byte of chunk) if (byte === 10) rounds += 256;
});
monitor.stderr.on('data', (chunk) => {
  stderr += chunk;
});
const exited = new Promise((resolve) => monitor.once('exit', (code, signal) => resolve({ code, signal })));
// Its exit, and its output pipes closed: every process that shared them (the workload and all
// its children, which inherit its stdout) is gone too.
const closed = new Promise((resolve) => monitor.once('close', (code, signal) => resolve({ code, signal })));

function status(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'latin1');
  return { rssKiB: Number(/^VmRSS:\s*(\d+)/m.exec(text)[1]), threads: Number(/^Threads:\s*(\d+)/m.exec(text)[1]) };
}
const fds = (pid) => readdirSync(`/proc/${pid}/fd`).length;
/** Live processes whose command line carries the marker (the workload and its children). */
function tracees() {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === monitor.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(marker) && !/^Z/m.test(/^State:\s*(.)/m.exec(readFileSync(`/proc/${entry}/status`, 'latin1'))?.[1] ?? '')) count++;
    } catch {
      /* gone */
    }
  }
  return count;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const samples = [];
const started = performance.now();
let lastRounds = 0;
let lastTime = started;
// The first sample right away once the monitor is up: the workload has written its first line
// (or the monitor has ended).
await new Promise((resolve) => {
  monitor.stdout.on('data', () => rounds > 0 && resolve());
  monitor.once('exit', resolve);
});
process.stderr.write(`soak: ${seconds} s, a sample every ${interval} s (monitor pid ${monitor.pid})\n`);
for (;;) {
  const now = performance.now();
  const elapsed = (now - started) / 1000;
  if (monitor.exitCode !== null || monitor.signalCode !== null) break;
  const { rssKiB, threads } = status(monitor.pid);
  const sample = {
    t: Math.round(elapsed), rssKiB, fds: fds(monitor.pid), threads, tracees: tracees(),
    rounds, roundsPerSecond: samples.length === 0 ? 0 : Math.round((rounds - lastRounds) / ((now - lastTime) / 1000)),
  };
  samples.push(sample);
  if (!args.json) process.stderr.write(`  t=${sample.t}s rss=${(rssKiB / 1024).toFixed(1)} MiB fds=${sample.fds} tracees=${sample.tracees} rounds/s=${sample.roundsPerSecond}\n`);
  lastRounds = rounds;
  lastTime = now;
  if (elapsed >= seconds) break;
  await sleep(Math.min(interval, seconds - elapsed) * 1000);
}
// The end: SIGTERM is forwarded to the workload, which dies of it; nothing may be left. Waited
// for until the pipes close, i.e. until the monitor and everything that shared its output is
// gone; a bench must end, so after a minute (a hang: no machine is that slow) the monitor is
// killed and the verdict says so.
monitor.kill('SIGTERM');
const end = await Promise.race([closed, sleep(60_000).then(() => undefined)]);
if (end === undefined) {
  monitor.kill('SIGKILL');
  await exited;
}
const left = tracees();

const { first, last, verdicts: common } = soakVerdicts(samples, seconds, 'roundsPerSecond');
const verdicts = {
  ...common,
  workloadExit: end === undefined ? 'hung: killed' : `${end.code ?? end.signal}`,
  leftBehind: left,
};
const ok = verdicts.rssFlat && verdicts.fdsFlat && verdicts.noSlowdown && end !== undefined && end.code === 128 + 15 && left === 0 && stderr === '';

printTable(`umview-lite soak: ${args.minutes} min, -m ${args.module} --trace=${args.trace}, a sample every ${interval} s`, [
  ['t (s)', 'VmRSS (MiB)', 'fds', 'threads', 'tracees', 'rounds', 'rounds/s'],
  ...samples.map((s) => [s.t, (s.rssKiB / 1024).toFixed(1), s.fds, s.threads, s.tracees, s.rounds, s.roundsPerSecond]),
]);
console.log(`RSS ${(first.rssKiB / 1024).toFixed(1)} MiB at t=${first.t}s (${(samples[0].rssKiB / 1024).toFixed(1)} at t=0) -> ${(last.rssKiB / 1024).toFixed(1)} MiB at t=${last.t}s (${verdicts.rssGrowthPercent >= 0 ? '+' : ''}${verdicts.rssGrowthPercent}%: ${verdicts.rssFlat ? 'flat' : 'GROWS'}), fds ${verdicts.fdsStart} -> ${verdicts.fdsEnd} (${verdicts.fdsFlat ? 'no growth' : 'GROWTH'}), throughput last/first quarter ${verdicts.throughputRatio} (${verdicts.noSlowdown ? 'no slowdown' : 'SLOWDOWN'}), exit ${verdicts.workloadExit}, left behind ${left}${stderr ? `, stderr: ${stderr.trim()}` : ''}`);
if (args.json) console.log(JSON.stringify({ minutes: args.minutes, interval, trace: args.trace, module: args.module, samples, verdicts, ok }));
process.exit(ok ? 0 : 1);
