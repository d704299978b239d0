// dap-adapter soak: the adapter (dist/cli.js on stdio) drives a debuggee through thousands of
// breakpoint hits for N minutes. After each hit the client does what VS Code does (threads,
// stackTrace, scopes, variables of Locals, an evaluate), every 100 hits it sets the breakpoints
// again and reads memory, then continues. The adapter's resident memory (VmRSS, its tracer
// worker included), its open file descriptors and the hits per second are sampled at regular
// intervals. Verdicts: memory flat within 10% from the first warm sample to the last, no file
// descriptor growth, no slowdown (last quarter within 10% of the first).
// With --hits N it runs N hits instead of a duration (ten samples), with no deadline on any
// wait: the smoke test's mode (test/reliability/soak-smoke.test.ts), where only the results
// count (every request answered, no fd growth, no debuggee left), not the speed.
//   node bench/soak.mjs [--minutes 10] [--interval S] [--hits N] [--json]
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileC } from '@umview/test-fixtures';
import { parseArgs, printTable, soakVerdicts } from '@umview/test-fixtures/bench';
import { DapClient } from './dap-client.mjs';

const args = parseArgs(process.argv.slice(2), { minutes: 10, interval: 0, hits: 0 });
const byHits = args.hits > 0;
/** Per event: none when counting hits (the caller's timeout is the guard), else a hang guard. */
const eventTimeout = byHits ? 0 : 30000;
const sampleEvery = Math.max(1, Math.ceil(args.hits / 10));
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const source = here('./soak-loop.c');
const program = compileC(source, { flags: ['-g', '-O0'], name: 'dap-soak-loop' });
const line = readFileSync(source, 'utf8').split('\n').findIndex((text) => text.includes('/* breakpoint */')) + 1;
const seconds = Math.max(5, args.minutes * 60);
const interval = args.interval > 0 ? args.interval : Math.max(2, Math.round(seconds / 20));

const client = new DapClient(process.execPath, [here('../dist/cli.js')]);
const adapterPid = client.process.pid;
await client.request('initialize', { clientID: 'soak', adapterID: 'umview', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
const initialized = client.event('initialized', undefined, eventTimeout);
const launched = client.request('launch', { program, args: [] });
const processEvent = client.event('process', undefined, eventTimeout);
await initialized;
await client.request('setBreakpoints', { source: { path: source }, breakpoints: [{ line }] });
let stopped = client.event('stopped', undefined, eventTimeout);
await client.request('configurationDone');
await launched;
const debuggee = (await processEvent).body.systemProcessId;

function sampleOf(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'latin1');
  return {
    rssKiB: Number(/^VmRSS:\s*(\d+)/m.exec(text)[1]),
    threads: Number(/^Threads:\s*(\d+)/m.exec(text)[1]),
    fds: readdirSync(`/proc/${pid}/fd`).length,
  };
}

const samples = [];
const started = performance.now();
let nextSample = started;
let hits = 0;
let lastHits = 0;
let lastTime = started;
let failures = 0;
process.stderr.write(`soak: ${byHits ? `${args.hits} hits, a sample every ${sampleEvery}` : `${seconds} s, a sample every ${interval} s`} (adapter pid ${adapterPid}, debuggee ${debuggee})\n`);
for (;;) {
  const event = await stopped;
  hits++;
  const threadId = event.body.threadId;
  try {
    await client.request('threads');
    const trace = await client.request('stackTrace', { threadId, startFrame: 0, levels: 20 });
    const frame = trace.body.stackFrames[0];
    if (frame.line !== line) throw new Error(`stopped at line ${frame.line}, expected ${line}`);
    const scopes = await client.request('scopes', { frameId: frame.id });
    const locals = scopes.body.scopes.find((scope) => scope.name === 'Locals') ?? scopes.body.scopes[0];
    await client.request('variables', { variablesReference: locals.variablesReference });
    await client.request('evaluate', { expression: 'p.x + total', frameId: frame.id, context: 'watch' });
    if (hits % 100 === 0) {
      await client.request('setBreakpoints', { source: { path: source }, breakpoints: [{ line }] });
      await client.request('readMemory', { memoryReference: frame.instructionPointerReference, count: 64 });
    }
  } catch (error) {
    failures++;
    if (failures <= 3) process.stderr.write(`soak: ${error.message}\n`);
  }
  const now = performance.now();
  if (byHits ? hits === 1 || hits % sampleEvery === 0 || hits >= args.hits : now >= nextSample) {
    const elapsed = (now - started) / 1000;
    const s = { t: Math.round(elapsed), ...sampleOf(adapterPid), hits, hitsPerSecond: samples.length === 0 ? 0 : Math.round((hits - lastHits) / ((now - lastTime) / 1000)) };
    samples.push(s);
    if (!args.json) process.stderr.write(`  t=${s.t}s rss=${(s.rssKiB / 1024).toFixed(1)} MiB fds=${s.fds} hits=${hits} hits/s=${s.hitsPerSecond}\n`);
    lastHits = hits;
    lastTime = now;
    nextSample += interval * 1000;
    if (byHits ? hits >= args.hits : elapsed >= seconds) break;
  }
  stopped = client.event('stopped', undefined, eventTimeout);
  await client.request('continue', { threadId });
}
const ran = (performance.now() - started) / 1000;
await client.close({ patient: byHits });
const alive = (() => {
  try {
    const stat = readFileSync(`/proc/${debuggee}/stat`, 'latin1');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2)[0]);
  } catch {
    return false;
  }
})();

const { first, last, verdicts: common } = soakVerdicts(samples, byHits ? ran : seconds, 'hitsPerSecond');
const verdicts = {
  ...common,
  hits,
  failedRequests: failures,
  debuggeeLeftAlive: alive,
};
// A run of a few thousand hits is too short for the memory and speed verdicts (the JIT and the
// heap are still warming up): it is judged on its results only.
const ok = (byHits || (verdicts.rssFlat && verdicts.noSlowdown)) && verdicts.fdsFlat && failures === 0 && !alive;

printTable(byHits ? `dap-adapter soak: ${args.hits} breakpoint hits in ${ran.toFixed(1)} s, a sample every ${sampleEvery}` : `dap-adapter soak: ${args.minutes} min of breakpoint hits, a sample every ${interval} s`, [
  ['t (s)', 'VmRSS (MiB)', 'fds', 'threads', 'hits', 'hits/s'],
  ...samples.map((s) => [s.t, (s.rssKiB / 1024).toFixed(1), s.fds, s.threads, s.hits, s.hitsPerSecond]),
]);
console.log(`${hits} breakpoint hits; RSS ${(first.rssKiB / 1024).toFixed(1)} MiB at t=${first.t}s (${(samples[0].rssKiB / 1024).toFixed(1)} at t=0) -> ${(last.rssKiB / 1024).toFixed(1)} MiB (${verdicts.rssGrowthPercent >= 0 ? '+' : ''}${verdicts.rssGrowthPercent}%: ${verdicts.rssFlat ? 'flat' : 'GROWS'}), fds ${verdicts.fdsStart} -> ${verdicts.fdsEnd} (${verdicts.fdsFlat ? 'no growth' : 'GROWTH'}), hits/s last/first quarter ${verdicts.throughputRatio} (${verdicts.noSlowdown ? 'no slowdown' : 'SLOWDOWN'}), failed requests ${failures}, debuggee left ${alive ? 'ALIVE' : 'none'}`);
if (args.json) console.log(JSON.stringify(byHits ? { hits: args.hits, seconds: ran, samples, verdicts, ok } : { minutes: args.minutes, interval, samples, verdicts, ok }));
process.exit(ok ? 0 : 1);
