import { afterAll, describe, expect, it } from 'vitest';
import {
  ElfFile, FrameSection, SymbolFile, x86_64RegisterName, x86_64RegisterNumber, type CfaRule, type RegisterRule, type UnwindRow,
} from '../../src/symbols/index.js';
import { compileFixture, compileProgram, run } from './helpers.js';

const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';
const opened: SymbolFile[] = [];
function open(path: string): SymbolFile {
  const file = SymbolFile.open(path, { separateDebugInfo: false });
  opened.push(file);
  return file;
}
afterAll(() => opened.forEach((file) => file.close()));

interface InterpretedFde {
  offset: number;
  pcBegin: bigint;
  pcEnd: bigint;
  /** Per row: location, then "CFA" and each column's rule, as readelf prints them. */
  rows: { location: bigint; cells: Map<string, string> }[];
}

/** `readelf --debug-dump=frames-interp`, FDEs of one section (".eh_frame" or ".debug_frame"). */
function readelfFrames(path: string, section: string): InterpretedFde[] {
  const fdes: InterpretedFde[] = [];
  let inSection = false;
  let current: InterpretedFde | undefined;
  let columns: string[] = [];
  for (const line of run('readelf', ['--debug-dump=frames-interp', path]).split('\n')) {
    const sectionHeader = /^Contents of the (\S+) section/.exec(line);
    if (sectionHeader !== null) {
      inSection = sectionHeader[1] === section;
      current = undefined;
      continue;
    }
    if (!inSection) continue;
    const fde = /^([0-9a-f]{8,16}) [0-9a-f]+ [0-9a-f]+ FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.([0-9a-f]+)/.exec(line);
    if (fde !== null) {
      current = { offset: parseInt(fde[1]!, 16), pcBegin: BigInt(`0x${fde[2]}`), pcEnd: BigInt(`0x${fde[3]}`), rows: [] };
      fdes.push(current);
      continue;
    }
    if (/ CIE /.test(line) || /ZERO terminator/.test(line)) {
      current = undefined;
      continue;
    }
    if (current === undefined) continue;
    if (/^\s+LOC\s+CFA/.test(line)) {
      columns = line.trim().split(/\s+/).slice(1);
      continue;
    }
    const row = /^([0-9a-f]{16}) (.*)$/.exec(line);
    if (row !== null) {
      // A register rule prints as "r9 (r9)", "r1 (rdx)": keep the register's name.
      const cells = row[2]!.replace(/\br\d+ \((\w+)\)/g, '$1').trim().split(/\s+/);
      current.rows.push({ location: BigInt(`0x${row[1]}`), cells: new Map(columns.map((column, index) => [column, cells[index]!])) });
    }
  }
  return fdes;
}

const columnNumber = (column: string): number => (column === 'ra' ? 16 : x86_64RegisterNumber(column) ?? Number(column.replace(/^r/, '')));

function cfaText(rule: CfaRule): string {
  if (rule.kind === 'expression') return 'exp';
  if (rule.kind === 'undefined') return 'u';
  return `${x86_64RegisterName(rule.register)}${rule.offset >= 0n ? '+' : ''}${rule.offset}`;
}

function ruleText(rule: RegisterRule | undefined): string {
  switch (rule?.kind) {
    case undefined:
    case 'undefined': return 'u';
    case 'same-value': return 's';
    case 'offset': return `c${rule.offset >= 0n ? '+' : ''}${rule.offset}`;
    case 'val-offset': return `v${rule.offset >= 0n ? '+' : ''}${rule.offset}`;
    case 'register': return x86_64RegisterName(rule.register);
    case 'expression': return 'exp';
    case 'val-expression': return 'vexp';
  }
}

/** Checks our rows against readelf's at every location readelf prints; returns the number of rows checked. */
function compareWithReadelf(section: FrameSection, expected: InterpretedFde[]): number {
  let checked = 0;
  for (const fde of expected) {
    const ours = section.fdeAt(fde.offset)!;
    expect({ begin: ours.pcBegin, end: ours.pcEnd }).toEqual({ begin: fde.pcBegin, end: fde.pcEnd });
    for (const row of fde.rows) {
      const actual: UnwindRow = section.rowInFde(ours, row.location);
      const cells = new Map<string, string>();
      for (const column of row.cells.keys()) {
        cells.set(column, column === 'CFA' ? cfaText(actual.cfa) : ruleText(actual.registers.get(columnNumber(column))));
      }
      expect(cells, `FDE 0x${fde.offset.toString(16)} at 0x${row.location.toString(16)}`).toEqual(row.cells);
      checked++;
    }
  }
  return checked;
}

describe('.eh_frame', () => {
  it.each([
    ['an -O2 program', () => compileFixture('qsort.c', ['-g', '-O2'])],
    ['an -O0 program', () => compileProgram('cfi-O0', ['lines-main.c', 'lines-helper.c'], ['-g', '-O0'])],
    ['an -O2 program with split functions', () => compileFixture('optimized.c', ['-g', '-O2', '-ffunction-sections'])],
  ])('gives the CFA and register rules of every row of %s as readelf frames-interp does', (_label, build) => {
    const path = build();
    const file = open(path);
    const checked = compareWithReadelf(file.callFrameInfo.ehFrame!, readelfFrames(path, '.eh_frame'));
    expect(checked).toBeGreaterThan(5);
  });

  it('gives every row of every FDE of libc as readelf does (expressions, remember/restore state, signal frames)', () => {
    const file = open(LIBC);
    const checked = compareWithReadelf(file.callFrameInfo.ehFrame!, readelfFrames(LIBC, '.eh_frame'));
    expect(checked).toBeGreaterThan(10_000);
  });

  it('decodes the augmentations of libc: "zR", "zPLR" (personality and LSDA) and "zRS" (signal frame)', () => {
    const file = open(LIBC);
    const ehFrame = file.callFrameInfo.ehFrame!;
    const byAugmentation = new Map<string, { personality: boolean; lsda: number; signal: boolean }>();
    for (const fde of ehFrame.fdes()) {
      const seen = byAugmentation.get(fde.cie.augmentation) ?? { personality: false, lsda: 0, signal: false };
      seen.personality ||= fde.cie.personality !== undefined;
      seen.lsda += fde.lsda === undefined ? 0 : 1;
      seen.signal ||= fde.cie.isSignalFrame;
      byAugmentation.set(fde.cie.augmentation, seen);
    }
    expect([...byAugmentation.keys()].sort()).toEqual(['zPLR', 'zR', 'zRS']);
    expect(byAugmentation.get('zPLR')!.personality).toBe(true);
    expect(byAugmentation.get('zPLR')!.lsda).toBeGreaterThan(0);
    expect(byAugmentation.get('zRS')!.signal).toBe(true);
    expect(byAugmentation.get('zR')).toEqual({ personality: false, lsda: 0, signal: false });
    // The personality pointer is indirect (pcrel): it points at the DW.ref.__gcc_personality_v0 slot.
    const personality = [...ehFrame.fdes()].find((fde) => fde.cie.augmentation === 'zPLR')!.cie.personality!;
    expect(file.elf.sectionContaining(personality)?.name).toBe('.data');
  });

  it('finds the same FDE through .eh_frame_hdr as by scanning .eh_frame, for every FDE of libc', () => {
    const elf = ElfFile.open(LIBC);
    const section = elf.section('.eh_frame')!;
    const indexed = SymbolFile.fromElf(elf).callFrameInfo.ehFrame!;
    const scanned = new FrameSection('eh_frame', elf.sectionData(section)!, section.address, undefined);
    let count = 0;
    for (const fde of scanned.fdes()) {
      for (const pc of [fde.pcBegin, fde.pcEnd - 1n]) expect(indexed.findFde(pc)?.offset).toBe(scanned.findFde(pc)?.offset);
      count++;
    }
    expect(count).toBeGreaterThan(1000);
    expect(indexed.findFde(0n)).toBeUndefined();
    elf.close();
  });

  it('opens libc and finds the FDE for a pc reading only the headers, .eh_frame_hdr and .eh_frame', () => {
    const probe = ElfFile.open(LIBC);
    const qsort = probe.symbolByName('qsort')!;
    probe.close();
    const file = SymbolFile.open(LIBC);
    const row = file.cfiFor(qsort.value + 4n);
    // Only the headers, .eh_frame_hdr and .eh_frame were read. (How fast: bench/symbols.mjs.)
    expect(file.elf.loadedSectionNames().sort()).toEqual(['.eh_frame', '.eh_frame_hdr']);
    file.close();
    expect(row?.fde.pcBegin).toBeLessThanOrEqual(qsort.value);
    expect(row?.fde.pcEnd).toBeGreaterThan(qsort.value + 4n);
  });
});

describe('.debug_frame', () => {
  // gcc writes CFI directives and the assembler builds the CIEs: version 1 by default, 3 or 4 on request.
  it.each([
    ['1', []],
    ['3', ['-Wa,--gdwarf-cie-version=3']],
    ['4', ['-Wa,--gdwarf-cie-version=4']],
  ])('gives every row as readelf does, with version %s CIEs', (version, extra) => {
    const path = compileProgram(`cfi-debug-frame-v${version}`, ['lines-main.c', 'lines-helper.c'], ['-g', '-O2', '-fno-asynchronous-unwind-tables', ...extra]);
    const file = open(path);
    const debugFrame = file.callFrameInfo.debugFrame!;
    expect(debugFrame).toBeDefined();
    const expected = readelfFrames(path, '.debug_frame');
    const checked = compareWithReadelf(debugFrame, expected);
    expect(checked).toBeGreaterThan(5);
    expect(debugFrame.fdeAt(expected[0]!.offset)!.cie.version).toBe(Number(version));
    // The program's own functions have no .eh_frame entry: lookups fall through to .debug_frame.
    const main = file.symbolByName('main')!;
    expect(file.callFrameInfo.ehFrame?.findFde(main.value)).toBeUndefined();
    expect(file.cfiFor(main.value)?.fde.pcBegin).toBe(main.value);
  });
});
