// ptrace-core benchmark: syscall-stop throughput of the JS Tracer against a C tracer doing the
// same work per stop, over a C fixture making 100k getppid calls (200k syscall stops).
// Pinned to one CPU; the configurations run interleaved, and medians are reported.
//   npm run bench -w @umview/ptrace-core -- [--json] [--runs N] [--calls N]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileC } from '@umview/test-fixtures';
import { Tracer } from '@umview/ptrace-core';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';

const args = parseArgs(process.argv.slice(2), { runs: 5, calls: 100000 });
ensurePinned(import.meta.url);

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const fixture = compileC(here('../test/fixtures/getppid-loop.c'), { flags: ['-O2'] });
const cTracer = compileC(here('./c-tracer.c'), { flags: ['-O2'] });

function jsTracer() {
  const tracer = new Tracer();
  const t0 = process.hrtime.bigint();
  const tracee = tracer.spawn(fixture, [String(args.calls)]);
  tracee.syscall();
  let stops = 0;
  for (const stop of tracer.stops()) {
    if (stop.kind === 'exited' || stop.kind === 'killed') break;
    stops++;
    stop.tracee.syscall(stop.kind === 'signal' ? stop.signal : 0);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  tracer.close();
  return { stops, ms };
}

function c(mode) {
  const argv = mode === 'raw' ? ['raw', fixture, String(args.calls)] : [fixture, String(args.calls)];
  return JSON.parse(execFileSync(cTracer, argv, { encoding: 'utf8' }));
}

function native() {
  const t0 = process.hrtime.bigint();
  execFileSync(fixture, [String(args.calls)]);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

const runs = { js: [], c: [], cRaw: [], native: [] };
let stops = 0;
jsTracer(); // warm-up: JIT and koffi bindings
for (let i = 0; i < args.runs; i++) {
  const js = jsTracer();
  stops = js.stops;
  runs.js.push(js.ms);
  runs.c.push(c('info').ms);
  runs.cRaw.push(c('raw').ms);
  runs.native.push(native().ms);
}
const ms = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
const perSecond = (t) => Math.round(stops / (t / 1000));
const result = {
  stops,
  stopsPerSecond: perSecond(ms.js),
  cTracerStopsPerSecond: perSecond(ms.c),
  cRawTracerStopsPerSecond: perSecond(ms.cRaw),
  ratio: Number((ms.js / ms.c).toFixed(3)),
  ratioVsRawC: Number((ms.js / ms.cRaw).toFixed(3)),
  nativeMs: Number(ms.native.toFixed(2)),
};
printTable(`ptrace-core: ${stops} syscall stops (${args.calls} getppid), median of ${args.runs}, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}`, [
  ['tracer', 'ms', 'stops/s', 'ratio to C'],
  ['JS Tracer (waitpid + GET_SYSCALL_INFO + PTRACE_SYSCALL)', ms.js.toFixed(1), result.stopsPerSecond, result.ratio],
  ['C tracer, same work per stop', ms.c.toFixed(1), result.cTracerStopsPerSecond, '1.000'],
  ['C tracer, raw (no GET_SYSCALL_INFO)', ms.cRaw.toFixed(1), result.cRawTracerStopsPerSecond, (ms.cRaw / ms.c).toFixed(3)],
  ['native, untraced', ms.native.toFixed(1), '-', '-'],
]);
if (args.json) console.log(JSON.stringify(result));
