// The file-system section of the bench (issue 23): `find`, `tar -cf - . | cat` and a 20x
// `gcc -c` loop over a tree served by each built-in file-system module, and `dd bs=4k` of a
// 256 MiB file from it to /dev/null, against the same tree on the host.
//
// The dd read is issue 24's target: reading a 256 MiB file put in place beforehand (untimed)
// through tmpfs and archive (an uncompressed tar: its members are read in place) at most 1.5 ×
// reading the same bytes from a host file natively. It has a table of its own: each file system
// in both designs of the data path, the default (its reads run in the kernel on the file's
// backing file) and `--data-path=stop` (every read stops the tracee and the module serves it),
// the latter timed by a run of its own doing the setup and the dd alone.
//
// Each configuration runs as one bash script (under one monitor for a file system): first its
// setup, untimed (the tmpfs is in memory, so the tree and the big file are copied into it by
// the same monitor run that is timed afterwards), then each workload between two reads of
// bash's own clock ($EPOCHREALTIME, a builtin: no process, no system call the monitor sees
// beyond clock_gettime's vDSO). So the times are the workloads alone, without the monitor's
// start-up or the setup; the host runs the same script natively. Medians over the runs,
// configurations interleaved.
//
// A file system is one line of FILE_SYSTEMS: its module spec (and the built-in module it needs,
// when the name is not the module's), where its tree is seen, and the untimed setup that puts
// the tree there. Only those built into this umview-lite are run
// (BUILTIN_MODULES), or those named by --file-systems.
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { median } from '@umview/test-fixtures/bench';

/** ctx: { mount: a guest path no host file uses, host: the tree's root on the host,
 * upper: an empty host directory, archive: a tar of the tree }. */
export const FILE_SYSTEMS = {
  tmpfs: { spec: (c) => `tmpfs,${c.mount}`, root: (c) => c.mount, setup: (c) => `cp -a ${c.host}/. ${c.mount}/` },
  overlay: { spec: (c) => `overlay,${c.host},upper=${c.upper}`, root: (c) => c.host, setup: () => '' },
  // By default the members' copies (backing files) are kept for the next runs in the user's
  // cache (here the bench's own, emptied at each bench): the timed runs find those the warm-up
  // run made, as a user's second run of a program over the same archive does.
  archive: { spec: (c) => `archive,${c.archive}=${c.mount}`, root: (c) => c.mount, setup: () => '' },
  // No copy kept: each run copies a big member at its first open, inside the timed read (what
  // the very first run over an archive pays).
  'archive+transient': { module: 'archive', spec: (c) => `archive,${c.archive}=${c.mount},transient`, root: (c) => c.mount, setup: () => '' },
  // The copies made at mount (untimed) rather than at their first open, none kept.
  'archive+prefetch': { module: 'archive', spec: (c) => `archive,${c.archive}=${c.mount},prefetch,transient`, root: (c) => c.mount, setup: () => '' },
};

/** What a row says beside its target. */
const ROW_NOTES = {
  overlay: 'not in the issue',
  archive: 'copies kept by the warm-up run',
  'archive+transient': 'each run copies at the first open',
  'archive+prefetch': 'copies made at mount',
};

const WORKLOADS = {
  find: { label: (t) => `find <${t}> -type f >/dev/null`, sh: (root) => `find ${root}/tree -type f >/dev/null` },
  tar: { label: (t) => `cd <${t}> && tar -cf - . | cat >/dev/null`, sh: (root) => `(cd ${root}/tree && tar -cf - . | cat >/dev/null)` },
  gcc: { label: () => 'for i in $(seq 20); do gcc -c hello.c -o $OUT/hello.o; done', sh: (root, out) => `(cd ${root}/gcc && for i in $(seq 20); do gcc -c hello.c -o ${out}/hello.o; done)` },
  dd: { label: (_t, mib) => `dd if=<${mib} MiB file> of=/dev/null bs=4k`, sh: (root) => `dd if=${root}/big of=/dev/null bs=4k 2>/dev/null` },
};

/** The read of issue 24's target, with its table of its own. */
const READ = 'dd';
/** Issue 24: the dd read through a file system at most this many times the host's. */
const READ_TARGET = 1.5;

/** The designs of the data path the dd read is timed in: the CLI flags, a table's words. */
const DESIGNS = {
  kernel: { flags: [], label: 'kernel data path' },
  stop: { flags: ['--data-path=stop'], label: 'stop per call' },
};

/** The script: the setup, then each workload between two readings of the clock; a line
 * `NAME START END` per workload on stdout. */
function script(setup, root, out, workloads = Object.keys(WORKLOADS)) {
  const lines = ['set -e', setup];
  for (const [name, w] of Object.entries(WORKLOADS).filter(([n]) => workloads.includes(n))) {
    lines.push(`t0=$EPOCHREALTIME; ${w.sh(root, out)}; t1=$EPOCHREALTIME; echo "${name} $t0 $t1"`);
  }
  return lines.filter(Boolean).join('\n');
}

/** The host tree the file systems serve: a copy of `tree` (tree/), the gcc source (gcc/) and
 * the big file (big); and what the modules need of it (an upper directory, an archive). */
function prepare(dir, tree, mib, log) {
  const host = join(dir, 'fs-root');
  mkdirSync(join(host, 'gcc'), { recursive: true });
  cpSync(tree, join(host, 'tree'), { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(host, 'gcc', 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
  const fd = openSync(join(host, 'big'), 'w');
  for (let i = 0; i < mib; i++) writeSync(fd, chunk);
  closeSync(fd);
  const upper = join(dir, 'fs-upper');
  mkdirSync(upper);
  // Uncompressed, as issue 24's target says: the module reads its members in place in this
  // file (a .tar.gz would first be decompressed whole into scratch space).
  const archive = join(dir, 'fs-root.tar');
  const r = spawnSync('tar', ['-cf', archive, '-C', host, '.']);
  if (r.status !== 0) log(`bench: tar of the tree failed (${String(r.stderr).trim()}): the archive module has no input`);
  const out = join(dir, 'fs-out');
  mkdirSync(out);
  // The monitor's cache (the archive's kept copies) of the bench's own: empty when it starts.
  const cache = join(dir, 'fs-cache');
  mkdirSync(cache, { mode: 0o700 });
  return { host, upper, archive, out, cache, mount: '/umview-bench-fs' };
}

/** Runs the section; returns { tables: [{ title, rows }], json } or undefined when no file
 * system is run. dataPaths: the designs the dd read is timed in ('kernel,stop'). */
export function fileSystemSection({ dir, tree, mib, runs, names, builtins, umviewLite, env, log, dataPaths = 'kernel,stop' }) {
  const chosen = names ? names.split(',').filter(Boolean) : Object.keys(FILE_SYSTEMS).filter((n) => builtins.includes(FILE_SYSTEMS[n].module ?? n));
  for (const n of chosen) if (!FILE_SYSTEMS[n]) throw new Error(`unknown file system ${n} (have: ${Object.keys(FILE_SYSTEMS).join(', ')})`);
  if (chosen.length === 0) return undefined;
  const designs = dataPaths.split(',').filter(Boolean);
  for (const d of designs) if (!DESIGNS[d]) throw new Error(`unknown data path ${d} (have: ${Object.keys(DESIGNS).join(', ')})`);
  const ctx = prepare(dir, tree, mib, log);
  // A configuration: the command and the workloads it times. The default design runs every
  // workload; --data-path=stop only the dd read (the design changes nothing else's data).
  const configs = {
    host: { argv: ['bash', '-c', script('', ctx.host, ctx.out)], workloads: Object.keys(WORKLOADS) },
  };
  for (const n of chosen) {
    const fs = FILE_SYSTEMS[n];
    for (const d of designs) {
      const workloads = d === 'kernel' ? Object.keys(WORKLOADS) : [READ];
      configs[configName(n, d)] = {
        argv: [umviewLite, ...DESIGNS[d].flags, '-m', fs.spec(ctx), '--', 'bash', '-c', script(fs.setup(ctx), fs.root(ctx), ctx.out, workloads)],
        workloads,
      };
    }
  }
  const times = Object.fromEntries(Object.entries(configs).map(([c, { workloads }]) => [c, Object.fromEntries(workloads.map((w) => [w, []]))]));
  const once = (name) => {
    const { argv } = configs[name];
    const r = spawnSync(argv[0], argv.slice(1), { cwd: dir, env: { ...env, XDG_CACHE_HOME: ctx.cache }, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`file-system bench: ${name} failed (${r.status ?? r.signal}): ${r.stderr.slice(0, 500)}`);
    for (const line of r.stdout.trim().split('\n')) {
      const [w, t0, t1] = line.split(' ');
      if (times[name][w]) times[name][w].push(Number(t1) - Number(t0));
    }
  };
  log(`bench: file systems ${chosen.join(', ')} against the host, ${runs} runs of ${Object.keys(WORKLOADS).join(', ')} over a copy of ${tree}; ${READ} also with ${designs.map((d) => DESIGNS[d].label).join(', ')}`);
  for (const name of Object.keys(configs)) once(name); // warm-up
  for (const name of Object.keys(configs)) for (const w of configs[name].workloads) times[name][w].length = 0;
  for (let i = 0; i < runs; i++) for (const name of Object.keys(configs)) once(name);

  const med = Object.fromEntries(Object.entries(times).map(([c, byWorkload]) => [c, Object.fromEntries(Object.entries(byWorkload).map(([w, t]) => [w, median(t)]))]));
  const fmt = (s) => (s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`);
  const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
  const tables = [];
  // find, tar, gcc: each file system in its default design against the host.
  if (designs.includes('kernel')) {
    const rows = [['workload', 'host', ...chosen.flatMap((n) => [n, 'ratio'])]];
    for (const [w, def] of Object.entries(WORKLOADS).filter(([n]) => n !== READ)) {
      rows.push([def.label(tree, mib), fmt(med.host[w]), ...chosen.flatMap((n) => [fmt(med[n][w]), ratio(med[n][w], med.host[w])])]);
    }
    tables.push({ rows, title: `file systems: each workload timed inside its run by bash's clock (no start-up, no setup), median of ${runs}, interleaved` });
  }
  // The dd read: a file system a row, each design beside the other, the target beside it.
  const host = med.host[READ];
  const readRows = [['file system', 'host', ...designs.flatMap((d) => [DESIGNS[d].label, 'ratio']), `target (issue 24)`]];
  for (const n of chosen) {
    const kernel = med[configName(n, 'kernel')]?.[READ];
    const verdict = kernel === undefined ? '' : kernel / host <= READ_TARGET ? 'met' : 'not met';
    readRows.push([
      n, fmt(host), ...designs.flatMap((d) => [fmt(med[configName(n, d)][READ]), ratio(med[configName(n, d)][READ], host)]),
      `≤ ${READ_TARGET}${verdict ? `: ${verdict}` : ''}${ROW_NOTES[n] ? ` (${ROW_NOTES[n]})` : ''}`,
    ]);
  }
  tables.push({
    rows: readRows,
    title: `${WORKLOADS[READ].label(tree, mib)}, the file put in place beforehand (untimed), timed inside its run by bash's clock, median of ${runs}, interleaved; target for the default (kernel) data path`,
  });

  const round = (s) => Number(s.toFixed(4));
  // { workload: { host: s, <file system>: s, <file system>/stop: s (dd only) } }
  const json = Object.fromEntries(Object.keys(WORKLOADS).map((w) => [w, Object.fromEntries(Object.keys(configs).filter((c) => med[c][w] !== undefined).map((c) => [c, round(med[c][w])]))]));
  return { tables, json };
}

/** A configuration's name: the file system's own for the default design, NAME/stop for the other. */
function configName(fileSystem, design) {
  return design === 'kernel' ? fileSystem : `${fileSystem}/${design}`;
}
