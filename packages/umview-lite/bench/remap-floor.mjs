// How far remap mode is from what the kernel allows, on the race bench's gcc loop (20 ×
// `gcc -c hello.c`): timed natively, under a minimal C tracer that stops at exactly the calls
// umview-lite's filter stops (the path syscalls, getcwd, fchdir) and only reads each path
// (bench/remap-floor.c: GET_SYSCALL_INFO, one process_vm_readv, CONT per stop — no path
// virtualizer can do less), under the same loop written in JavaScript on koffi with none of
// umview's layers (bench/remap-floor-js.mjs: what Node itself costs), and under umview-lite
// remap with the paths through /unreal.
// Pinned to one CPU, interleaved, medians; the stop counts of the floor and of umview-lite are
// printed side by side, so that the two are seen to do the same number of stops.
//   npm run remap-floor -w @umview/umview-lite -- [--runs 5] [--json]
// Last line with --json: { "nativeSeconds", "cFloorSeconds", "jsFloorSeconds", "umviewSeconds",
// "cFloorRatio", "jsFloorRatio", "umviewRatio", "umviewOverFloor", "umviewOverJsFloor",
// "cFloorStops", "jsFloorStops", "umviewStops" }
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syscallNumber } from '@umview/ptrace-core';
import { CWD_SYSCALLS, PATH_SYSCALLS } from '@umview/umview-lite';
import { compileC } from '@umview/test-fixtures';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';
import { benchEnv, nodeEnv, requireBuilt, umviewLite } from './executable.mjs';

const args = parseArgs(process.argv.slice(2), { runs: 5 });
ensurePinned(import.meta.url);

requireBuilt('remap-floor');
const floor = compileC(fileURLToPath(new URL('./remap-floor.c', import.meta.url)), { flags: ['-O2'] });

// The calls umview-lite's filter stops in remap mode, each with its first path argument.
const stopped = [
  ...Object.entries(PATH_SYSCALLS).map(([name, paths]) => [name, paths[0]?.arg ?? -1]),
  ...CWD_SYSCALLS.map((name) => [name, -1]),
]
  .map(([name, arg]) => [syscallNumber(name), arg])
  .filter(([nr]) => nr !== undefined)
  .map(([nr, arg]) => `${nr}:${arg}`)
  .join(',');

const dir = mkdtempSync(join(tmpdir(), 'umview-remap-floor-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
writeFileSync(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n');
const loop = (at) => ['sh', '-c', `cd ${at} && for i in $(seq 20); do gcc -c hello.c -o hello.o; done`];

const rows = [
  { name: 'native', argv: loop(dir) },
  { name: 'C tracer (floor)', argv: [floor, stopped, ...loop(dir)] },
  // Node started as umview-lite's executable starts it (nodeEnv), so that the floor is Node's
  // own price and not that of an environment variable.
  { name: 'JS tracer, no layers (Node floor)', argv: [process.execPath, fileURLToPath(new URL('./remap-floor-js.mjs', import.meta.url)), stopped, ...loop(dir)], env: nodeEnv },
  { name: 'umview-lite remap', argv: [umviewLite, '-m', 'unreal,mode=remap', '--stats', '--', ...loop(`/unreal${dir}`)] },
];

function time(argv, env = benchEnv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (status ${r.status}): ${r.stderr}`);
  const stops = /^stops (\d+)\b/m.exec(r.stderr)?.[1] ?? /ptrace stops\s+(\d+)/.exec(r.stderr)?.[1];
  return { seconds, stops: stops === undefined ? undefined : Number(stops) };
}

rows.forEach((row) => time(row.argv, row.env)); // warm-up: page cache, code cache
const samples = rows.map(() => []);
const stops = rows.map(() => undefined);
for (let run = 0; run < args.runs; run++) {
  rows.forEach((row, i) => {
    const r = time(row.argv, row.env);
    samples[i].push(r.seconds);
    stops[i] = r.stops;
  });
}
const [nativeSeconds, cFloorSeconds, jsFloorSeconds, umviewSeconds] = samples.map(median);
printTable(`20 × gcc -c hello.c, every path call stopped: pinned to CPU ${process.env.UMVIEW_BENCH_CPU}, median of ${args.runs}`, [
  ['configuration', 'seconds', 'ratio to native', 'stops'],
  ...rows.map((row, i) => [row.name, median(samples[i]).toFixed(3), (median(samples[i]) / nativeSeconds).toFixed(2), stops[i] ?? '-']),
]);
const result = {
  nativeSeconds,
  cFloorSeconds,
  jsFloorSeconds,
  umviewSeconds,
  cFloorRatio: Number((cFloorSeconds / nativeSeconds).toFixed(3)),
  jsFloorRatio: Number((jsFloorSeconds / nativeSeconds).toFixed(3)),
  umviewRatio: Number((umviewSeconds / nativeSeconds).toFixed(3)),
  umviewOverFloor: Number((umviewSeconds / cFloorSeconds).toFixed(3)),
  umviewOverJsFloor: Number((umviewSeconds / jsFloorSeconds).toFixed(3)),
  cFloorStops: stops[1],
  jsFloorStops: stops[2],
  umviewStops: stops[3],
};
console.log(`\numview-lite remap over the C floor: ${result.umviewOverFloor} ×, over the JS floor: ${result.umviewOverJsFloor} ×; the floors themselves are ${result.cFloorRatio} × and ${result.jsFloorRatio} × native.`);
if (args.json) console.log(JSON.stringify(result));
