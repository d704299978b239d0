import { afterAll, describe, expect, it } from 'vitest';
import { SymbolFile } from '../../src/symbols/index.js';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import {
  compileFixture, compileProgram, dumpDies, dumpedPcRanges, fixture, hex, quotedName, run, type DumpedDie,
} from './helpers.js';

const opened: SymbolFile[] = [];
function open(path: string): SymbolFile {
  const file = SymbolFile.open(path);
  opened.push(file);
  return file;
}
afterAll(() => opened.forEach((file) => file.close()));

/** The name llvm-dwarfdump shows for a subprogram: its own or its origin's. */
function dumpedName(die: DumpedDie): string | undefined {
  return quotedName(die.attributes.get('name')) ?? quotedName(die.attributes.get('abstract_origin'))
    ?? quotedName(die.attributes.get('specification'));
}

const builds = [
  { label: 'two units, -O0, DWARF 5', path: () => compileProgram('functions-O0', ['lines-main.c', 'lines-helper.c'], ['-g', '-O0']) },
  { label: 'two units, -O0, DWARF 4', path: () => compileProgram('functions-O0-4', ['lines-main.c', 'lines-helper.c'], ['-g', '-gdwarf-4', '-O0']) },
  { label: 'two units, -O0, 64-bit DWARF 5', path: () => compileProgram('functions-O0-64', ['lines-main.c', 'lines-helper.c'], ['-g', '-gdwarf64', '-O0']) },
  { label: 'two units, -O0, DWARF 3', path: () => compileProgram('functions-O0-3', ['lines-main.c', 'lines-helper.c'], ['-g', '-gdwarf-3', '-O0']) },
  { label: '-O2 with split functions, DWARF 5', path: () => compileFixture('optimized.c', ['-g', '-O2', '-ffunction-sections']) },
  { label: '-O2 with split functions, DWARF 4', path: () => compileFixture('optimized.c', ['-g', '-gdwarf-4', '-O2', '-ffunction-sections']) },
];

describe.each(builds)('functions of $label', ({ path }) => {
  skipEachWhen(missing.tool('llvm-dwarfdump', 'Debian package llvm'));

  const program = path();

  it('finds every subprogram with code, with the name and ranges llvm-dwarfdump shows', () => {
    const file = open(program);
    const expected = dumpDies(program).filter((die) => die.tag === 'DW_TAG_subprogram' && dumpedPcRanges(die).length > 0);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    for (const die of expected) {
      const ranges = dumpedPcRanges(die);
      for (const range of ranges) {
        for (const address of [range.start, (range.start + range.end) / 2n, range.end - 1n]) {
          const fn = file.functionAt(address);
          expect(fn?.die.offset, `${dumpedName(die)} at ${hex(address)}`).toBe(die.offset);
          expect(fn?.name).toBe(dumpedName(die));
        }
      }
      const fn = file.functionAt(ranges[0]!.start)!;
      expect(fn.ranges).toEqual([...ranges].sort((a, b) => (a.start < b.start ? -1 : 1)));
      expect(fn.entryPc).toBe(ranges[0]!.start);
    }
  });

  it('agrees with the symbol table (nm -S) on where each function starts and ends', () => {
    const file = open(program);
    const sized = run('nm', ['-S', '--defined-only', program]).trim().split('\n').map((line) => line.split(/\s+/))
      .filter((fields) => fields.length === 4 && /[Tt]/.test(fields[2]!));
    let checked = 0;
    for (const [value, size, , name] of sized) {
      const start = BigInt(`0x${value}`);
      const fn = file.functionAt(start);
      if (fn === undefined) continue; // crt code has no DWARF
      checked++;
      // A cold part is a symbol of its own ("scale.cold") inside the function's second range.
      expect(name!.replace(/\.cold$/, '')).toBe(fn.name);
      expect(fn.ranges).toContainEqual({ start, end: start + BigInt(`0x${size}`) });
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it('looks functions up by name and reports where they are declared', () => {
    const file = open(program);
    const subprograms = dumpDies(program).filter((die) => die.tag === 'DW_TAG_subprogram' && dumpedPcRanges(die).length > 0);
    for (const die of subprograms) {
      const name = dumpedName(die)!;
      const fn = file.functionByName(name);
      expect(fn?.name).toBe(name);
      const line = die.attributes.get('decl_line');
      if (line !== undefined) expect(fn?.declarationLine).toBe(Number(line));
      const declaredIn = quotedName(die.attributes.get('decl_file'));
      if (declaredIn !== undefined) expect(fn?.declarationFile).toBe(declaredIn);
    }
    expect(file.functionByName('no_such_function')).toBeUndefined();
  });
});

describe('functions split into hot and cold parts (DW_AT_ranges)', () => {
  skipEachWhen(missing.tool('llvm-addr2line', 'Debian package llvm'));

  const program = compileFixture('optimized.c', ['-g', '-O2', '-ffunction-sections']);

  it('finds scale by any address of either part', () => {
    const file = open(program);
    const scale = file.functionByName('scale')!;
    expect(scale.die.has(0x55 /* DW_AT_ranges */)).toBe(true);
    expect(scale.ranges).toHaveLength(2);
    const hot = file.symbolByName('scale')!;
    const cold = file.symbolByName('scale.cold')!;
    expect(scale.entryPc).toBe(hot.value);
    for (const part of [hot, cold]) {
      for (let address = part.value; address < part.value + part.size; address += 3n) {
        expect(file.functionAt(address)?.name).toBe('scale');
      }
    }
    expect(scale.lowPc).toBe(cold.value < hot.value ? cold.value : hot.value);
    expect(scale.highPc).toBe(cold.value < hot.value ? hot.value + hot.size : cold.value + cold.size);
  });

  it('records inlined calls with their call site, as llvm-addr2line -i shows them', () => {
    const file = open(program);
    const inlined = dumpDies(program).filter((die) => die.tag === 'DW_TAG_inlined_subroutine');
    expect(inlined.length).toBeGreaterThan(0);
    for (const die of inlined) {
      for (const range of dumpedPcRanges(die)) {
        const address = range.start;
        const fn = file.functionAt(address)!;
        const chain = fn.inlineChainAt(address);
        const innermost = chain[chain.length - 1]!;
        expect(innermost.name).toBe(quotedName(die.attributes.get('abstract_origin')));
        expect(innermost.callLine).toBe(Number(die.attributes.get('call_line')));
        expect(innermost.callFile).toBe(fixture('optimized.c'));
        // llvm-addr2line -f -i: innermost function first, then each caller with its call site.
        const lines = run('llvm-addr2line', ['-f', '-i', '-e', program, hex(address)]).trim().split('\n');
        const names = lines.filter((_, index) => index % 2 === 0);
        expect(names).toEqual([...chain.map((call) => call.name).reverse(), fn.name]);
        const callerLine = Number(/:(\d+)/.exec(lines[3]!)![1]);
        expect(innermost.callLine).toBe(callerLine);
      }
    }
  });
});
