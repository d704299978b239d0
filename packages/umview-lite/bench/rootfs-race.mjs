// PRoot's daily jobs in a real distribution, raced: a Debian root file system (the tarball
// .ci/debian-rootfs builds) unpacked by the user who runs the bench, entered with `-S ROOTFS`
// (fake root and the binds of package management) by umview-lite, Debian's proot and the
// seccomp-accelerated PRoot (when --proot-seccomp PATH or PROOT_SECCOMP gives it). A job that
// changes the tree is undone after each run (not timed), so that every run starts from the same
// state. Pinned to one CPU, tools interleaved, medians; "less start-up" takes each tool's own
// `true` time of this run off both sides.
//   npm run rootfs-race -w @umview/umview-lite -- [--json] [--runs N] [--jobs true,id,...]
//     [--rootfs-tar FILE] [--debs DIR] [--proot-seccomp PATH] [--monitor cold|served]
//     [--work-dir DIR]
// --monitor served (the default, as a command typed in a terminal): umview-lite's runs served by
// a warm monitor (UMVIEW_SERVER=1) the bench starts; --monitor cold: a monitor per command, as in
// scripts and CI.
// --work-dir: where the rootfs is unpacked (default: /dev/shm when it is a tmpfs with room, else
// the system's temporary directory: work-dir.mjs). On the disk, the jobs that fsync (dpkg,
// useradd) wait for it, whose latency moved the peers' medians by up to 40 % from one run to the
// next on the same VM.
// Last line with --json: { "jobs": { "<name>": { "umview": s, "proot": s, "prootSeccomp": s } } }
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';
import { benchEnv as coldEnv, monitorEnv, requireBuilt, umviewLite } from './executable.mjs';
import { debianProot, seccompProot } from './peers.mjs';
import { benchWorkDir } from './work-dir.mjs';

const args = parseArgs(process.argv.slice(2), {
  runs: 5,
  jobs: 'true,id,ls,dpkg,apt,useradd',
  'rootfs-tar': process.env.UMVIEW_TEST_DEBIAN_ROOTFS ?? '/var/cache/umview-ci/bookworm-minbase-gcc-python3.tar',
  debs: process.env.UMVIEW_TEST_DEBS ?? '/var/cache/umview-ci/debs',
  'proot-seccomp': process.env.PROOT_SECCOMP ?? '',
  monitor: 'served',
  'work-dir': '',
});
ensurePinned(import.meta.url);
requireBuilt('rootfs-race');
// Every command is timed in this environment: with --monitor served, umview-lite's are served
// (peers and native runs ignore the variables it adds).
const benchEnv = await monitorEnv(String(args.monitor), coldEnv);
const log = (line) => process.stderr.write(`${line}\n`);

const tarball = String(args['rootfs-tar']);
const debs = String(args.debs);
if (!existsSync(tarball) || !existsSync(debs)) {
  log(`rootfs-race: no Debian rootfs tarball at ${tarball} or no .deb directory at ${debs}: build them with .ci/debian-rootfs (as root), or give --rootfs-tar and --debs`);
  process.exit(1);
}

/** Each job: its shell command in the guest, and what undoes it (untimed). */
const JOBS = {
  true: { label: 'true (start-up)', run: 'true' },
  id: { label: 'id', run: 'id' },
  ls: { label: 'ls -lR /usr/share', run: 'ls -lR /usr/share >/dev/null' },
  dpkg: { label: 'dpkg -i hello.deb', run: 'dpkg -i /debs/hello_*.deb >/dev/null', undo: 'dpkg --purge hello >/dev/null' },
  apt: { label: 'apt-get install ./hello.deb', run: 'apt-get install -y -q /debs/hello_*.deb >/dev/null 2>&1', undo: 'dpkg --purge hello >/dev/null' },
  useradd: { label: 'useradd -m alice', run: 'useradd -m alice', undo: 'userdel -r alice 2>/dev/null' },
};
const jobs = String(args.jobs).split(',');
for (const j of jobs) if (!JOBS[j]) throw new Error(`unknown job ${j} (have: ${Object.keys(JOBS).join(', ')})`);

// Room for the unpacked tree (its tarball's size) and what the jobs add.
const workDir = benchWorkDir(String(args['work-dir']), statSync(tarball).size + 256 * 2 ** 20);
log(`rootfs-race: rootfs in ${workDir.dir} (${workDir.why})`);
const dir = mkdtempSync(join(workDir.dir, 'umview-rootfs-race-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
const rootfs = join(dir, 'rootfs');
mkdirSync(rootfs);
log(`rootfs-race: unpacking ${tarball}`);
execFileSync('tar', ['-xf', tarball, '-C', rootfs, '--no-same-owner', '--no-same-permissions', '--exclude=./dev/*']);

const { proot, prootVersion } = debianProot();
const prootSeccomp = seccompProot(String(args['proot-seccomp']));
const bind = ['-b', `${debs}:/debs`];
const TOOLS = {
  umview: (script) => [umviewLite, '-S', rootfs, ...bind, '--', '/bin/sh', '-c', script],
  ...(proot ? { proot: (script) => [proot, '-S', rootfs, '-w', '/', ...bind, '/bin/sh', '-c', script] } : {}),
  ...(prootSeccomp ? { prootSeccomp: (script) => [prootSeccomp.path, '-S', rootfs, '-w', '/', ...bind, '/bin/sh', '-c', script] } : {}),
};
const tools = Object.keys(TOOLS);

/** Seconds; NaN when a peer fails the job (said once: a finding), an error when umview-lite
 * does (a broken bench). An undo's failure is not timed and not checked. */
const failures = new Set();
function run(tool, job, script, timed) {
  const argv = TOOLS[tool](script);
  // A job that writes the tree (it has an undo) fsyncs what it wrote (dpkg, useradd): the pages
  // the runs before it left dirty, whichever tool's, would be written out in its time. So each
  // of its timed runs starts after a sync, not timed (as the race bench's dd does).
  if (timed && JOBS[job].undo) spawnSync('sync');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: benchEnv, maxBuffer: 1 << 24 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status === 0 || !timed) return s;
  if (tool === 'umview') throw new Error(`${argv.join(' ')} failed (${r.status ?? r.signal}): ${String(r.stderr).slice(0, 500)}`);
  if (!failures.has(`${tool}/${job}`)) log(`rootfs-race: ${job} fails under ${tool} (${r.status ?? r.signal}): ${String(r.stderr).trim().split('\n').pop()?.slice(0, 200)}`);
  failures.add(`${tool}/${job}`);
  return Number.NaN;
}

const times = Object.fromEntries(jobs.map((j) => [j, Object.fromEntries(tools.map((t) => [t, []]))]));
log(`rootfs-race: ${args.runs} runs of ${jobs.join(', ')} under ${tools.join(', ')}, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}`);
for (let i = -1; i < args.runs; i++) { // run -1: warm-up (page cache, code cache)
  for (const j of jobs) {
    for (const t of tools) {
      const s = run(t, j, JOBS[j].run, true);
      if (i >= 0) times[j][t].push(s);
      if (JOBS[j].undo) run(t, j, JOBS[j].undo, false);
    }
  }
}

// A tool that failed a job once has no time for it.
const med = Object.fromEntries(jobs.map((j) => [j, Object.fromEntries(tools.map((t) => [t, times[j][t].some(Number.isNaN) ? Number.NaN : median(times[j][t])]))]));
const fmt = (s) => (Number.isNaN(s) ? 'fails' : s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`);
const ratio = (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? '-' : `${(a / b).toFixed(2)}x`);
const startUp = jobs.includes('true') ? med.true : undefined;
const lessStartUp = (j, peer) => (startUp && j !== 'true' ? ratio(med[j].umview - startUp.umview, med[j][peer] - startUp[peer]) : '-');
const header = ['job', 'umview-lite -S'];
if (TOOLS.proot) header.push(`proot ${prootVersion} -S`, 'ratio', 'less start-up');
if (TOOLS.prootSeccomp) header.push(`proot ${prootSeccomp.version} seccomp -S`, 'ratio', 'less start-up');
const rows = [header];
for (const j of jobs) {
  const m = med[j];
  const row = [JOBS[j].label, fmt(m.umview)];
  if (TOOLS.proot) row.push(fmt(m.proot), ratio(m.umview, m.proot), lessStartUp(j, 'proot'));
  if (TOOLS.prootSeccomp) row.push(fmt(m.prootSeccomp), ratio(m.umview, m.prootSeccomp), lessStartUp(j, 'prootSeccomp'));
  rows.push(row);
}
printTable(`PRoot's jobs in Debian (${tarball}), each tool with -S: median of ${args.runs}, interleaved, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}; umview-lite's monitor ${args.monitor}; ratio = umview-lite ÷ PRoot`, rows);

if (args.json) {
  const round = (s) => Number(s.toFixed(4));
  const out = { jobs: {} };
  for (const j of jobs) out.jobs[j] = Object.fromEntries(['umview', 'proot', 'prootSeccomp'].map((t) => [t, TOOLS[t] && !Number.isNaN(med[j][t]) ? round(med[j][t]) : null]));
  console.log(JSON.stringify(out));
}
