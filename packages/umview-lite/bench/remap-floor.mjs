// How far remap mode is from what the kernel allows, on the race bench's gcc loop (20 ×
// `gcc -c hello.c`): timed natively, under a minimal C tracer that stops at exactly the calls
// umview-lite's filter stops (the path syscalls, getcwd, fchdir) and only reads each path
// (bench/remap-floor.c: GET_SYSCALL_INFO, one process_vm_readv, CONT per stop — no path
// virtualizer can do less), under the same loop written in JavaScript on koffi with none of
// umview's layers (bench/remap-floor-js.mjs: what Node itself costs), and under umview-lite
// remap with the paths through /unreal.
// Pinned to one CPU, interleaved, medians; the stop counts of the floor and of umview-lite are
// printed side by side, so that the two are seen to do the same number of stops.
// --workload ls: `ls -laR /usr/share/doc` (--ls-tree) instead, whose paths all go through
// /unreal and are rewritten: the floors then do the least a remap must do to each
// (REMAP_FLOOR_PREFIX=/unreal: the path without the prefix below the stack, one write and one
// PTRACE_POKEUSER), and the seccomp-accelerated PRoot (--proot-seccomp PATH or PROOT_SECCOMP,
// built from proot-me/proot in a scratch folder) is timed beside them when given.
//   npm run remap-floor -w @umview/umview-lite -- [--runs 5] [--json] [--workload gcc|ls]
//     [--ls-tree DIR] [--proot-seccomp PATH]
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

const args = parseArgs(process.argv.slice(2), { runs: 5, workload: 'gcc', 'ls-tree': '/usr/share/doc', 'proot-seccomp': process.env.PROOT_SECCOMP ?? '' });
if (args.workload !== 'gcc' && args.workload !== 'ls') throw new Error(`--workload is gcc or ls, not ${args.workload}`);
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

const lsTree = String(args['ls-tree']);
const ls = (at) => ['sh', '-c', `ls -laR ${at}${lsTree} >/dev/null`];
const jsFloor = fileURLToPath(new URL('./remap-floor-js.mjs', import.meta.url));
const prootSeccomp = String(args['proot-seccomp']);
const rewriting = { REMAP_FLOOR_PREFIX: '/unreal' };
// Node started as umview-lite's executable starts it (nodeEnv), so that the floor is Node's
// own price and not that of an environment variable.
const rows = args.workload === 'gcc' ? [
  { name: 'native', argv: loop(dir) },
  { name: 'C tracer (floor)', argv: [floor, stopped, ...loop(dir)] },
  { name: 'JS tracer, no layers (Node floor)', argv: [process.execPath, jsFloor, stopped, ...loop(dir)], env: nodeEnv },
  { name: 'umview-lite remap', argv: [umviewLite, '-m', 'unreal,mode=remap', '--stats', '--', ...loop(`/unreal${dir}`)] },
] : [
  { name: 'native', argv: ls('') },
  { name: 'C tracer, rewriting (floor)', argv: [floor, stopped, ...ls('/unreal')], env: { ...benchEnv, ...rewriting } },
  { name: 'JS tracer, rewriting, no layers (Node floor)', argv: [process.execPath, jsFloor, stopped, ...ls('/unreal')], env: { ...nodeEnv, ...rewriting } },
  { name: 'umview-lite remap', argv: [umviewLite, '-m', 'unreal,mode=remap', '--stats', '--', ...ls('/unreal')] },
  ...(prootSeccomp ? [{ name: 'PRoot, seccomp', argv: [prootSeccomp, '-b', '/:/unreal', ...ls('/unreal')] }] : []),
];
if (args.workload === 'ls' && !prootSeccomp) process.stderr.write('remap-floor: no seccomp PRoot given (--proot-seccomp PATH or PROOT_SECCOMP=PATH): its row is left out\n');

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
const title = args.workload === 'gcc' ? '20 × gcc -c hello.c' : `ls -laR ${lsTree} (through /unreal; natively, the host path)`;
printTable(`${title}, every path call stopped: pinned to CPU ${process.env.UMVIEW_BENCH_CPU}, median of ${args.runs}`, [
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
  ...(rows[4] ? { prootSeccompSeconds: median(samples[4]), prootSeccompRatio: Number((median(samples[4]) / nativeSeconds).toFixed(3)), umviewOverProotSeccomp: Number((umviewSeconds / median(samples[4])).toFixed(3)) } : {}),
};
console.log(`\numview-lite remap over the C floor: ${result.umviewOverFloor} ×, over the JS floor: ${result.umviewOverJsFloor} ×; the floors themselves are ${result.cFloorRatio} × and ${result.jsFloorRatio} × native.`);
if (result.prootSeccompSeconds !== undefined) console.log(`The seccomp PRoot is ${result.prootSeccompRatio} × native; umview-lite is ${result.umviewOverProotSeccomp} × it.`);
if (args.json) console.log(JSON.stringify(result));
