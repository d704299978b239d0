// How far remap mode is from what the kernel allows, on the race bench's gcc loop (20 ×
// `gcc -c hello.c`): timed natively, under a minimal C tracer that stops at exactly the calls
// umview-lite's filter stops (the path syscalls, getcwd, fchdir) and only reads each path
// (bench/remap-floor.c: GET_SYSCALL_INFO, one process_vm_readv, CONT per stop — no path
// virtualizer can do less), under the same loop written in JavaScript on koffi with none of
// umview's layers (bench/remap-floor-js.mjs: what Node itself costs), and under umview-lite
// remap with the paths through /unreal.
// Pinned to one CPU, interleaved, medians; the stop counts of the floor and of umview-lite are
// printed side by side, so that the two are seen to do the same number of stops.
// --workload ls: `ls -laR /usr/share/doc` (--ls-tree) instead, and --workload forkexec: the race
// bench's 1000 × fork+exec of /bin/true from a shell loop; their paths all go through /unreal
// and are rewritten: the floors then do the least a remap must do to each
// (REMAP_FLOOR_PREFIX=/unreal: the path without the prefix below the stack, one write and one
// PTRACE_POKEUSER), and the seccomp-accelerated PRoot (--proot-seccomp PATH or PROOT_SECCOMP,
// built from proot-me/proot in a scratch folder) is timed beside them when given.
// Each configuration is also timed on `sh -c true`, and the table gives its time less that
// start-up (and, beside PRoot, the ratio the race bench gives): Node starts in ~50 ms, PRoot in 5.
// --monitor cold (the default: a monitor per command, as the floors are a program per run) or
// served (umview-lite's runs handed to a warm monitor the bench starts, as in a terminal).
//   npm run remap-floor -w @umview/umview-lite -- [--runs 5] [--json] [--workload gcc|ls|forkexec]
//     [--ls-tree DIR] [--proot-seccomp PATH] [--monitor cold|served]
// Last line with --json: { "nativeSeconds", "cFloorSeconds", "jsFloorSeconds", "umviewSeconds",
// "cFloorRatio", "jsFloorRatio", "umviewRatio", "umviewOverFloor", "umviewOverJsFloor",
// "cFloorStops", "jsFloorStops", "umviewStops", "lessStartUpSeconds": { configuration: s } }
// and, with PRoot, "prootSeccompSeconds", "umviewOverProotSeccomp",
// "umviewOverProotSeccompLessStartUp", "jsFloorOverProotSeccompLessStartUp"
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syscallNumber } from '@umview/ptrace-core';
import { CWD_SYSCALLS, PATH_SYSCALLS } from '@umview/umview-lite';
import { compileC } from '@umview/test-fixtures';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';
import { benchEnv, monitorEnv, nodeEnv, requireBuilt, umviewLite } from './executable.mjs';

const args = parseArgs(process.argv.slice(2), { runs: 5, workload: 'gcc', 'ls-tree': '/usr/share/doc', 'proot-seccomp': process.env.PROOT_SECCOMP ?? '', monitor: 'cold' });
if (!['gcc', 'ls', 'forkexec'].includes(String(args.workload))) throw new Error(`--workload is gcc, ls or forkexec, not ${args.workload}`);
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
const forkexec = (at) => ['sh', '-c', `i=0; while [ $i -lt 1000 ]; do ${at}/bin/true; i=$((i+1)); done`];
const jsFloor = fileURLToPath(new URL('./remap-floor-js.mjs', import.meta.url));
const prootSeccomp = String(args['proot-seccomp']);
// gcc: the floors read the paths the loop names on the host, umview-lite's go through /unreal;
// ls and forkexec: every path goes through /unreal, and the floors rewrite it too.
const rewrites = args.workload !== 'gcc';
const workload = { gcc: (at) => loop(`${at}${dir}`), ls, forkexec }[String(args.workload)];
const traced = rewrites ? '/unreal' : '';
const rewriting = rewrites ? { REMAP_FLOOR_PREFIX: '/unreal' } : {};
const umviewEnv = await monitorEnv(String(args.monitor), benchEnv);
// Each configuration runs the workload and, for its start-up, `sh -c true` (its time in the
// same run is taken off for "less start-up"). Node started as umview-lite's executable starts
// it (nodeEnv), so that the floor is Node's own price and not that of an environment variable.
const rows = [
  { name: 'native', argv: (cmd) => cmd, at: '' },
  { name: `C tracer${rewrites ? ', rewriting' : ''} (floor)`, argv: (cmd) => [floor, stopped, ...cmd], at: traced, env: { ...benchEnv, ...rewriting } },
  { name: `JS tracer${rewrites ? ', rewriting' : ''}, no layers (Node floor)`, argv: (cmd) => [process.execPath, jsFloor, stopped, ...cmd], at: traced, env: { ...nodeEnv, ...rewriting } },
  { name: `umview-lite remap${args.monitor === 'served' ? ', served' : ''}`, argv: (cmd) => [umviewLite, '-m', 'unreal,mode=remap', '--stats', '--', ...cmd], at: '/unreal', env: umviewEnv },
  ...(prootSeccomp && rewrites ? [{ name: 'PRoot, seccomp', argv: (cmd) => [prootSeccomp, '-b', '/:/unreal', ...cmd], at: '/unreal' }] : []),
];
if (rewrites && !prootSeccomp) process.stderr.write('remap-floor: no seccomp PRoot given (--proot-seccomp PATH or PROOT_SECCOMP=PATH): its row is left out\n');
const START_UP = ['sh', '-c', 'true'];

function time(argv, env = benchEnv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (status ${r.status}): ${r.stderr}`);
  const stops = /^stops (\d+)\b/m.exec(r.stderr)?.[1] ?? /ptrace stops\s+(\d+)/.exec(r.stderr)?.[1];
  return { seconds, stops: stops === undefined ? undefined : Number(stops) };
}

rows.forEach((row) => time(row.argv(workload(row.at)), row.env)); // warm-up: page cache, code cache
const samples = rows.map(() => []);
const startUps = rows.map(() => []);
const stops = rows.map(() => undefined);
for (let run = 0; run < args.runs; run++) {
  rows.forEach((row, i) => {
    const r = time(row.argv(workload(row.at)), row.env);
    samples[i].push(r.seconds);
    stops[i] = r.stops;
    startUps[i].push(time(row.argv(START_UP), row.env).seconds);
  });
}
const [nativeSeconds, cFloorSeconds, jsFloorSeconds, umviewSeconds] = samples.map(median);
/** Each configuration's time less its own start-up (its `sh -c true` in this run). */
const lessStartUp = rows.map((_, i) => median(samples[i]) - median(startUps[i]));
const proot = rows.findIndex((row) => row.name === 'PRoot, seccomp');
const title = {
  gcc: '20 × gcc -c hello.c',
  ls: `ls -laR ${lsTree} (through /unreal; natively, the host path)`,
  forkexec: '1000 × fork+exec of /bin/true from a shell loop (through /unreal; natively, the host path)',
}[String(args.workload)];
printTable(`${title}, every path call stopped: pinned to CPU ${process.env.UMVIEW_BENCH_CPU}, median of ${args.runs}; umview-lite's monitor ${args.monitor}`, [
  ['configuration', 'seconds', 'ratio to native', 'stops', 'less start-up', ...(proot >= 0 ? ['less start-up ÷ PRoot'] : [])],
  ...rows.map((row, i) => [
    row.name, median(samples[i]).toFixed(3), (median(samples[i]) / nativeSeconds).toFixed(2), stops[i] ?? '-', lessStartUp[i].toFixed(3),
    ...(proot >= 0 ? [(lessStartUp[i] / lessStartUp[proot]).toFixed(2)] : []),
  ]),
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
  lessStartUpSeconds: Object.fromEntries(rows.map((row, i) => [row.name, Number(lessStartUp[i].toFixed(4))])),
  ...(proot >= 0 ? {
    prootSeccompSeconds: median(samples[proot]),
    prootSeccompRatio: Number((median(samples[proot]) / nativeSeconds).toFixed(3)),
    umviewOverProotSeccomp: Number((umviewSeconds / median(samples[proot])).toFixed(3)),
    umviewOverProotSeccompLessStartUp: Number((lessStartUp[3] / lessStartUp[proot]).toFixed(3)),
    jsFloorOverProotSeccompLessStartUp: Number((lessStartUp[2] / lessStartUp[proot]).toFixed(3)),
  } : {}),
};
console.log(`\numview-lite remap over the C floor: ${result.umviewOverFloor} ×, over the JS floor: ${result.umviewOverJsFloor} ×; the floors themselves are ${result.cFloorRatio} × and ${result.jsFloorRatio} × native.`);
if (result.prootSeccompSeconds !== undefined) console.log(`The seccomp PRoot is ${result.prootSeccompRatio} × native; umview-lite is ${result.umviewOverProotSeccomp} × it.`);
if (args.json) console.log(JSON.stringify(result));
