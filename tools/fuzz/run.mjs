#!/usr/bin/env node
// Coverage-guided fuzzing of the parsers with jsfuzz: builds the seed corpora (real binaries
// compiled on the fly, their DWARF sections, real DAP traffic, PTRACE_MULTI request arrays),
// replays the regression inputs of every target, then fuzzes each target for its share of the
// time and prints a table and, last, one JSON line.
//
//   node run.mjs [--seconds N] [--target NAME[,NAME...]] [--fresh] [--json]
//
// --seconds is the total (default 90: the CI run of `npm test`); --fresh starts from the seeds
// instead of the corpus kept from earlier runs (node_modules/.cache/umview-fuzz/corpus). A crash
// stops its target: the input is written to node_modules/.cache/umview-fuzz/artifacts, and the
// run exits 1. Minimize it, check it into regressions/<target>/ and add the regression test to
// the package that owns the parser (see README.md).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC } from '@umview/test-fixtures';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const { pack } = require('./lib/sections.cjs');
const { buildCore } = require('./lib/core-seed.cjs');

export const TARGETS = {
  elf: { maxInput: 64 * 1024, versifier: false, package: 'dap-adapter', bundle: 'internal.cjs', scopes: ['src/symbols/'], what: 'ELF reader (+ DWARF, CFI through it)' },
  dwarf: { maxInput: 64 * 1024, versifier: false, package: 'dap-adapter', bundle: 'internal.cjs', scopes: ['src/symbols/dwarf/', 'src/symbols/cfi/', 'src/symbols/binary/'], what: 'DWARF + CFI readers' },
  'ptrace-multi': { maxInput: 4096, versifier: false, package: 'ptrace-multi', scopes: ['src/'], what: 'PTRACE_MULTI decoder + executor (differential)' },
  core: { maxInput: 64 * 1024, versifier: false, package: 'dap-adapter', bundle: 'internal.cjs', scopes: ['src/core/core-file.ts', 'src/core/core-memory.ts', 'src/core/core-identity.ts'], what: 'ELF core reader (notes, segments, memory)' },
  'dap-message': { maxInput: 16 * 1024, versifier: false, package: 'dap-adapter', bundle: 'internal.cjs', scopes: ['src/transport/', 'src/session/debug-session.ts'], what: 'DAP framing, validation, session dispatch' },
};

function parseArgs(argv) {
  const options = { seconds: 90, targets: Object.keys(TARGETS), fresh: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => (arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i]);
    if (arg.startsWith('--seconds')) options.seconds = Number(value());
    else if (arg.startsWith('--target')) options.targets = value().split(',');
    else if (arg === '--fresh') options.fresh = true;
    else if (arg === '--json') options.json = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  for (const target of options.targets) if (!TARGETS[target]) throw new Error(`unknown target ${target} (targets: ${Object.keys(TARGETS).join(', ')})`);
  if (!(options.seconds > 0)) throw new Error('--seconds must be positive');
  return options;
}

const cache = join(root, 'node_modules', '.cache', 'umview-fuzz');

// ---- seeds ----

const symbolFixture = (name) => join(root, 'packages', 'dap-adapter', 'test', 'fixtures', 'symbols', name);

/** Real binaries, built with the flags whose output the readers must handle. */
function seedBinaries() {
  const builds = [
    ['types.c', ['-g', '-O0']],
    ['locals.c', ['-g', '-O2']],
    ['optimized.c', ['-g', '-gdwarf-4', '-O2']],
    ['optimized.c', ['-g', '-O2', '-gsplit-dwarf']],
    ['qsort.c', ['-g3', '-O1']],
    ['sleeper.c', ['-g', '-O0', '-gz']],
    ['signal.c', ['-g', '-O0', '-fno-asynchronous-unwind-tables']],
    ['sleeper.c', ['-O2', '-s']],
    ['lines-helper.c', ['-g', '-O1', '-shared', '-fPIC']],
  ];
  const out = [];
  for (const [source, flags] of builds) {
    try {
      out.push(compileC(symbolFixture(source), { flags, name: `fuzz-${source.replace(/\.c$/, '')}-${flags.join('').replace(/[^a-z0-9]/gi, '')}` }));
    } catch (error) {
      process.stderr.write(`fuzz: cannot build a seed (${source} ${flags.join(' ')}): ${error.message}\n`);
    }
  }
  return out;
}

const frame = (message) => {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};
const request = (seq, command, args) => frame({ seq, type: 'request', command, ...(args === undefined ? {} : { arguments: args }) });

/** DAP traffic as VS Code sends it, and the malformed kinds the transport tests know. */
function dapSeeds() {
  const session = [
    request(1, 'initialize', { clientID: 'vscode', adapterID: 'umview', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsVariableType: true, supportsRunInTerminalRequest: true, locale: 'en' }),
    request(2, 'launch', { type: 'umview', request: 'launch', name: 'Debug', program: '/bin/true', args: ['a b', 'ç'], cwd: '/tmp', stopOnEntry: true }),
    request(3, 'setBreakpoints', { source: { path: '/tmp/a.c', name: 'a.c' }, breakpoints: [{ line: 7 }, { line: 9, condition: 'i == 3', hitCondition: '>2' }], sourceModified: false }),
    request(4, 'setFunctionBreakpoints', { breakpoints: [{ name: 'main' }] }),
    request(5, 'setExceptionBreakpoints', { filters: [], filterOptions: [{ filterId: 'syscall', condition: 'openat, execve' }] }),
    request(6, 'configurationDone'),
    request(7, 'threads'),
    request(8, 'stackTrace', { threadId: 1234, startFrame: 0, levels: 20 }),
    request(9, 'scopes', { frameId: 1000 }),
    request(10, 'variables', { variablesReference: 1001, filter: 'indexed', start: 0, count: 10, format: { hex: true } }),
    request(11, 'evaluate', { expression: 'argv[0]', frameId: 1000, context: 'hover' }),
    request(12, 'readMemory', { memoryReference: '0x7ffc0000', offset: 8, count: 64 }),
    request(13, 'disassemble', { memoryReference: '0x401000', instructionOffset: -4, instructionCount: 16, resolveSymbols: true }),
    request(14, 'next', { threadId: 1234, granularity: 'instruction' }),
    request(15, 'continue', { threadId: 1234 }),
    request(16, 'pause', { threadId: 1234 }),
    request(17, 'disconnect', { restart: false, terminateDebuggee: true }),
  ];
  const body = JSON.stringify({ seq: 5, type: 'request', command: 'initialize', arguments: { adapterID: 'raw' } });
  return {
    session: session.join(''),
    'out-of-order': request(1, 'threads') + request(2, 'configurationDone') + request(3, 'initialize', {}) + request(4, 'initialize', {}),
    'truncated-json': 'Content-Length: 50\r\n\r\n{"seq":2,"type":"request","command":"threads","argum',
    'not-json': 'Content-Length: 5\r\n\r\nhello',
    'bad-headers': 'Content-Lenght: 2\r\n\r\n{}Content-Length: twelve\r\n\r\ncontent-length: 2\r\nX-Other: 1\r\n\r\n{}',
    'not-requests': frame([1, 2, 3]) + frame({ seq: 3, type: 'request' }) + frame({ seq: 4, type: 'event', event: 'x' }) + frame({ seq: 5, type: 'response', request_seq: 1, success: true, command: 'runInTerminal' }),
    'short-length': `Content-Length: ${body.length - 10}\r\n\r\n${body}${request(6, 'initialize', { adapterID: 'raw' })}`,
    'long-length': `Content-Length: ${body.length + 30}\r\n\r\n${body}${request(8, 'no-such-command')}`,
    'bad-arguments': request(1, 'initialize', { adapterID: 'x' }) + request(2, 'launch', { program: 42 }) + request(3, 'stackTrace', { threadId: 'main' }) + request(4, 'variables', { variablesReference: -1 }) + request(5, 'setBreakpoints', { breakpoints: 'all' }) + request(6, 'evaluate', {}),
    unicode: request(1, 'initialize', { adapterID: 'é✓😀' }) + request(2, 'evaluate', { expression: '"\\u0000\\ud800"' }),
    garbage: 'garbage\r\n\r\n\x00\xff{}\r\n' + request(1, 'initialize', { adapterID: 'raw' }),
  };
}

/** PTRACE_MULTI request arrays: each op kind once, then a mixed one (see the target's decoder). */
function multiSeeds() {
  const seeds = {};
  for (let kind = 0; kind < 16; kind++) seeds[`op-${kind}`] = Buffer.from([kind, 1, 3, 0x10, 0x20, 7, 9, 40, 2, 1, 0, 5]);
  seeds.mixed = Buffer.from([0, 1, 4, 16, 0, 20, 1, 0, 5, 0, 8, 12, 4, 1, 2, 1, 2, 8, 8, 9, 2, 3, 0x33, 6, 4, 2, 7, 7, 1, 10, 0, 13, 0, 1, 1, 12, 5, 11, 0, 14, 1]);
  return seeds;
}

function prepareSeeds(target) {
  const dir = join(cache, 'seeds', target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const write = (name, data) => writeFileSync(join(dir, name), data);
  if (target === 'elf' || target === 'dwarf') {
    const { ElfFile } = require('@umview/dap-adapter');
    for (const binary of seedBinaries()) {
      if (target === 'elf') {
        write(basename(binary), readFileSync(binary));
        continue;
      }
      const elf = ElfFile.open(binary);
      try {
        if (elf.section('.debug_info') === undefined && elf.section('.eh_frame') === undefined) continue;
        const sections = new Map();
        for (const section of elf.sections) if (/^\.(debug_|eh_frame$)/.test(section.name)) sections.set(section.name, elf.sectionData(section));
        write(`${basename(binary)}.dwc`, pack(sections, elf.section('.eh_frame')?.address ?? 0n));
      } finally {
        elf.close();
      }
    }
  } else if (target === 'core') {
    write('crashed.core', buildCore({ threads: 2, signal: 11 }));
    write('gcore.core', buildCore({ threads: 1, signal: 0 }));
  } else if (target === 'dap-message') {
    for (const [name, text] of Object.entries(dapSeeds())) write(`${name}.txt`, Buffer.from(text, 'latin1'));
  } else if (target === 'ptrace-multi') {
    for (const [name, bytes] of Object.entries(multiSeeds())) write(name, bytes);
  }
  return dir;
}

function targetEnv() {
  return {
    ...process.env,
    FUZZ_REGIONS_BIN: compileC(join(root, 'packages', 'ptrace-multi', 'test', 'fixtures', 'memory-regions.c'), { flags: ['-O0', '-g'], name: 'memory-regions' }),
  };
}

// ---- regressions ----

/** Decodes a regression file: *.b64 is base64, anything else is the bytes themselves. */
export function regressionInput(path) {
  const raw = readFileSync(path);
  return path.endsWith('.b64') ? Buffer.from(raw.toString('latin1').replace(/\s+/g, ''), 'base64') : raw;
}

function replayRegressions(target, env) {
  const dir = join(here, 'regressions', target);
  if (!existsSync(dir)) return 0;
  const files = readdirSync(dir).filter((name) => !name.startsWith('.') && !name.endsWith('.md')).map((name) => join(dir, name));
  if (files.length === 0) return 0;
  const script = `
    const { fuzz } = require(${JSON.stringify(join(here, 'targets', `${target}.cjs`))});
    const { readFileSync } = require('node:fs');
    (async () => {
      for (const path of ${JSON.stringify(files)}) {
        const raw = readFileSync(path);
        const bytes = path.endsWith('.b64') ? Buffer.from(raw.toString('latin1').replace(/\\s+/g, ''), 'base64') : raw;
        try { await fuzz(bytes); } catch (error) { console.error('regression ' + path + ' fails:', error); process.exit(1); }
      }
      process.exit(0);
    })();`;
  execFileSync(process.execPath, ['-e', script], { env, stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
  return files.length;
}

// ---- coverage of the code under test ----

/** Statements and branches hit, by source file of the bundle (tsup keeps `// src/...` markers). */
function scopeCoverage(coverageFile, target) {
  const { package: pkg, scopes, bundle: entry = 'index.cjs' } = TARGETS[target];
  // The dap-adapter targets load `@umview/dap-adapter/internal` (dist/internal.cjs).
  const bundle = join(root, 'packages', pkg, 'dist', entry);
  if (!existsSync(coverageFile)) return undefined;
  const all = JSON.parse(readFileSync(coverageFile, 'utf8'));
  const data = Object.entries(all).find(([name]) => name === bundle)?.[1];
  if (data === undefined) return undefined;
  const markers = [];
  readFileSync(bundle, 'utf8').split('\n').forEach((line, index) => {
    const match = /^\/\/ (src\/\S+\.ts)$/.exec(line);
    if (match) markers.push({ line: index + 1, file: match[1] });
  });
  const fileAt = (line) => {
    let found;
    for (const marker of markers) {
      if (marker.line > line) break;
      found = marker.file;
    }
    return found;
  };
  const inScope = (line) => {
    const file = fileAt(line);
    return file !== undefined && scopes.some((scope) => file.startsWith(scope));
  };
  let statements = 0;
  let statementsHit = 0;
  for (const [id, location] of Object.entries(data.statementMap)) {
    if (!inScope(location.start.line)) continue;
    statements++;
    if (data.s[id] > 0) statementsHit++;
  }
  let branches = 0;
  let branchesHit = 0;
  for (const [id, branch] of Object.entries(data.branchMap)) {
    const line = branch.loc?.start?.line ?? branch.locations?.[0]?.start?.line;
    if (line === undefined || !inScope(line)) continue;
    for (const count of data.b[id]) {
      branches++;
      if (count > 0) branchesHit++;
    }
  }
  return { statements: [statementsHit, statements], branches: [branchesHit, branches] };
}

// ---- running ----

function runTarget(target, seconds, options, env) {
  const seeds = prepareSeeds(target);
  const work = join(cache, 'work', target);
  const corpus = join(cache, 'corpus', target);
  if (options.fresh) rmSync(corpus, { recursive: true, force: true });
  // Inputs over the size limit (kept from an older run with other settings) would be sent to the
  // worker whole, as JSON: drop them.
  if (existsSync(corpus)) {
    for (const name of readdirSync(corpus)) {
      if (statSync(join(corpus, name)).size > TARGETS[target].maxInput) rmSync(join(corpus, name), { force: true });
    }
  }
  const artifacts = join(cache, 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  const artifact = join(artifacts, `${target}-crash-${Date.now()}`);
  const args = [join(here, 'driver.cjs'), join(here, 'targets', `${target}.cjs`), String(seconds), work, artifact, String(TARGETS[target].maxInput), TARGETS[target].versifier ? '1' : '0', corpus, seeds];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let log = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => {
      log += chunk;
      if (process.env.FUZZ_VERBOSE) process.stderr.write(chunk);
    });
    // The driver stops the fuzzer itself; this is the last resort.
    const watchdog = setTimeout(() => child.kill('SIGKILL'), (seconds + 60) * 1000);
    child.on('exit', (code) => {
      clearTimeout(watchdog);
      const line = stdout.trim().split('\n').pop();
      let result;
      try {
        result = JSON.parse(line);
      } catch {
        result = { target, crashed: true, executions: 0, coverage: 0, corpus: 0, seeds: 0, error: `the driver exited with ${code}: ${log.slice(-2000)}` };
      }
      result.target = target;
      result.scope = scopeCoverage(result.coverageFile ?? '', target);
      delete result.coverageFile;
      if (result.crashed) result.log = log.split('\n').slice(-60).join('\n');
      resolve(result);
    });
  });
}

const percent = ([hit, total]) => (total === 0 ? '-' : `${hit}/${total} (${((100 * hit) / total).toFixed(1)}%)`);

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const env = targetEnv();
  const share = Math.max(5, Math.floor(options.seconds / options.targets.length));
  const results = [];
  for (const target of options.targets) {
    const regressions = replayRegressions(target, env);
    process.stderr.write(`fuzz: ${target}: ${regressions} regression inputs pass; fuzzing for ${share} s\n`);
    const result = await runTarget(target, share, options, env);
    result.regressions = regressions;
    results.push(result);
    if (result.crashed) process.stderr.write(`fuzz: ${target} CRASHED; input in ${result.artifact ?? '(none written)'}\n${result.log ?? result.error ?? ''}\n`);
  }
  const rows = [['target', 'seconds', 'executions', 'exec/s', 'jsfuzz cov', 'statements in scope', 'branches in scope', 'corpus', 'crashes', 'regressions']];
  for (const r of results) {
    rows.push([
      r.target, String(r.seconds ?? '-'), String(r.executions), String(Math.round(r.executions / (r.seconds || 1))), String(r.coverage),
      r.scope ? percent(r.scope.statements) : '-', r.scope ? percent(r.scope.branches) : '-',
      `${r.seeds}->${r.corpus}`, r.crashed ? '1' : '0', String(r.regressions),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  console.log(`jsfuzz, ${options.seconds} s in all (${share} s per target); scope = the target's source files in the package bundle`);
  rows.forEach((row, index) => {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
  console.log(JSON.stringify({ seconds: options.seconds, targets: results.map(({ log, ...rest }) => rest) }));
  process.exit(results.some((r) => r.crashed) ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`fuzz: ${error.stack ?? error.message}\n`);
    process.exit(2);
  });
}
