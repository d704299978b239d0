// The seed's table, today (the README's main job, `npm start`).
//
// Renzo Davoli's 2006 mail measured a virtualized `cp` of the linux-2.6.16 tarball on a G4:
// the unreal module with neither patch, with PTRACE_MULTI, with PTRACE_SYSVM too, umview with no
// module, and native. This runs the same configurations of umview-lite (the unreal module in
// proxy mode, where the data passes through the monitor as in 2006) on a test file for two
// workloads: `cp` (today's coreutils: copy_file_range, the data in the kernel) and `cp-2006`
// (`dd bs=4k`: 4 KiB read/write pairs, the 2006 cp's pattern, the data through the monitor).
// Pinned to one CPU, configurations interleaved, medians.
//   node bench/seed-table.mjs [--size 1G] [--runs 5] [--json] [--chart FILE] [--workloads cp,cp-2006]
//                             [--configs unreal/multi+sysvm+filter,...]
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';
import { benchEnv, requireBuilt, umviewLite } from './executable.mjs';
import { barChartSvg } from './svg-chart.mjs';

const args = parseArgs(process.argv.slice(2), { size: '1G', runs: 5, chart: '', workloads: 'cp,cp-2006', configs: '', slowSeconds: 10 });
ensurePinned(import.meta.url);

requireBuilt('seed-table');
const size = parseSize(String(args.size));
const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const dir = mkdtempSync(join(base, 'umview-seed-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

// The seed's figures (seconds) for the configurations it had.
const SEED = {
  native: 0.43,
  'unreal/no-multi/no-sysvm': 22.6,
  'unreal/multi': 1.85,
  'unreal/multi+sysvm': 1.26,
  'none/multi': 1.59,
  'none/multi+sysvm': 1.06,
};

const hasProot = spawnSync('sh', ['-c', 'command -v proot'], { encoding: 'utf8' }).status === 0;
const smallSize = Math.max(1 << 20, Math.floor(size / 32));

/** Every row: how to run it for a source path and a destination. */
function configurations(workload) {
  const cmd = (src, dst) => (workload === 'cp' ? ['cp', src, dst] : ['dd', `if=${src}`, `of=${dst}`, 'bs=4k', 'status=none']);
  const um = (flags, unreal) => (src, dst) => [umviewLite, ...flags, '--', ...cmd(unreal ? `/unreal${src}` : src, dst)];
  const rows = [
    { config: 'native', argv: (s, d) => cmd(s, d) },
    { config: 'unreal/no-multi/no-sysvm', argv: um(['-m', 'unreal,mode=proxy', '--trace=syscall', '--no-multi'], true), small: workload === 'cp-2006' },
    { config: 'unreal/multi', argv: um(['-m', 'unreal,mode=proxy', '--trace=syscall'], true) },
    { config: 'unreal/multi+sysvm', argv: um(['-m', 'unreal,mode=proxy', '--trace=seccomp-all'], true) },
    { config: 'unreal/multi+sysvm+filter', argv: um(['-m', 'unreal,mode=proxy'], true) },
    { config: 'none/multi', argv: um(['--trace=syscall'], false) },
    { config: 'none/multi+sysvm', argv: um(['--trace=seccomp-all'], false) },
    { config: 'none/multi+sysvm+filter', argv: um([], false) },
    { config: 'unreal-remap', argv: um(['-m', 'unreal,mode=remap'], true) },
  ];
  if (hasProot) rows.push({ config: 'proot', argv: (s, d) => ['proot', '-b', '/:/unreal', ...cmd(`/unreal${s}`, d)] });
  rows.push({ config: 'startup', argv: () => [umviewLite, '--', '/bin/true'], startup: true });
  // --configs a,b: only those rows (native is always kept: the ratios need it).
  const only = String(args.configs).split(',').filter(Boolean);
  return only.length === 0 ? rows : rows.filter((r) => r.config === 'native' || only.includes(r.config));
}

function makeFile(path, bytes) {
  // Not zeros (cp would find holes), not random (slow to make): a repeated pseudo-random MiB.
  const chunk = Buffer.alloc(1 << 20);
  let x = 0x2545f491;
  for (let i = 0; i < chunk.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    chunk[i] = x & 0xff;
  }
  const fd = openSync(path, 'w');
  for (let left = bytes; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, left));
  closeSync(fd);
}

function timeRun(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: benchEnv });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (status ${r.status}): ${r.stderr}`);
  return seconds;
}

const big = join(dir, 'source.bin');
const small = join(dir, 'source-small.bin');
const dest = join(dir, 'dest.bin');
process.stderr.write(`making a ${formatSize(size)} test file in ${dir}...\n`);
makeFile(big, size);
makeFile(small, smallSize);

const workloads = String(args.workloads).split(',');
const results = {};
for (const workload of workloads) {
  const rows = configurations(workload);
  const samples = new Map(rows.map((r) => [r.config, []]));
  const runsFor = new Map(rows.map((r) => [r.config, args.runs]));
  for (let run = 0; run < args.runs; run++) {
    for (const row of rows) {
      if (samples.get(row.config).length >= runsFor.get(row.config)) continue;
      const source = row.small ? small : big;
      const seconds = timeRun(row.argv(source, dest));
      rmSync(dest, { force: true });
      samples.get(row.config).push(seconds);
      if (run === 0 && seconds > args.slowSeconds) runsFor.set(row.config, Math.min(args.runs, 3));
      process.stderr.write(`${workload} run ${run + 1}: ${row.config} ${seconds.toFixed(3)} s\n`);
    }
  }
  const nativeSmall = rows.some((r) => r.small) ? median(Array.from({ length: 3 }, () => { const s = timeRun(configurations(workload)[0].argv(small, dest)); rmSync(dest, { force: true }); return s; })) : undefined;
  const nativeSec = median(samples.get('native'));
  const trueSec = median(Array.from({ length: 5 }, () => timeRun(['/bin/true'])));
  results[workload] = rows.map((row) => {
    const seconds = median(samples.get(row.config));
    const reference = row.startup ? trueSec : row.small ? nativeSmall : nativeSec;
    return {
      config: row.config,
      seconds: Number(seconds.toFixed(4)),
      ratio: Number((seconds / reference).toFixed(3)),
      runs: samples.get(row.config).length,
      ...(row.small ? { size: smallSize } : {}),
      ...(SEED[row.config] !== undefined ? { seedSeconds: SEED[row.config], seedRatio: Number((SEED[row.config] / SEED.native).toFixed(2)) } : {}),
    };
  });
}

for (const workload of workloads) {
  const title = `${workload === 'cp' ? 'cp /unreal/FILE DEST (copy_file_range)' : 'dd if=/unreal/FILE of=DEST bs=4k (the 2006 cp)'}: ${formatSize(size)}, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}, median of ${args.runs}`;
  printTable(title, [
    ['configuration', 'seconds', 'ratio', 'runs', '2006 seconds', '2006 ratio'],
    ...results[workload].map((r) => [
      r.config + (r.size ? ` (${formatSize(r.size)} file)` : ''),
      r.seconds.toFixed(3), r.config === 'startup' ? `${r.ratio} × /bin/true` : r.ratio.toFixed(2), r.runs,
      r.seedSeconds ?? '', r.seedRatio ?? '',
    ]),
  ]);
  console.log('');
}
console.log('2006 figures: G4 1 GHz, cp of the linux-2.6.16 tarball (Davoli, LKML, 18 May 2006). Ratios are to native in the same run;');
console.log('the startup row is `umview-lite -- /bin/true` against /bin/true; a row marked with a smaller file was timed on it and compared with native on it.');
if (args.chart) {
  writeFileSync(String(args.chart), barChartSvg({
    title: `umview-lite, the seed's table today (${formatSize(size)})`,
    groups: workloads.map((w) => ({ name: w, bars: results[w].map((r) => ({ label: r.config, value: r.seconds, seed: r.seedSeconds })) })),
  }));
  console.log(`chart written to ${args.chart}`);
}
if (args.json) console.log(JSON.stringify({ workloads: Object.fromEntries(workloads.map((w) => [w, { rows: results[w] }])) }));

function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)i?B?$/i.exec(text);
  if (!m) throw new Error(`bad --size ${text} (e.g. 256M, 1G)`);
  return Math.round(Number(m[1]) * { '': 1, K: 1024, M: 1 << 20, G: 1 << 30 }[m[2].toUpperCase()]);
}

function formatSize(bytes) {
  return bytes >= 1 << 30 ? `${(bytes / (1 << 30)).toFixed(bytes % (1 << 30) ? 1 : 0)} GiB` : `${Math.round(bytes / (1 << 20))} MiB`;
}
