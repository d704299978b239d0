// The seed's table, today (the README's main job, `npm start`).
//
// Renzo Davoli's 2006 mail measured a virtualized `cp` of the linux-2.6.16 tarball on a G4:
// the unreal module with neither patch, with PTRACE_MULTI, with PTRACE_SYSVM too, umview with no
// module, and native. This runs the same configurations of umview-lite (the unreal module in
// proxy mode, where the monitor serves the file) on a test file for two workloads: `cp`
// (today's coreutils: copy_file_range, the data in the kernel) and `cp-2006` (`dd bs=4k`: 4 KiB
// read/write pairs, the 2006 cp's pattern). Pinned to one CPU, configurations interleaved,
// medians.
//
// Two designs of the data path sit side by side (the `design` column, issue 24): "stop per call"
// (`--data-path=stop`: every read and write of a served file stops the tracee and the data
// passes through the monitor, as in 2006 — the seed's rows compare with these) and "kernel data path"
// (the default: a served file's reads and writes run in the kernel on its backing file, with no
// stop). The 2006 rows are the stop-per-call ones, in the seed's order; the kernel data path
// adds a row beside `unreal/multi+sysvm+filter`, the configuration whose filter lets those calls
// run (with no filter, or one that stops everything, every call stops whatever the design).
// Rows with no served file (no module, unreal's remap mode, PRoot) have no design. The issue's
// targets are printed beside the rows they concern.
//   node bench/seed-table.mjs [--size 1G] [--runs 5] [--json] [--chart FILE] [--workloads cp,cp-2006]
//                             [--configs unreal/multi+sysvm+filter,...] [--data-paths kernel,stop]
// --configs keeps the rows of those configurations (both designs); --data-paths the rows of
// those designs (and every row without one).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';
import { benchEnv, requireBuilt, umviewLite } from './executable.mjs';
import { barChartSvg } from './svg-chart.mjs';
import { benchWorkDir } from './work-dir.mjs';

const args = parseArgs(process.argv.slice(2), { size: '1G', runs: 5, chart: '', workloads: 'cp,cp-2006', configs: '', 'data-paths': 'kernel,stop', slowSeconds: 10 });
ensurePinned(import.meta.url);

requireBuilt('seed-table');
const size = parseSize(String(args.size));
// The test file and its copy.
const workDir = benchWorkDir('', 2 * size + 64 * 2 ** 20);
const dir = mkdtempSync(join(workDir.dir, 'umview-seed-'));
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

/** The two designs of the data path: what the `design` column says, and the CLI flags. */
const DESIGNS = {
  stop: { label: 'stop per call', flags: ['--data-path=stop'] },
  kernel: { label: 'kernel data path', flags: [] },
};
const designs = String(args['data-paths']).split(',').filter(Boolean);
for (const d of designs) if (!DESIGNS[d]) throw new Error(`unknown --data-paths ${d} (have: ${Object.keys(DESIGNS).join(', ')})`);

/** Issue 24's targets: a row's ratio to native should be at most `max` (`goal`: the hope). */
const TARGETS = {
  'cp-2006': { 'unreal/multi+sysvm+filter|kernel': { max: 2.94, goal: 1.5 }, 'none/multi+sysvm+filter|': { max: 1.1 } },
  cp: { 'unreal/multi+sysvm+filter|kernel': { max: 1.2 } },
};

const hasProot = spawnSync('sh', ['-c', 'command -v proot'], { encoding: 'utf8' }).status === 0;
const smallSize = Math.max(1 << 20, Math.floor(size / 32));

/** Every row: how to run it for a source path and a destination. */
function configurations(workload) {
  const cmd = (src, dst) => (workload === 'cp' ? ['cp', src, dst] : ['dd', `if=${src}`, `of=${dst}`, 'bs=4k', 'status=none']);
  const um = (flags, unreal) => (src, dst) => [umviewLite, ...flags, '--', ...cmd(unreal ? `/unreal${src}` : src, dst)];
  const proxy = ['-m', 'unreal,mode=proxy'];
  const rows = [
    { config: 'native', argv: (s, d) => cmd(s, d) },
    { config: 'unreal/no-multi/no-sysvm', design: 'stop', argv: um([...proxy, '--trace=syscall', '--no-multi'], true), small: workload === 'cp-2006' },
    { config: 'unreal/multi', design: 'stop', argv: um([...proxy, '--trace=syscall'], true) },
    { config: 'unreal/multi+sysvm', design: 'stop', argv: um([...proxy, '--trace=seccomp-all'], true) },
    { config: 'unreal/multi+sysvm+filter', design: 'stop', argv: um(proxy, true) },
    { config: 'unreal/multi+sysvm+filter', design: 'kernel', argv: um(proxy, true) },
    { config: 'none/multi', argv: um(['--trace=syscall'], false) },
    { config: 'none/multi+sysvm', argv: um(['--trace=seccomp-all'], false) },
    { config: 'none/multi+sysvm+filter', argv: um([], false) },
    { config: 'unreal-remap', argv: um(['-m', 'unreal,mode=remap'], true) },
  ].map((row) => (row.design ? { ...row, argv: withFlags(row.argv, DESIGNS[row.design].flags) } : row));
  if (hasProot) rows.push({ config: 'proot', argv: (s, d) => ['proot', '-b', '/:/unreal', ...cmd(`/unreal${s}`, d)] });
  rows.push({ config: 'startup', argv: () => [umviewLite, '--', '/bin/true'], startup: true });
  // --configs a,b: only those rows (native is always kept: the ratios need it); --data-paths.
  const only = String(args.configs).split(',').filter(Boolean);
  return rows
    .map((r) => ({ ...r, key: `${r.config}|${r.design ?? ''}` }))
    .filter((r) => r.config === 'native' || only.length === 0 || only.includes(r.config))
    .filter((r) => !r.design || designs.includes(r.design));
}

/** argv with the design's flags put right after the umview-lite executable. */
function withFlags(argv, flags) {
  return (s, d) => {
    const [exe, ...rest] = argv(s, d);
    return [exe, ...flags, ...rest];
  };
}

/** "≤ 2.94 (goal 1.5): met" for a result row with a target, '' for the others. */
function targetText({ target, goal, ratio }) {
  if (target === undefined) return '';
  const verdict = ratio <= (goal ?? target) ? 'met' : ratio <= target ? 'met (not the goal)' : 'not met';
  return `≤ ${target}${goal ? ` (goal ${goal})` : ''}: ${verdict}`;
}

/** A row's name for the chart: its configuration and, when it has one, its design. */
function rowLabel(r) {
  return r.design ? `${r.config} (${DESIGNS[r.design].label})` : r.config;
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
process.stderr.write(`making a ${formatSize(size)} test file in ${dir} (${workDir.why})...\n`);
makeFile(big, size);
makeFile(small, smallSize);

const workloads = String(args.workloads).split(',');
const results = {};
for (const workload of workloads) {
  const rows = configurations(workload);
  const samples = new Map(rows.map((r) => [r.key, []]));
  const runsFor = new Map(rows.map((r) => [r.key, args.runs]));
  for (let run = 0; run < args.runs; run++) {
    for (const row of rows) {
      if (samples.get(row.key).length >= runsFor.get(row.key)) continue;
      const source = row.small ? small : big;
      const seconds = timeRun(row.argv(source, dest));
      rmSync(dest, { force: true });
      samples.get(row.key).push(seconds);
      if (run === 0 && seconds > args.slowSeconds) runsFor.set(row.key, Math.min(args.runs, 3));
      process.stderr.write(`${workload} run ${run + 1}: ${rowLabel(row)} ${seconds.toFixed(3)} s\n`);
    }
  }
  const nativeSmall = rows.some((r) => r.small) ? median(Array.from({ length: 3 }, () => { const s = timeRun(configurations(workload)[0].argv(small, dest)); rmSync(dest, { force: true }); return s; })) : undefined;
  const nativeSec = median(samples.get('native|'));
  const trueSec = median(Array.from({ length: 5 }, () => timeRun(['/bin/true'])));
  results[workload] = rows.map((row) => {
    const seconds = median(samples.get(row.key));
    const reference = row.startup ? trueSec : row.small ? nativeSmall : nativeSec;
    const target = TARGETS[workload]?.[row.key];
    return {
      config: row.config,
      ...(row.design ? { design: row.design } : {}),
      seconds: Number(seconds.toFixed(4)),
      ratio: Number((seconds / reference).toFixed(3)),
      runs: samples.get(row.key).length,
      ...(target ? { target: target.max, ...(target.goal ? { goal: target.goal } : {}) } : {}),
      ...(row.small ? { size: smallSize } : {}),
      ...(SEED[row.config] !== undefined ? { seedSeconds: SEED[row.config], seedRatio: Number((SEED[row.config] / SEED.native).toFixed(2)) } : {}),
    };
  });
}

for (const workload of workloads) {
  const title = `${workload === 'cp' ? 'cp /unreal/FILE DEST (copy_file_range)' : 'dd if=/unreal/FILE of=DEST bs=4k (the 2006 cp)'}: ${formatSize(size)}, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}, median of ${args.runs}`;
  printTable(title, [
    ['configuration', 'design', 'seconds', 'ratio', 'runs', '2006 seconds', '2006 ratio', 'target (issue 24)'],
    ...results[workload].map((r) => [
      r.config + (r.size ? ` (${formatSize(r.size)} file)` : ''), r.design ? DESIGNS[r.design].label : '',
      r.seconds.toFixed(3), r.config === 'startup' ? `${r.ratio} × /bin/true` : r.ratio.toFixed(2), r.runs,
      r.seedSeconds ?? '', r.seedRatio ?? '', targetText(r),
    ]),
  ]);
  console.log('');
}
console.log('2006 figures: G4 1 GHz, cp of the linux-2.6.16 tarball (Davoli, LKML, 18 May 2006). Ratios are to native in the same run;');
console.log('the startup row is `umview-lite -- /bin/true` against /bin/true; a row marked with a smaller file was timed on it and compared with native on it.');
console.log('design: "stop per call" rows run with --data-path=stop (every read and write of the served file stops the tracee and passes through the monitor,');
console.log('the design of 2006: compare the seed\'s rows with these); "kernel data path" is the default (the served file\'s reads and writes run in the kernel).');
if (args.chart) {
  writeFileSync(String(args.chart), barChartSvg({
    title: `umview-lite, the seed's table today (${formatSize(size)})`,
    groups: workloads.map((w) => ({ name: w, bars: results[w].map((r) => ({ label: rowLabel(r), value: r.seconds, seed: r.seedSeconds })) })),
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
