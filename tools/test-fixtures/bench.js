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
