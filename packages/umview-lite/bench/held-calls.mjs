// Held calls, timed (issue 23: "show that the cost per stop does not rise").
//
// 1. What one stop costs the monitor's loop when no call is held: CALLS raw getppid calls, each
//    stopped and answered by a module (skip), under this build's CLI and under another build's
//    (--base-cli: e.g. main's, built into a scratch dist), interleaved; and the race bench's gcc
//    loop (20 × gcc -c hello.c, paths through /unreal, -m unreal) under both.
// 2. What a held call's round trip costs: the same calls, each held by the module
//    (context.hold) with an answer ready at once (a resolved promise), and with one that needs
//    a turn of the event loop (setImmediate, as a file read's callback would).
// Both also in this process, through the library's run() (no CLI start-up, no launcher).
// Per call: (median time - median native time) / CALLS. Pinned to one CPU, medians; the two
// builds' rows alternate which runs first. Beside the wall time, the CPU time of the command
// and its children (user + system, from /proc/self/stat's cutime and cstime, 10 ms ticks):
// less sensitive than the wall time to the other work of a shared machine.
//   node bench/held-calls.mjs [--runs 9] [--calls 100000] [--base-cli DIST/cli.cjs]
//     [--only compare] [--json]
// --only compare: only the rows that compare the two builds (and their native baselines).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC } from '@umview/test-fixtures';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';
import { nodeEnv, requireBuilt } from './executable.mjs';

const args = parseArgs(process.argv.slice(2), { runs: 9, calls: 100000, 'base-cli': '', only: '' });
ensurePinned(import.meta.url);
requireBuilt('held-calls');

const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const baseCli = String(args['base-cli']);
const { run } = await import('@umview/umview-lite');
const workload = compileC(fileURLToPath(new URL('./held-calls-workload.c', import.meta.url)), { flags: ['-O2'] });
const calls = Number(args.calls);

const dir = mkdtempSync(join(tmpdir(), 'umview-held-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
writeFileSync(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n');

// The module: `answer=skip` decides each call at its stop; `held` holds it with an answer
// ready at once; `held-turn` with one that comes after a turn of the event loop. The same
// source is the module file the CLI loads and the factory the in-process runs use.
const moduleSource = `(options) => ({
  name: 'answer', syscalls: ['getppid'],
  handleSyscall(call, context) {
    if (call.args[0] !== 4242n) return false;
    const finish = (outcome) => call.skip(outcome.ok ? outcome.value : -5);
    if (options.answer === 'held') context.hold(call, Promise.resolve(1), finish);
    else if (options.answer === 'held-turn') context.hold(call, new Promise((resolve) => setImmediate(() => resolve(1))), finish);
    else call.skip(1);
    return true;
  },
})`;
const moduleFile = join(dir, 'answer.mjs');
writeFileSync(moduleFile, `export default ${moduleSource};\n`);
const answerModule = (0, eval)(moduleSource);

const callsArgv = [workload, String(calls)];
const gccLoop = ['sh', '-c', `cd /unreal${dir} && for i in $(seq 20); do gcc -c hello.c -o hello.o; done`];
const builds = [{ name: 'this build', cli }, ...(baseCli ? [{ name: 'base build', cli: baseCli }] : [])];
const allRows = [
  { key: 'native', name: 'native', argv: callsArgv, expect: null },
  ...builds.map((b) => ({ key: `stop:${b.name}`, name: `stop answered at once (${b.name})`, argv: [process.execPath, b.cli, '-m', `${moduleFile},answer=skip`, '--', ...callsArgv], expect: `${calls}\n` })),
  { key: 'held', name: 'held, answer ready (this build)', argv: [process.execPath, cli, '-m', `${moduleFile},answer=held`, '--', ...callsArgv], expect: `${calls}\n` },
  { key: 'held-turn', name: 'held, answer after a loop turn (this build)', argv: [process.execPath, cli, '-m', `${moduleFile},answer=held-turn`, '--', ...callsArgv], expect: `${calls}\n` },
  ...['skip', 'held', 'held-turn'].map((answer) => ({ key: `in-process:${answer}`, name: `in process: ${answer === 'skip' ? 'stop answered at once' : answer === 'held' ? 'held, answer ready' : 'held, answer after a loop turn'}`, argv: callsArgv, inProcess: answer, expect: `${calls}\n` })),
  { key: 'gcc-native', name: '20 × gcc -c, native', argv: ['sh', '-c', `cd ${dir} && for i in $(seq 20); do gcc -c hello.c -o hello.o; done`], expect: null },
  ...builds.map((b) => ({ key: `start:${b.name}`, name: `/bin/true, -m unreal: start-up (${b.name})`, argv: [process.execPath, b.cli, '-m', 'unreal', '--', '/bin/true'], expect: null })),
  ...builds.map((b) => ({ key: `gcc:${b.name}`, name: `20 × gcc -c, -m unreal (${b.name})`, argv: [process.execPath, b.cli, '-m', 'unreal', '--stats', '--', ...gccLoop], expect: null })),
];
const COMPARED = /^(native|gcc-native|stop:|start:|gcc:)/;
const rows = args.only === 'compare' ? allRows.filter((row) => COMPARED.test(row.key)) : allRows;

/** CPU seconds this process's waited-for children used so far (cutime + cstime). */
const TICK = 100;
function childrenCpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICK;
}

async function time(row) {
  if (row.inProcess) {
    const out = join(dir, 'out');
    const t0 = process.hrtime.bigint();
    const result = await run(row.argv, { modules: [answerModule({ answer: row.inProcess })], spawn: { stdout: { path: out } } });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const printed = readFileSync(out, 'utf8');
    if (result.exitStatus !== 0 || printed !== row.expect) throw new Error(`${row.name}: status ${result.exitStatus}, printed ${JSON.stringify(printed)}`);
    return { seconds, cpu: Number.NaN, stops: undefined };
  }
  const cpu0 = childrenCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(row.argv[0], row.argv.slice(1), { encoding: 'utf8', env: nodeEnv, maxBuffer: 1 << 24 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = childrenCpu() - cpu0;
  if (r.status !== 0) throw new Error(`${row.argv.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  if (row.expect !== null && r.stdout !== row.expect) throw new Error(`${row.name}: printed ${JSON.stringify(r.stdout)}, not ${JSON.stringify(row.expect)}`);
  const stops = /ptrace stops\s+(\d+)/.exec(r.stderr)?.[1];
  return { seconds, cpu, stops: stops === undefined ? undefined : Number(stops) };
}

process.stderr.write(`held-calls: ${args.runs} runs of ${rows.length} configurations, ${calls} calls, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}\n`);
for (const row of rows) await time(row); // warm-up: page cache, compile cache, JIT
const samples = rows.map(() => []);
const cpuSamples = rows.map(() => []);
const stops = rows.map(() => undefined);
/** Run i's order: every other run, each pair of the two builds' rows swapped. */
const order = (i) => {
  const indices = rows.map((_, r) => r);
  if (i % 2 === 0) return indices;
  for (let r = 0; r + 1 < indices.length; r++) {
    if (rows[r].key.endsWith(':this build') && rows[r + 1].key.endsWith(':base build')) [indices[r], indices[r + 1]] = [indices[r + 1], indices[r]];
  }
  return indices;
};
for (let i = 0; i < args.runs; i++) {
  for (const r of order(i)) {
    const { seconds, cpu, stops: count } = await time(rows[r]);
    samples[r].push(seconds);
    cpuSamples[r].push(cpu);
    stops[r] = count;
  }
}
const med = Object.fromEntries(rows.map((row, i) => [row.key, median(samples[i])]));
const medCpu = Object.fromEntries(rows.map((row, i) => [row.key, median(cpuSamples[i])]));
const perCall = (key) => ((med[key] - med.native) / calls) * 1e6;
const isCalls = (row) => row.argv.includes(workload) && row.key !== 'native';
const perStop = (key, i) => (stops[i] ? ((med[key] - med['gcc-native']) / stops[i]) * 1e6 : undefined);
printTable(`held calls: median of ${args.runs}, interleaved, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}; ${calls} calls per run`, [
  ['configuration', 'seconds', 'CPU seconds', 'µs per call over native', 'stops', 'µs per stop over native'],
  ...rows.map((row, i) => {
    const stop = row.key.startsWith('gcc:') ? perStop(row.key, i) : undefined;
    return [row.name, med[row.key].toFixed(3), Number.isNaN(medCpu[row.key]) ? '-' : medCpu[row.key].toFixed(2), isCalls(row) ? perCall(row.key).toFixed(2) : '-', stops[i] ?? '-', stop === undefined ? '-' : stop.toFixed(2)];
  }),
]);
if (args.json) {
  console.log(JSON.stringify({
    calls,
    seconds: med,
    cpuSeconds: medCpu,
    perCallMicroseconds: Object.fromEntries(rows.filter(isCalls).map((r) => [r.key, Number(perCall(r.key).toFixed(3))])),
    gccStops: Object.fromEntries(rows.map((r, i) => [r.key, stops[i]]).filter(([, s]) => s !== undefined)),
  }));
}
