// Shared benchmark plumbing for every package's bench/: CPU pinning, argument parsing, medians, a
// text table.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Re-runs this script under `taskset -c CPU` unless it already is; cross-CPU wake-ups make
 * ptrace timings on a small VM bimodal. */
export function ensurePinned(scriptUrl) {
  if (process.env.UMVIEW_BENCH_PINNED) return;
  const cpu = process.env.UMVIEW_BENCH_CPU ?? defaultCpu();
  const r = spawnSync('taskset', ['-c', cpu, process.execPath, fileURLToPath(scriptUrl), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, UMVIEW_BENCH_PINNED: '1', UMVIEW_BENCH_CPU: cpu },
  });
  process.exit(r.status ?? 1);
}

function defaultCpu() {
  const n = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  return n > 1 ? '1' : '0';
}

export function parseArgs(argv, defaults) {
  const out = { ...defaults, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') out.json = true;
    else if (a.startsWith('--')) {
      const [k, v] = a.includes('=') ? a.slice(2).split('=') : [a.slice(2), argv[++i]];
      out[k] = typeof defaults[k] === 'number' ? Number(v) : v;
    }
  }
  return out;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function printTable(title, rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  console.log(title);
  rows.forEach((r, i) => {
    console.log(r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

// The soak benches' verdicts over their samples ({ t, rssKiB, fds, [rate] }): memory flat within
// 10% from the first warm sample to the last, no fd growth, no slowdown. Warm-up is the first
// tenth of the run (at least one sample), while the JIT compiles and the heap finds its size.
// An fd count is a snapshot (a file open at that instant counts too); a leak raises the floor,
// so the lowest counts of the first and the last quarter are compared.
export function soakVerdicts(samples, seconds, rate) {
  const warmFrom = Math.max(1, samples.findIndex((s) => s.t >= seconds / 10));
  const warm = samples.slice(warmFrom);
  const quarter = Math.max(1, Math.floor(warm.length / 4));
  const mean = (list) => list.reduce((sum, s) => sum + s[rate], 0) / list.length;
  const minFds = (list) => Math.min(...list.map((s) => s.fds));
  const first = warm[0] ?? samples[0];
  const last = samples[samples.length - 1];
  const fdsStart = minFds(warm.slice(0, quarter));
  const fdsEnd = minFds(warm.slice(-quarter));
  return {
    first,
    last,
    verdicts: {
      rssAtFirstSampleKiB: samples[0].rssKiB,
      rssStartKiB: first.rssKiB,
      rssEndKiB: last.rssKiB,
      rssGrowthPercent: Math.round((1000 * (last.rssKiB - first.rssKiB)) / first.rssKiB) / 10,
      rssFlat: last.rssKiB <= first.rssKiB * 1.1,
      fdsStart,
      fdsEnd,
      fdGrowth: fdsEnd - fdsStart,
      fdsFlat: fdsEnd <= fdsStart,
      throughputRatio: warm.length >= 2 ? Math.round((100 * mean(warm.slice(-quarter))) / mean(warm.slice(0, quarter))) / 100 : 1,
      noSlowdown: warm.length < 2 || mean(warm.slice(-quarter)) >= 0.9 * mean(warm.slice(0, quarter)),
    },
  };
}
