// Breakpoint resolution reads what it needs and no more: in a program of several units, a
// source breakpoint runs the line program of the unit that has the file, and parses no DIE
// tree but that unit's.
import { afterAll, describe, expect, it } from 'vitest';
import { functionAddresses, sourceLineAddresses } from '../../src/breakpoints/locations.js';
import type { LoadedModule } from '../../src/modules/module-map.js';
import { SymbolFile } from '../../src/symbols/index.js';
import { compileProgram, fixture } from '../symbols/helpers.js';

const opened: SymbolFile[] = [];
afterAll(() => opened.forEach((file) => file.close()));

function module(path: string): LoadedModule {
  const symbols = SymbolFile.open(path);
  opened.push(symbols);
  return { id: 1, path, bias: 0n, start: 0n, end: 0n, isMainExecutable: true, symbols };
}

describe('lazy breakpoint resolution', () => {
  it('reads one unit for a source line, and finds the same addresses as the whole-file lookup', () => {
    const path = compileProgram('lazy-lines', ['lines-main.c', 'lines-helper.c'], ['-g', '-O0']);
    const lazy = module(path);
    const helper = fixture('lines-helper.c');
    const found = sourceLineAddresses(lazy, helper, 1);
    expect(found).toBeDefined();
    const statistics = lazy.symbols.dwarf!.statistics();
    expect(statistics.lineTablesParsed).toBe(1);
    expect(statistics.unitTreesParsed).toBeLessThanOrEqual(1);
    // The eager reader, over every unit, agrees.
    const eager = module(path).symbols.addressesForLine(helper, 1);
    expect(found).toEqual({ line: eager!.line, addresses: eager!.addresses });
  });

  it('finds a function through the symbol table, parsing only its unit', () => {
    const path = compileProgram('lazy-functions', ['lines-main.c', 'lines-helper.c'], ['-g', '-O0']);
    const lazy = module(path);
    const [address] = functionAddresses(lazy, 'main');
    expect(address).toBeGreaterThan(lazy.symbols.symbolByName('main')!.value); // after the prologue
    expect(lazy.symbols.dwarf!.statistics().unitTreesParsed).toBe(1);
    expect(functionAddresses(lazy, 'no_such_function')).toEqual([]);
  });
});
