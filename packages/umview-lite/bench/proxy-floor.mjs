// How far proxy mode's data path is from what the kernel allows: `dd bs=4k` of a file (the
// seed table's cp-2006 workload) timed natively, with its reads served by a minimal C tracer
// (bench/proxy-floor.c: one seccomp stop, one pread, one process_vm_writev, GETREGS + SETREGS,
// CONT per read — no tracer can do less per served read), and under umview-lite with the file
// opened through /unreal in proxy mode, in each design of the data path (issue 24): stop per
// call (`--data-path=stop`, what the C floor bounds) and the default kernel data path (the reads
// run in the kernel on the file the monitor opened, no stop: the floor of the first design is no
// floor of this one). Pinned to one CPU, interleaved, medians.
//   npm run proxy-floor -w @umview/umview-lite -- [--mib 256] [--runs 5] [--json] [--data-paths kernel,stop]
// Last line with --json: { "nativeSeconds", "cFloorSeconds", "umviewSeconds", "cFloorRatio",
// "umviewRatio", "umviewOverFloor", "umviewKernelSeconds", "umviewKernelRatio",
// "umviewKernelOverFloor" } (umview*: stop per call; umviewKernel*: the kernel data path; a
// design left out by --data-paths is null)
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC } from '@umview/test-fixtures';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';
import { benchEnv, requireBuilt, umviewLite } from './executable.mjs';

const args = parseArgs(process.argv.slice(2), { mib: 256, runs: 5, 'data-paths': 'kernel,stop' });
const designs = String(args['data-paths']).split(',').filter(Boolean);
for (const d of designs) if (d !== 'kernel' && d !== 'stop') throw new Error(`unknown --data-paths ${d} (have: kernel, stop)`);
ensurePinned(import.meta.url);

requireBuilt('proxy-floor');
const floor = compileC(fileURLToPath(new URL('./proxy-floor.c', import.meta.url)), { flags: ['-O2'] });

const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'umview-floor-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
const source = join(dir, 'source');
const dest = join(dir, 'dest');
const chunk = Buffer.alloc(1 << 20);
for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
const fd = openSync(source, 'w');
for (let i = 0; i < args.mib; i++) writeSync(fd, chunk);
closeSync(fd);

const dd = ['dd', `of=${dest}`, 'bs=4k', 'status=none'];
const proxy = (flags) => [umviewLite, ...flags, '-m', 'unreal,mode=proxy', '--', ...dd, `if=/unreal${source}`];
const rows = [
  { name: 'native', argv: [...dd, `if=${source}`] },
  { name: 'C tracer (floor)', argv: [floor, source, ...dd] },
  { name: 'umview-lite proxy, stop per call', design: 'stop', argv: proxy(['--data-path=stop']) },
  { name: 'umview-lite proxy, kernel data path', design: 'kernel', argv: proxy([]) },
].filter((row) => !row.design || designs.includes(row.design));

function time(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: benchEnv });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (status ${r.status}): ${r.stderr}`);
  // Every configuration must have copied the whole file.
  const cmp = spawnSync('cmp', [source, dest]);
  if (cmp.status !== 0) throw new Error(`${argv.join(' ')}: the copy differs from the source`);
  rmSync(dest, { force: true });
  return seconds;
}

const samples = rows.map(() => []);
for (let run = 0; run < args.runs; run++) rows.forEach((row, i) => samples[i].push(time(row.argv)));
const seconds = rows.map((_, i) => median(samples[i]));
const [nativeSeconds, cFloorSeconds] = seconds;
printTable(`dd bs=4k of ${args.mib} MiB, reads served by a tracer: pinned to CPU ${process.env.UMVIEW_BENCH_CPU}, median of ${args.runs}`, [
  ['configuration', 'seconds', 'ratio to native', 'ratio to the C floor', 'µs per 4 KiB read'],
  ...rows.map((row, i) => [
    row.name, seconds[i].toFixed(3), (seconds[i] / nativeSeconds).toFixed(2), (seconds[i] / cFloorSeconds).toFixed(2),
    ((seconds[i] * 1e6) / (args.mib * 256)).toFixed(2),
  ]),
]);
const of = (design) => {
  const i = rows.findIndex((row) => row.design === design);
  return i < 0 ? undefined : seconds[i];
};
const ratio = (a, b) => (a === undefined ? null : Number((a / b).toFixed(3)));
const stopSeconds = of('stop');
const kernelSeconds = of('kernel');
const result = {
  nativeSeconds,
  cFloorSeconds,
  umviewSeconds: stopSeconds ?? null,
  cFloorRatio: ratio(cFloorSeconds, nativeSeconds),
  umviewRatio: ratio(stopSeconds, nativeSeconds),
  umviewOverFloor: ratio(stopSeconds, cFloorSeconds),
  umviewKernelSeconds: kernelSeconds ?? null,
  umviewKernelRatio: ratio(kernelSeconds, nativeSeconds),
  umviewKernelOverFloor: ratio(kernelSeconds, cFloorSeconds),
};
console.log('');
if (stopSeconds !== undefined) console.log(`umview-lite, stop per call: ${result.umviewOverFloor} × the C floor; the floor itself is ${result.cFloorRatio} × native.`);
if (kernelSeconds !== undefined) console.log(`umview-lite, kernel data path: ${result.umviewKernelRatio} × native, ${result.umviewKernelOverFloor} × the C floor of a stop per read.`);
if (args.json) console.log(JSON.stringify(result));
