// umview-lite against PRoot: whole commands timed natively, under `umview-lite -m unreal` with
// their paths through /unreal (default trace mode), and under `proot -b /:/unreal`: Debian's
// proot (installed with apt-get when missing; it stops at every system call), and the PRoot
// users run today, built with seccomp acceleration (`seccomp_filter = yes` in `proot -V`), when
// its path is given: build it from proot-me/proot in a scratch folder (never in this
// repository) and pass --proot-seccomp PATH or PROOT_SECCOMP=PATH. Plus unreal's other mode
// beside them (proxy, where the monitor serves the data, when the module runs in remap mode,
// and the other way round). Pinned to one CPU, configurations interleaved, medians. A command
// that fails under one tool (Debian's proot has no statx) is shown as "fails", not timed.
//   npm run bench -w @umview/umview-lite -- [--json] [--runs N] [--tree DIR] [--ls-tree DIR]
//     [--mib N] [--workloads find,ls,tar,gcc,dd,forkexec,true] [--module SPEC]
//     [--proot-seccomp PATH] [--file-systems tmpfs,overlay,archive] [--fs-tree DIR]
//     [--data-paths kernel,stop] [--monitor cold|served] [--work-dir DIR]
// --monitor served (the default, as a command typed in a terminal): umview-lite's runs served by
// a warm monitor (UMVIEW_SERVER=1) the bench starts; --monitor cold: a monitor per command, as in
// scripts and CI.
// --work-dir: where the bench's files go, dd's 256 MiB source and its output among them (default:
// /dev/shm when it is a tmpfs with room, else the system's temporary directory: work-dir.mjs). On
// the disk, dd's time is partly the disk's writeback (on a VM its ratio was 1.20 in a full run
// and 0.95 in a run of dd alone minutes later).
// --workloads none runs only the file-system section (bench/file-systems.mjs): find, tar, a gcc
// loop and a 256 MiB dd read over a tree served by each built-in file-system module (all of
// those built in, unless --file-systems names them; --file-systems none skips the section); the
// dd read (issue 24's target) in each design of the data path that --data-paths names (the
// default kernel data path, --data-path=stop).
// Last line with --json: { "workloads": { "<name>": { "native": s, "umview": s, "proot": s,
//   "prootSeccomp": s, "umviewProxy" or "umviewRemap": s } }, "fileSystems": { "<name>": {
//   "host": s, "<file system>": s, "<file system>/stop": s (dd only) } } }
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';
import { benchWorkDir } from './work-dir.mjs';
import { benchEnv as coldEnv, monitorEnv, requireBuilt, umviewLite } from './executable.mjs';
import { fileSystemSection } from './file-systems.mjs';
import { debianProot, seccompProot } from './peers.mjs';

const args = parseArgs(process.argv.slice(2), {
  // A median of 9 (a whole run takes about two minutes): on a VM whose speed drifts, a median
  // of 5 moved the gcc loop's ratio by ±5 % from one run to the next.
  runs: 9,
  tree: '/usr/include',
  'ls-tree': '/usr/share/doc',
  mib: 256,
  workloads: 'find,ls,tar,gcc,dd,forkexec,true',
  module: 'unreal',
  'proot-seccomp': process.env.PROOT_SECCOMP ?? '',
  monitor: 'served',
  'file-systems': '',
  'fs-tree': '/usr/include/linux',
  'data-paths': 'kernel,stop',
  'work-dir': '',
});
ensurePinned(import.meta.url);

requireBuilt('bench');
// Every command is timed in this environment: with --monitor served, umview-lite's are served
// (peers and native runs ignore the variables it adds).
const benchEnv = await monitorEnv(String(args.monitor), coldEnv);
// Imported once the build is known to be there (a static import would fail first, less clearly).
const { unreal: unrealModule, BUILTIN_MODULES } = await import('@umview/umview-lite');
const log = (line) => process.stderr.write(`${line}\n`);

// ---- PRoot ----
const { proot, prootVersion } = debianProot();
const prootSeccomp = seccompProot(String(args['proot-seccomp']));

// ---- the data ----
const workDir = benchWorkDir(String(args['work-dir']), (2 * Number(args.mib) + 64) * 2 ** 20);
log(`bench: files in ${workDir.dir} (${workDir.why})`);
const dir = mkdtempSync(join(workDir.dir, 'umview-bench-'));
const cleanup = () => rmSync(dir, { recursive: true, force: true });
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

writeFileSync(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n');
const workloads = String(args.workloads) === 'none' ? [] : String(args.workloads).split(',');
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
const lsTree = String(args['ls-tree']);

/** Each workload as a command line, given how a path is named (natively: as it is; under
 * umview-lite and PRoot: through /unreal). */
const WORKLOADS = {
  find: { label: `find ${tree} -type f >/dev/null`, argv: (p) => ['find', p(tree), '-type', 'f'] },
  ls: { label: `ls -laR ${lsTree} >/dev/null`, argv: (p) => ['ls', '-laR', p(lsTree)] },
  tar: { label: `tar -cf - ${tree} | cat >/dev/null`, argv: (p) => ['sh', '-c', `tar -cf - ${p(tree)} 2>/dev/null | cat >/dev/null`] },
  gcc: {
    label: 'sh -c \'for i in $(seq 20); do gcc -c hello.c -o hello.o; done\'',
    argv: (p) => ['sh', '-c', `cd ${p(dir)} && for i in $(seq 20); do gcc -c hello.c -o hello.o; done`],
  },
  // `writes`: the run leaves its output's pages dirty, and the next run, whatever tool it times,
  // would pay for their writeback (256 MiB: the order of the tools, not the tools, decided a
  // 4-10 % difference). So each run of it starts after a sync, not timed.
  dd: { label: `dd if=<${args.mib} MiB file> of=<dest> bs=4k`, argv: (p) => ['dd', `if=${p(big)}`, `of=${p(dest)}`, 'bs=4k'], writes: true },
  forkexec: {
    label: "sh -c 'i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done'",
    argv: (p) => ['sh', '-c', `i=0; while [ $i -lt 1000 ]; do ${p('/bin/true')}; i=$((i+1)); done`],
  },
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
  ...(prootSeccomp ? { prootSeccomp: (w) => [prootSeccomp.path, '-b', '/:/unreal', ...WORKLOADS[w].argv(unreal)] } : {}),
};

/** 'remap' or 'proxy' for an unreal module spec (its default is the library's), undefined for
 * any other module. */
function modeOf(spec) {
  if (!/^unreal(,|$)/.test(spec)) return undefined;
  return /(?:^|,)mode=(\w+)/.exec(spec)?.[1] ?? (unrealModule({}).proxy ? 'proxy' : 'remap');
}

/** Seconds, or NaN when the command failed (said once per runner and workload). */
const failures = new Set();
function time(argv, runner, workload) {
  if (WORKLOADS[workload].writes) spawnSync('sync');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, env: benchEnv, maxBuffer: 1 << 24 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status === 0) return s;
  // Natively and under umview-lite a failure is a broken bench; under a peer, a finding.
  if (runner === 'native' || runner.startsWith('umview')) throw new Error(`${argv.join(' ')} failed (${r.status ?? r.signal}): ${String(r.stderr).slice(0, 500)}`);
  const key = `${runner}/${workload}`;
  if (!failures.has(key)) log(`bench: ${workload} fails under ${runner} (${r.status ?? r.signal}): ${String(r.stderr).trim().split('\n').pop()?.slice(0, 200)}`);
  failures.add(key);
  return Number.NaN;
}

const runnerNames = Object.keys(RUNNERS);
const times = Object.fromEntries(workloads.map((w) => [w, Object.fromEntries(runnerNames.map((r) => [r, []]))]));
log(`bench: ${args.runs} runs of ${workloads.join(', ')} as ${runnerNames.join(', ')}, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}`);
for (const w of workloads) for (const r of runnerNames) time(RUNNERS[r](w), r, w); // warm-up: page cache, code cache
for (let i = 0; i < args.runs; i++) {
  for (const w of workloads) for (const r of runnerNames) times[w][r].push(time(RUNNERS[r](w), r, w));
}

// A runner that failed a workload once has no time for it.
const med = Object.fromEntries(workloads.map((w) => [w, Object.fromEntries(runnerNames.map((r) => [r, times[w][r].some(Number.isNaN) ? Number.NaN : median(times[w][r])]))]));
const fmt = (s) => (Number.isNaN(s) ? 'fails' : s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`);
const ratio = (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? '-' : `${(a / b).toFixed(2)}x`);
/** umview-lite against the seccomp PRoot with each one's own start-up (its /bin/true time in
 * this run) taken off both: the work per workload, apart from starting the tool. */
const startUp = workloads.includes('true') ? med.true : undefined;
const ratioAfterStart = (w) => (startUp && w !== 'true' ? ratio(med[w].umview - startUp.umview, med[w].prootSeccomp - startUp.prootSeccomp) : '-');
const header = ['workload', 'native', `umview-lite${moduleMode ? ` ${moduleMode}` : ''}`, 'ratio'];
if (RUNNERS.proot) header.push(`proot ${prootVersion}`, 'ratio', 'umview/proot');
if (RUNNERS.prootSeccomp) header.push(`proot ${prootSeccomp.version} seccomp`, 'ratio', 'umview/proot-s', 'without start-up');
if (other) header.push(`umview-lite ${other.mode}`, 'ratio');
if (other && RUNNERS.proot) header.push(`${other.mode}/proot`);
const rows = [header];
for (const w of workloads) {
  const m = med[w];
  const row = [WORKLOADS[w].label, fmt(m.native), fmt(m.umview), ratio(m.umview, m.native)];
  if (RUNNERS.proot) row.push(fmt(m.proot), ratio(m.proot, m.native), ratio(m.umview, m.proot));
  if (RUNNERS.prootSeccomp) row.push(fmt(m.prootSeccomp), ratio(m.prootSeccomp, m.native), ratio(m.umview, m.prootSeccomp), ratioAfterStart(w));
  if (other) row.push(fmt(m[other.key]), ratio(m[other.key], m.native));
  if (other && RUNNERS.proot) row.push(ratio(m[other.key], m.proot));
  rows.push(row);
}
if (workloads.length > 0) printTable(`umview-lite (-m ${args.module}) vs PRoot (-b /:/unreal): median of ${args.runs}, interleaved, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}; paths through /unreal; umview-lite's monitor ${args.monitor}`, rows);

const fsNames = String(args['file-systems']);
const fileSystems = fsNames === 'none' ? undefined : fileSystemSection({
  dir, tree: String(args['fs-tree']), mib: args.mib, runs: args.runs, names: fsNames || undefined,
  builtins: Object.keys(BUILTIN_MODULES), umviewLite, env: benchEnv, log, dataPaths: String(args['data-paths']),
});
for (const table of fileSystems?.tables ?? []) {
  console.log('');
  printTable(table.title, table.rows);
}

if (args.json) {
  const round = (s) => Number(s.toFixed(4));
  const out = { workloads: {}, ...(fileSystems ? { fileSystems: fileSystems.json } : {}) };
  for (const w of workloads) {
    const time = (runner) => (RUNNERS[runner] && !Number.isNaN(med[w][runner]) ? round(med[w][runner]) : null);
    const entry = { native: time('native'), umview: time('umview'), proot: time('proot'), prootSeccomp: time('prootSeccomp') };
    if (other) entry[other.key] = round(med[w][other.key]);
    out.workloads[w] = entry;
  }
  console.log(JSON.stringify(out));
}
