// umview-lite against PRoot: whole commands timed natively, under `umview-lite -m unreal` with
// their paths through /unreal (default trace mode), and under `proot -b /:/unreal` (Debian's
// proot, installed with apt-get when missing), plus unreal's other mode beside them (proxy, where
// the monitor serves the data, when the module runs in remap mode, and the other way round).
// Pinned to one CPU, configurations interleaved, medians.
//   npm run bench -w @umview/umview-lite -- [--json] [--runs N] [--tree DIR] [--mib N]
//     [--workloads find,tar,gcc,dd,true] [--module SPEC]
// Last line with --json: { "workloads": { "<name>": { "native": s, "umview": s, "proot": s,
//   "umviewProxy" or "umviewRemap": s } } }
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';
import { benchEnv, requireBuilt, umviewLite } from './executable.mjs';

const args = parseArgs(process.argv.slice(2), {
  // A median of 9 (a whole run takes about two minutes): on a VM whose speed drifts, a median
  // of 5 moved the gcc loop's ratio by ±5 % from one run to the next.
  runs: 9,
  tree: '/usr/include',
  mib: 256,
  workloads: 'find,tar,gcc,dd,true',
  module: 'unreal',
});
ensurePinned(import.meta.url);

requireBuilt('bench');
// Imported once the build is known to be there (a static import would fail first, less clearly).
const { unreal: unrealModule } = await import('@umview/umview-lite');
const log = (line) => process.stderr.write(`${line}\n`);

// ---- PRoot ----
function findProot() {
  const which = spawnSync('sh', ['-c', 'command -v proot'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}
let proot = findProot();
if (!proot) {
  log('bench: proot is missing; installing it with apt-get (Debian package proot)');
  spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
  spawnSync('apt-get', ['install', '-y', '-qq', 'proot'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  proot = findProot();
  if (!proot) log('bench: proot could not be installed: its column is left empty');
}
const prootVersion = proot ? (spawnSync(proot, ['--version'], { encoding: 'utf8' }).stdout.match(/v?(\d+\.\d+\.\d+)/)?.[1] ?? '?') : undefined;

// ---- the data ----
const dir = mkdtempSync(join(tmpdir(), 'umview-bench-'));
const cleanup = () => rmSync(dir, { recursive: true, force: true });
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

writeFileSync(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n');
const workloads = String(args.workloads).split(',');
const big = join(dir, 'big');
const dest = join(dir, 'dest');
if (workloads.includes('dd')) {
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
  const fd = openSync(big, 'w');
  for (let i = 0; i < args.mib; i++) writeSync(fd, chunk);
  closeSync(fd);
}
const tree = String(args.tree);

/** Each workload as a command line, given how a path is named (natively: as it is; under
 * umview-lite and PRoot: through /unreal). */
const WORKLOADS = {
  find: { label: `find ${tree} -type f >/dev/null`, argv: (p) => ['find', p(tree), '-type', 'f'] },
  tar: { label: `tar -cf - ${tree} | cat >/dev/null`, argv: (p) => ['sh', '-c', `tar -cf - ${p(tree)} 2>/dev/null | cat >/dev/null`] },
  gcc: {
    label: 'sh -c \'for i in $(seq 20); do gcc -c hello.c -o hello.o; done\'',
    argv: (p) => ['sh', '-c', `cd ${p(dir)} && for i in $(seq 20); do gcc -c hello.c -o hello.o; done`],
  },
  dd: { label: `dd if=<${args.mib} MiB file> of=<dest> bs=4k`, argv: (p) => ['dd', `if=${p(big)}`, `of=${p(dest)}`, 'bs=4k'] },
  true: { label: '/bin/true (start-up)', argv: (p) => [p('/bin/true')] },
};
for (const w of workloads) if (!WORKLOADS[w]) throw new Error(`unknown workload ${w} (have: ${Object.keys(WORKLOADS).join(', ')})`);

const native = (p) => p;
const unreal = (p) => `/unreal${p}`;
const moduleMode = modeOf(String(args.module));
/** The other mode of unreal, timed beside the module's own: its runner's name and mode. */
const other = moduleMode === undefined ? undefined
  : moduleMode === 'remap' ? { key: 'umviewProxy', mode: 'proxy' } : { key: 'umviewRemap', mode: 'remap' };
const RUNNERS = {
  native: (w) => WORKLOADS[w].argv(native),
  umview: (w) => [umviewLite, '-m', args.module, '--', ...WORKLOADS[w].argv(unreal)],
  ...(other ? { [other.key]: (w) => [umviewLite, '-m', `unreal,mode=${other.mode}`, '--', ...WORKLOADS[w].argv(unreal)] } : {}),
  ...(proot ? { proot: (w) => [proot, '-b', '/:/unreal', ...WORKLOADS[w].argv(unreal)] } : {}),
};

/** 'remap' or 'proxy' for an unreal module spec (its default is the library's), undefined for
 * any other module. */
function modeOf(spec) {
  if (!/^unreal(,|$)/.test(spec)) return undefined;
  return /(?:^|,)mode=(\w+)/.exec(spec)?.[1] ?? (unrealModule({}).proxy ? 'proxy' : 'remap');
}

function time(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, env: benchEnv, maxBuffer: 1 << 24 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status ?? r.signal}): ${String(r.stderr).slice(0, 500)}`);
  return s;
}

const runnerNames = Object.keys(RUNNERS);
const times = Object.fromEntries(workloads.map((w) => [w, Object.fromEntries(runnerNames.map((r) => [r, []]))]));
log(`bench: ${args.runs} runs of ${workloads.join(', ')} as ${runnerNames.join(', ')}, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}`);
for (const w of workloads) for (const r of runnerNames) time(RUNNERS[r](w)); // warm-up: page cache, code cache
for (let i = 0; i < args.runs; i++) {
  for (const w of workloads) for (const r of runnerNames) times[w][r].push(time(RUNNERS[r](w)));
}

const med = Object.fromEntries(workloads.map((w) => [w, Object.fromEntries(runnerNames.map((r) => [r, median(times[w][r])]))]));
const fmt = (s) => (s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`);
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const header = ['workload', 'native', `umview-lite${moduleMode ? ` ${moduleMode}` : ''}`, 'ratio'];
if (RUNNERS.proot) header.push(`proot ${prootVersion}`, 'ratio', 'umview/proot');
if (other) header.push(`umview-lite ${other.mode}`, 'ratio');
if (other && RUNNERS.proot) header.push(`${other.mode}/proot`);
const rows = [header];
for (const w of workloads) {
  const m = med[w];
  const row = [WORKLOADS[w].label, fmt(m.native), fmt(m.umview), ratio(m.umview, m.native)];
  if (RUNNERS.proot) row.push(fmt(m.proot), ratio(m.proot, m.native), ratio(m.umview, m.proot));
  if (other) row.push(fmt(m[other.key]), ratio(m[other.key], m.native));
  if (other && RUNNERS.proot) row.push(ratio(m[other.key], m.proot));
  rows.push(row);
}
printTable(`umview-lite (-m ${args.module}) vs PRoot (-b /:/unreal): median of ${args.runs}, interleaved, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}; paths through /unreal`, rows);

if (args.json) {
  const round = (s) => Number(s.toFixed(4));
  const out = { workloads: {} };
  for (const w of workloads) {
    const entry = { native: round(med[w].native), umview: round(med[w].umview), proot: RUNNERS.proot ? round(med[w].proot) : null };
    if (other) entry[other.key] = round(med[w][other.key]);
    out.workloads[w] = entry;
  }
  console.log(JSON.stringify(out));
}
