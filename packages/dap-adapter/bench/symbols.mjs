// dap-adapter benchmark of the symbol readers (dist/index.js), on this machine's libc, beside the
// strongest peer for each job, interleaved, pinned to one CPU; medians of every run. Each answer
// is checked, ours and the peer's alike.
//   CFI lookup, cold: open libc, find the FDE of a pc in qsort through .eh_frame_hdr, its row;
//     beside a plain read of what that needs (ELF header, section headers and names,
//     .eh_frame_hdr, .eh_frame): our cost above the I/O floor
//   CFI of all of libc: every FDE of .eh_frame interpreted to its last row; beside
//     `readelf --debug-dump=frames-interp` (which also prints its rows, to /dev/null)
//   line of an address, cold: open libc, find its separate debug file, the unit and its line
//     program for qsort's address; beside `addr2line` and `llvm-addr2line` on the same address
//   fuzzer regressions: each input of tools/fuzz/regressions/dwarf through the fuzzer's own dwarf
//     target; beside the same target on the debugging sections of a well-formed program
//     (bench/loop.c, -g -O0), packed the same way: a corrupt input costs no more than a real one
// The peers are whole processes (their start, about a millisecond, is in their time); ours run in
// this process, warmed up.
//   node bench/symbols.mjs [--json] [--runs N]; `npm run bench` (bench/run.mjs) runs it too, after
//   the DAP sessions, and puts its figures in its JSON line under "symbols".
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileC } from '@umview/test-fixtures';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';
import { ElfFile, SymbolFile } from '../dist/index.js';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';
const now = () => performance.now();
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const devNull = openSync('/dev/null', 'w');

/** A peer as a whole process; returns its stdout (checked by the caller). */
function runPeer(command, argv, stdout = 'pipe') {
  const result = spawnSync(command, argv, { stdio: ['ignore', stdout, 'ignore'], encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error !== undefined) throw result.error;
  return result.stdout ?? '';
}

/** Each measurement: a label, ours and a peer (both return something to check), and the check. */
const jobs = [];
const skipped = [];

// ---- CFI lookup in libc, cold ----
const probe = ElfFile.open(LIBC);
const qsort = probe.symbolByName('qsort');
probe.close();
const pc = qsort.value + 4n;
jobs.push({
  key: 'cfiLookup',
  label: 'CFI lookup, cold (open libc, FDE of a pc, its row)',
  peer: 'plain read of the same bytes',
  ours() {
    const file = SymbolFile.open(LIBC);
    const row = file.cfiFor(pc);
    const loaded = file.elf.loadedSectionNames().sort().join(',');
    file.close();
    return { begin: row?.fde.pcBegin, end: row?.fde.pcEnd, loaded };
  },
  theirs() {
    // What the lookup has to read, read and nothing else: the I/O floor.
    const fd = openSync(LIBC, 'r');
    try {
      const read = (length, position) => {
        const buffer = Buffer.allocUnsafe(length);
        readSync(fd, buffer, 0, length, position);
        return buffer;
      };
      const header = read(64, 0);
      const shoff = Number(header.readBigUInt64LE(0x28));
      const shentsize = header.readUInt16LE(0x3a);
      const shnum = header.readUInt16LE(0x3c);
      const shstrndx = header.readUInt16LE(0x3e);
      const headers = read(shnum * shentsize, shoff);
      const field = (index, at) => Number(headers.readBigUInt64LE(index * shentsize + at));
      const names = read(field(shstrndx, 0x20), field(shstrndx, 0x18));
      const sizes = {};
      for (let index = 0; index < shnum; index++) {
        const start = headers.readUInt32LE(index * shentsize);
        const name = names.toString('latin1', start, names.indexOf(0, start));
        if (name === '.eh_frame_hdr' || name === '.eh_frame') sizes[name] = read(field(index, 0x20), field(index, 0x18)).length;
      }
      return sizes;
    } finally {
      closeSync(fd);
    }
  },
  check(ours, theirs) {
    if (!(ours.begin <= qsort.value && ours.end > pc)) throw new Error(`CFI lookup: FDE ${ours.begin}..${ours.end} does not cover qsort+4`);
    if (ours.loaded !== '.eh_frame,.eh_frame_hdr') throw new Error(`CFI lookup read ${ours.loaded}`);
    if (!(theirs['.eh_frame'] > 0 && theirs['.eh_frame_hdr'] > 0)) throw new Error('plain read: no .eh_frame or .eh_frame_hdr');
  },
});

// ---- every FDE of libc, beside readelf ----
if (has('readelf')) {
  jobs.push({
    key: 'cfiAll',
    label: 'CFI of all of libc (every FDE to its last row)',
    peer: 'readelf --debug-dump=frames-interp',
    ours() {
      const file = SymbolFile.open(LIBC, { separateDebugInfo: false });
      const ehFrame = file.callFrameInfo.ehFrame;
      let fdes = 0;
      for (const fde of ehFrame.fdes()) {
        ehFrame.rowInFde(fde, fde.pcEnd - 1n);
        fdes++;
      }
      file.close();
      return fdes;
    },
    theirs() {
      runPeer('readelf', ['--debug-dump=frames-interp', LIBC], devNull);
      return undefined;
    },
    check(fdes) {
      if (fdes < 1000) throw new Error(`only ${fdes} FDEs in libc`);
    },
  });
} else skipped.push('readelf is missing (binutils): no CFI row beside it');

// ---- line of an address in libc, cold, beside addr2line and llvm-addr2line ----
const withDebug = SymbolFile.open(LIBC);
const hasLibcDebug = withDebug.dwarf !== undefined;
withDebug.close();
const hex = `0x${qsort.value.toString(16)}`;
for (const peer of ['addr2line', 'llvm-addr2line']) {
  if (!hasLibcDebug) {
    skipped.push('no separate debug file for libc (libc6-dbg): no line rows');
    break;
  }
  if (!has(peer)) {
    skipped.push(`${peer} is missing: no line row beside it`);
    continue;
  }
  jobs.push({
    key: peer === 'addr2line' ? 'lineVsAddr2line' : 'lineVsLlvmAddr2line',
    label: 'line of an address in libc, cold (separate debug file)',
    peer: `${peer} -e libc.so.6 ADDRESS`,
    ours() {
      const file = SymbolFile.open(LIBC);
      const position = file.lineForAddress(qsort.value);
      file.close();
      return `${position?.file}:${position?.line}`;
    },
    theirs: () => runPeer(peer, ['-e', LIBC, hex]).trim(),
    check(ours, theirs) {
      // Ours: stdlib/msort.c (as gdb shows it); binutils and LLVM join the directory twice.
      const tail = (text) => /[^/]*:\d+$/.exec(text)?.[0];
      if (tail(ours) !== tail(theirs) || !ours.startsWith('stdlib/msort.c:')) throw new Error(`line of qsort: ours ${ours}, ${peer} ${theirs}`);
    },
  });
}

// ---- fuzzer regressions, beside a well-formed program through the same target ----
const fuzzDir = here('../../../tools/fuzz/');
const requireFuzz = createRequire(join(fuzzDir, 'package.json'));
const regressionsDir = join(fuzzDir, 'regressions', 'dwarf');
if (existsSync(regressionsDir)) {
  const { pack, unpack } = requireFuzz('./lib/sections.cjs');
  const { fuzz } = requireFuzz('./targets/dwarf.cjs');
  const { SECTIONS } = requireFuzz('./lib/sections.cjs');
  const loop = ElfFile.open(compileC(here('./loop.c'), { flags: ['-g', '-O0'], name: 'dap-bench-loop' }));
  const sections = new Map(SECTIONS.map((name) => [name, loop.sectionData(name)]).filter(([, data]) => data !== undefined && data.length > 0));
  const wellFormed = pack(sections, loop.section('.eh_frame')?.address ?? 0n);
  loop.close();
  for (const name of readdirSync(regressionsDir).filter((entry) => !entry.startsWith('.') && !entry.endsWith('.md'))) {
    const raw = readFileSync(join(regressionsDir, name));
    const bytes = name.endsWith('.b64') ? Buffer.from(raw.toString('latin1').replace(/\s+/g, ''), 'base64') : raw;
    const key = `fuzz:${name.replace(/\.[^.]*$/, '')}`;
    jobs.push({
      key,
      label: `fuzz regression ${name.replace(/\.[^.]*$/, '')} (${bytes.length} B) through the dwarf target`,
      peer: `the same on bench/loop.c's sections (${wellFormed.length} B)`,
      ours: () => fuzz(bytes), // throws on anything but the readers' typed errors
      theirs: () => fuzz(wellFormed),
      check() {
        if (unpack(bytes).sections.size === 0) throw new Error(`${name}: no sections`);
      },
    });
  }
} else skipped.push(`${regressionsDir} is missing: no fuzzer regression rows`);

// ---- measure: warm-up, then runs interleaved (the order of ours and the peer alternates) ----
/** Runs every measurement `runs` times; returns the table's title and rows, and the figures. */
export function symbolsBench(runs) {
  const time = (fn) => {
    const t = now();
    const value = fn();
    return { ms: now() - t, value };
  };
  for (const job of jobs) job.check(job.ours(), job.theirs());
  const samples = Object.fromEntries(jobs.map((job) => [job.key, { ours: [], theirs: [] }]));
  for (let run = 0; run < runs; run++) {
    for (const job of jobs) {
      const sides = run % 2 === 0 ? ['ours', 'theirs'] : ['theirs', 'ours'];
      const results = {};
      for (const side of sides) {
        const { ms, value } = time(job[side]);
        samples[job.key][side].push(ms);
        results[side] = value;
      }
      job.check(results.ours, results.theirs);
    }
  }
  const round = (value) => Number(value.toFixed(3));
  const summary = Object.fromEntries(jobs.map((job) => {
    const ours = median(samples[job.key].ours);
    const theirs = median(samples[job.key].theirs);
    return [job.key, { oursMs: round(ours), peerMs: round(theirs), ratio: round(ours / theirs), peer: job.peer }];
  }));
  const rows = [['', 'ours (ms)', 'peer (ms)', 'ratio', 'peer']];
  for (const job of jobs) {
    const s = summary[job.key];
    rows.push([job.label, s.oursMs.toFixed(3), s.peerMs.toFixed(3), s.ratio.toFixed(2), job.peer]);
  }
  const version = (command) => spawnSync(command, ['--version'], { encoding: 'utf8' }).stdout?.split('\n').find((line) => /\d+\.\d+/.test(line))?.trim() ?? '';
  const versions = [has('readelf') ? version('readelf') : '', has('llvm-addr2line') ? version('llvm-addr2line') : ''].filter(Boolean).join('; ');
  const title = `dap-adapter symbol readers: medians of ${runs} runs, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}${versions ? `; ${versions}` : ''}`;
  return { title, rows, summary, skipped };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs(process.argv.slice(2), { runs: 15 });
  ensurePinned(import.meta.url);
  const { title, rows, summary } = symbolsBench(args.runs);
  printTable(title, rows);
  for (const reason of skipped) console.log(`skipped: ${reason}`);
  if (args.json) console.log(JSON.stringify(summary));
}
