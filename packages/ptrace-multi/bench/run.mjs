// ptrace-multi benchmark: reading a stopped tracee one PTRACE_PEEKDATA per word (the 2006 way),
// through one batch, and natively (a C program doing one process_vm_readv, compiled on the fly);
// then 64 small scattered reads (8..64 bytes over 16 pages, like syscall arguments and paths),
// one by one against one batch. Pinned to one CPU; configurations interleaved; medians.
//   npm run bench -w @umview/ptrace-multi -- [--json] [--runs N] [--iterations N] [--scatterIterations N]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC, tempDir } from '@umview/test-fixtures';
import { SIGNALS, Tracer } from '@umview/ptrace-core';
import { Batch } from '@umview/ptrace-multi';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';

const args = parseArgs(process.argv.slice(2), { runs: 7, iterations: 200, scatterIterations: 1000 });
ensurePinned(import.meta.url);

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const targetProgram = compileC(here('./target.c'), { flags: ['-O2'] });
const nativeReader = compileC(here('./native-read.c'), { flags: ['-O2'] });
const MiB = 1 << 20;
const PAGE = 4096;

// ---- the tracee, stopped at its SIGUSR1 ----
const out = join(tempDir(), 'target.txt');
const tracer = new Tracer();
const tracee = tracer.spawn(targetProgram, [], { stdout: { path: out } });
tracee.cont();
for (const stop of tracer.stops()) {
  if (stop.kind === 'signal' && stop.signal === SIGNALS.SIGUSR1) break;
  stop.tracee.cont(stop.kind === 'signal' ? stop.signal : 0);
}
const base = Number(BigInt(readFileSync(out, 'utf8').trim()));

// ---- the configurations ----
const target = Buffer.alloc(MiB);
const expected = Buffer.alloc(MiB);
for (let i = 0; i < MiB; i++) expected[i] = (i * 7 + 3) & 0xff;

function check(buffer, from = 0) {
  for (const i of [0, 1, 4095, 4096, buffer.length - 1]) {
    if (i < buffer.length && buffer[i] !== expected[from + i]) throw new Error(`wrong byte at ${from + i}`);
  }
}

function now() {
  return process.hrtime.bigint();
}

/** 1 MiB, one PEEKDATA per word: the 2006 mode of a batch. One read per sample (~150 ms). */
function peekWord() {
  target.fill(0);
  const t0 = now();
  const b = new Batch(tracee, { batching: false });
  const n = b.readInto(base, target);
  const stats = b.run().stats;
  const ms = Number(now() - t0) / 1e6;
  if (n.value !== MiB) throw new Error('short read');
  check(target);
  return { ms, stats };
}

/** Mean time of `fn` over `iterations` calls, after a few untimed ones (each sample measures
 * the steady state, not the switch from the previous configuration). */
function timed(fn, iterations) {
  for (let i = 0; i < Math.max(2, iterations / 20); i++) fn();
  const t0 = now();
  for (let i = 0; i < iterations; i++) fn();
  return Number(now() - t0) / 1e6 / iterations;
}

/** 1 MiB through one batch (a new Batch each time, reading into a warm buffer of ours). */
function batched() {
  target.fill(0);
  let stats;
  const ms = timed(() => {
    const b = new Batch(tracee);
    b.readInto(base, target);
    stats = b.run().stats;
  }, args.iterations);
  check(target);
  return { ms, stats };
}

/** The same read in C, one process_vm_readv into a warm buffer. */
function native() {
  const r = JSON.parse(execFileSync(nativeReader, [String(tracee.tid), `0x${base.toString(16)}`, String(MiB), String(args.iterations)], { encoding: 'utf8' }));
  return { ms: r.usPerRead / 1000 };
}

// 64 reads of 8..64 bytes scattered over 16 pages, at fixed pseudo-random places.
let seed = 2006;
const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
const scatter = Array.from({ length: 64 }, () => {
  const length = 8 + Math.floor(random() * 57);
  return { at: base + Math.floor(random() * 16) * PAGE + Math.floor(random() * (PAGE - length)), length };
});

function scattered(batching, iterations) {
  let stats;
  let handles;
  const ms = timed(() => {
    const b = new Batch(tracee, { batching });
    handles = scatter.map((s) => b.read(s.at, s.length));
    stats = b.run().stats;
  }, iterations);
  handles.forEach((h, k) => check(h.value, scatter[k].at - base));
  return { ms, stats };
}

// ---- runs, interleaved ----
const samples = { peek: [], batch: [], native: [], scatterOne: [], scatterBatch: [] };
let last = {};
batched(); scattered(true, 50); scattered(false, 5); // warm-up: JIT, koffi bindings, page tables
for (let run = 0; run < args.runs; run++) {
  last.peek = peekWord(); samples.peek.push(last.peek.ms);
  last.batch = batched(); samples.batch.push(last.batch.ms);
  samples.native.push(native().ms);
  last.scatterOne = scattered(false, Math.max(5, args.scatterIterations / 25)); samples.scatterOne.push(last.scatterOne.ms);
  last.scatterBatch = scattered(true, args.scatterIterations); samples.scatterBatch.push(last.scatterBatch.ms);
}
tracer.close();

const ms = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const mibps = (t) => 1000 / t; // 1 MiB in t ms
const result = {
  peekWordMiBps: Number(mibps(ms.peek).toFixed(2)),
  batchMiBps: Number(mibps(ms.batch).toFixed(0)),
  nativeMiBps: Number(mibps(ms.native).toFixed(0)),
  batchVsNative: Number((ms.native / ms.batch).toFixed(3)),
  batchVsPeekWord: Number((ms.peek / ms.batch).toFixed(0)),
  scatterSpeedup: Number((ms.scatterOne / ms.scatterBatch).toFixed(1)),
  scatterSyscalls: last.scatterBatch.stats.syscalls,
};

const s = last.scatterBatch.stats;
printTable(`ptrace-multi: reading a stopped tracee, median of ${args.runs}, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}`, [
  ['configuration', 'time', 'MiB/s', 'syscalls', 'one-by-one syscalls'],
  ['1 MiB, PEEKDATA per word (2006 mode)', `${ms.peek.toFixed(1)} ms`, result.peekWordMiBps, last.peek.stats.syscalls, last.peek.stats.oneByOneSyscalls],
  ['1 MiB, one batch', `${(ms.batch * 1000).toFixed(1)} us`, result.batchMiBps, last.batch.stats.syscalls, last.batch.stats.oneByOneSyscalls],
  ['1 MiB, C process_vm_readv', `${(ms.native * 1000).toFixed(1)} us`, result.nativeMiBps, 1, '-'],
  ['64 scattered reads, one by one', `${(ms.scatterOne * 1000).toFixed(1)} us`, '-', last.scatterOne.stats.syscalls, last.scatterOne.stats.oneByOneSyscalls],
  ['64 scattered reads, one batch', `${(ms.scatterBatch * 1000).toFixed(1)} us`, '-', s.syscalls, s.oneByOneSyscalls],
]);
console.log('');
printTable('batched scatter counters', [
  ['ops', 'syscalls', 'bytes', 'oneByOneSyscalls'],
  [s.ops, s.syscalls, s.bytes, s.oneByOneSyscalls],
]);
console.log('');
printTable('ratios', [
  ['ratio', 'measured', 'target'],
  ['batch / native', result.batchVsNative, '>= 0.75'],
  ['batch / PEEKDATA per word', result.batchVsPeekWord, '>= 300'],
  ['scatter speedup', result.scatterSpeedup, '>= 20'],
  ['scatter syscalls', result.scatterSyscalls, '<= 2'],
]);
if (args.json) console.log(JSON.stringify(result));
