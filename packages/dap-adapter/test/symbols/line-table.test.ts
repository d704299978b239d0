import { basename } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SymbolFile, type LineRow } from '../../src/symbols/index.js';
import { compileFixture, compileProgram, fixture, hex, run } from './helpers.js';

interface OracleRow {
  address: bigint;
  line: number;
  column: number;
  file: number;
  discriminator: number;
  flags: string[];
}

/** The rows of every line program, keyed by its .debug_line offset, as llvm-dwarfdump decodes them. */
function llvmLineRows(program: string): Map<number, OracleRow[]> {
  const tables = new Map<number, OracleRow[]>();
  let current: OracleRow[] | undefined;
  for (const line of run('llvm-dwarfdump', ['--debug-line', program]).split('\n')) {
    const header = /^debug_line\[0x([0-9a-f]+)\]/.exec(line);
    if (header !== null) {
      current = [];
      tables.set(parseInt(header[1]!, 16), current);
      continue;
    }
    const row = /^0x([0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*(.*)$/.exec(line);
    if (row !== null && current !== undefined) {
      current.push({
        address: BigInt(`0x${row[1]}`), line: Number(row[2]), column: Number(row[3]), file: Number(row[4]),
        discriminator: Number(row[6]), flags: row[7]!.trim().split(/\s+/).filter((flag) => flag !== ''),
      });
    }
  }
  return tables;
}

function flagsOf(row: LineRow): string[] {
  const flags: string[] = [];
  if (row.isStmt) flags.push('is_stmt');
  if (row.basicBlock) flags.push('basic_block');
  if (row.endSequence) flags.push('end_sequence');
  if (row.prologueEnd) flags.push('prologue_end');
  if (row.epilogueBegin) flags.push('epilogue_begin');
  return flags;
}

/** objdump's decoded line table: (file base name, line, address, is_stmt), end-of-sequence rows excluded. */
function objdumpRows(program: string): string[] {
  const rows: string[] = [];
  for (const line of run('objdump', ['--dwarf=decodedline', program]).split('\n')) {
    const match = /^(\S+)\s+(\d+)\s+(0x[0-9a-f]+)(?:\s+(\d+))?(?:\s+(x))?\s*$/.exec(line);
    if (match !== null) rows.push(`${basename(match[1]!)}:${match[2]}@${match[3]}${match[5] === 'x' ? ' stmt' : ''}`);
  }
  return rows;
}

const opened: SymbolFile[] = [];
function open(path: string): SymbolFile {
  const file = SymbolFile.open(path);
  opened.push(file);
  return file;
}
afterAll(() => opened.forEach((file) => file.close()));

const twoUnitBuilds = [
  { label: 'DWARF 5', flags: ['-g', '-O0'] },
  { label: 'DWARF 4', flags: ['-g', '-gdwarf-4', '-O0'] },
  { label: 'DWARF 5 -O2', flags: ['-g', '-O2'] },
  { label: 'DWARF 4 -O2', flags: ['-g', '-gdwarf-4', '-O2'] },
  { label: '64-bit DWARF 5', flags: ['-g', '-gdwarf64', '-O0'] },
  { label: 'DWARF 3', flags: ['-g', '-gdwarf-3', '-O0'] },
  { label: 'DWARF 2', flags: ['-g', '-gdwarf-2', '-O0'] },
];

describe.each(twoUnitBuilds)('line table of a two-unit program ($label)', ({ label, flags }) => {
  const program = compileProgram(`lines-${label.replace(/\W/g, '')}`, ['lines-main.c', 'lines-helper.c'], flags);

  it('decodes every row of every unit exactly as llvm-dwarfdump does', () => {
    const file = open(program);
    const dwarf = file.dwarf!;
    const oracle = llvmLineRows(program);
    const units = dwarf.units.compileUnits();
    expect(units).toHaveLength(2);
    for (const unit of units) {
      const expected = oracle.get(unit.lineProgramOffset!);
      expect(expected, `llvm-dwarfdump has a table at ${unit.lineProgramOffset}`).toBeDefined();
      const actual = [...dwarf.lineTable(unit)!.rows()].map((row) => ({
        address: row.address, line: row.line, column: row.column, file: row.file, discriminator: row.discriminator, flags: flagsOf(row),
      }));
      expect(actual).toEqual(expected);
      expect(actual.length).toBeGreaterThan(5);
    }
  });

  it('agrees with objdump --dwarf=decodedline on file, line, address and is_stmt', () => {
    const file = open(program);
    const dwarf = file.dwarf!;
    const actual: string[] = [];
    for (const unit of dwarf.units.compileUnits()) {
      const table = dwarf.lineTable(unit)!;
      for (const row of table.rows()) {
        if (row.endSequence) continue;
        actual.push(`${basename(table.filePath(row.file)!)}:${row.line}@${hex(row.address)}${row.isStmt ? ' stmt' : ''}`);
      }
    }
    expect(actual).toEqual(objdumpRows(program));
  });

  it('maps every row address back to its file and line as llvm-addr2line does', () => {
    const file = open(program);
    const dwarf = file.dwarf!;
    const addresses: bigint[] = [];
    for (const unit of dwarf.units.compileUnits()) {
      for (const row of dwarf.lineTable(unit)!.rows()) if (!row.endSequence) addresses.push(row.address);
    }
    // GNU addr2line 2.40 mislabels header files in DWARF 5 tables; LLVM's reads them right.
    const oracle = run('llvm-addr2line', ['-e', program, ...addresses.map(hex)]).trim().split('\n');
    const actual = addresses.map((address) => {
      const position = file.lineForAddress(address);
      return position === undefined ? '??:0' : `${position.file}:${position.line}`;
    });
    // addr2line appends " (discriminator N)" to some lines.
    expect(actual).toEqual(oracle.map((line) => line.replace(/ \(discriminator \d+\)$/, '')));
  });

  it('lists the source files of the program with absolute paths', () => {
    const files = open(program).sourceFiles();
    expect(files).toEqual(expect.arrayContaining([fixture('lines-main.c'), fixture('lines-helper.c'), fixture('lines-shared.h')]));
    expect(files.every((path) => path.startsWith('/'))).toBe(true);
  });
});

describe('breakpoint addresses for source lines', () => {
  const program = compileProgram('lines-bp', ['lines-main.c', 'lines-helper.c'], ['-g', '-O0']);

  it('gives the address of a line that has code, as gdb does', () => {
    const file = open(program);
    const oracle = run('gdb', ['-nx', '-batch', '-ex', 'info line lines-main.c:9', program]);
    const start = /starts at address (0x[0-9a-f]+)/.exec(oracle)![1]!;
    expect(file.addressesForLine('lines-main.c', 9)).toEqual({ line: 9, addresses: [BigInt(start)] });
  });

  it('moves a breakpoint on a comment or blank line to the next line with code', () => {
    const file = open(program);
    const next = file.addressesForLine('lines-main.c', 14);
    const blank = file.addressesForLine(fixture('lines-main.c'), 15);
    const direct = file.addressesForLine('lines-main.c', 16);
    expect(next?.line).toBe(16);
    expect(blank).toEqual(next);
    expect(next).toEqual(direct);
    expect(file.lineForAddress(next!.addresses[0]!)).toMatchObject({ file: fixture('lines-main.c'), line: 16 });
  });

  it('finds one address per function for a loop header, not one per line-table run', () => {
    const file = open(program);
    const loop = file.addressesForLine('lines-main.c', 11)!;
    expect(loop.addresses).toHaveLength(1);
    const oracle = run('gdb', ['-nx', '-batch', '-ex', 'break lines-main.c:11', program]);
    expect(hex(loop.addresses[0]!)).toBe(/Breakpoint 1 at (0x[0-9a-f]+)/.exec(oracle)![1]);
  });

  it('finds a header line in every unit that compiled it', () => {
    const file = open(program);
    const inHeader = file.addressesForLine('lines-shared.h', 3)!;
    expect(inHeader.line).toBe(3);
    expect(inHeader.addresses).toHaveLength(2);
    const functions = inHeader.addresses.map((address) => file.functionAt(address));
    expect(functions.map((fn) => fn?.name)).toEqual(['clamp', 'clamp']);
    expect(new Set(functions.map((fn) => fn?.die.unit.name)).size).toBe(2);
  });

  it('returns nothing past the last line with code or for an unknown file', () => {
    const file = open(program);
    expect(file.addressesForLine('lines-main.c', 500)).toBeUndefined();
    expect(file.addressesForLine('no-such-file.c', 3)).toBeUndefined();
  });
});

describe('laziness of line lookups', () => {
  it('reads only the unit that holds the address', () => {
    const program = compileProgram('lines-lazy', ['lines-main.c', 'lines-helper.c'], ['-g', '-O0']);
    const file = open(program);
    const helper = file.symbolByName('helper')!;
    expect(file.lineForAddress(helper.value)).toMatchObject({ file: fixture('lines-helper.c'), line: 4 });
    expect(file.dwarf!.statistics()).toEqual({ unitTreesParsed: 0, lineTablesParsed: 1 });
  });

  it('reads one unit of libc\'s separate debug file to find a line', (ctx) => {
    const libc = open('/lib/x86_64-linux-gnu/libc.so.6');
    if (libc.dwarf === undefined) return ctx.skip('no separate debug file for libc (Debian: apt-get install libc6-dbg)');
    const qsort = libc.symbolByName('qsort')!;
    const position = libc.lineForAddress(qsort.value);
    // comp_dir is "./stdlib" (reproducible builds) and DWARF 5 directory 0 is that same
    // directory: gdb shows ./stdlib/msort.c (binutils and LLVM join it twice).
    expect(position?.file).toBe('stdlib/msort.c');
    expect(libc.dwarf.statistics()).toEqual({ unitTreesParsed: 0, lineTablesParsed: 1 });
    // One line program of the hundreds there are (how fast, beside addr2line: bench/symbols.mjs).
    expect(libc.dwarf.units.compileUnits().length).toBeGreaterThan(100);
  });
});

describe('split DWARF (-gsplit-dwarf, more in split-dwarf.test.ts)', () => {
  it('reads lines through the skeleton unit left in the executable', () => {
    const program = compileProgram('lines-split', ['lines-main.c', 'lines-helper.c'], ['-g', '-gsplit-dwarf', '-O0']);
    const file = open(program);
    const units = file.dwarf!.units.compileUnits();
    expect(units.map((unit) => unit.header.unitType)).toEqual([4, 4]); // DW_UT_skeleton
    expect(units.map((unit) => unit.header.dwoId)).not.toContain(undefined);
    const helper = file.symbolByName('helper')!;
    expect(file.lineForAddress(helper.value)).toMatchObject({ file: fixture('lines-helper.c'), line: 4 });
    expect(file.addressesForLine('lines-main.c', 14)?.line).toBe(16);
    // Only the skeletons' DIEs were read: the .dwo files were not needed for lines.
    expect(file.dwarf!.statistics()).toEqual({ unitTreesParsed: 0, lineTablesParsed: 2 });
  });
});

describe('line table of a -O2 program with split functions', () => {
  it('decodes every row as llvm-dwarfdump does', () => {
    const program = compileFixture('optimized.c', ['-g', '-O2', '-ffunction-sections']);
    const file = open(program);
    const dwarf = file.dwarf!;
    const oracle = llvmLineRows(program);
    for (const unit of dwarf.units.compileUnits()) {
      const actual = [...dwarf.lineTable(unit)!.rows()].map((row) => ({
        address: row.address, line: row.line, column: row.column, file: row.file, discriminator: row.discriminator, flags: flagsOf(row),
      }));
      expect(actual).toEqual(oracle.get(unit.lineProgramOffset!));
    }
  });
});
