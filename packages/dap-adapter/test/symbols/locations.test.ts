import { afterAll, describe, expect, it } from 'vitest';
import {
  DW_AT, formatExpression, locationDescriptionOf, registersByDwarfNumber, sizeOfType, SymbolFile, X86_64,
  type Die, type ExpressionContext, type FunctionInfo, type Location, type VariableInfo,
} from '../../src/symbols/index.js';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import {
  compileFixture, dumpDies, dumpedRanges, fixture, gdbBatch, gdbScope, hex, parseGdbMappings, parseGdbRegisters, quotedName,
} from './helpers.js';

const opened: SymbolFile[] = [];
function open(path: string): SymbolFile {
  const file = SymbolFile.open(path);
  opened.push(file);
  return file;
}
afterAll(() => opened.forEach((file) => file.close()));

const PIE_BIAS = 0x555555554000n; // where gdb (no ASLR) loads a PIE

/** A context for a stopped frame whose CFA we know; registers and memory are not needed for fbreg/addr. */
function frameContext(file: SymbolFile, fn: FunctionInfo, pc: bigint, cfa: bigint): ExpressionContext {
  const base: ExpressionContext = {
    readRegister: () => { throw new Error('no registers'); },
    readMemory: () => { throw new Error('no memory'); },
    loadBias: PIE_BIAS,
    cfa,
  };
  return { ...base, frameBase: file.frameBaseAt(fn, pc, base) };
}

describe('locations of an -O0 program', () => {
  skipEachWhen(missing.tool('gdb') ?? missing.tool('llvm-dwarfdump', 'Debian package llvm'));

  const program = compileFixture('locals.c', ['-g', '-O0']);

  it.each([['locals.c:21', 21], ['locals.c:26', 26], ['main', undefined]])('finds the variables in scope at %s as gdb info scope does', (where, line) => {
    const file = open(program);
    const pc = line === undefined ? file.functionByName('main')!.entryPc : file.addressesForLine(fixture('locals.c'), line)!.addresses[0]!;
    const fn = file.functionAt(pc)!;
    const cfa = 0x7fffffff0000n;
    const context = frameContext(file, fn, pc, cfa);
    const scopes = file.variablesAt(pc);
    const ours = new Map<string, { location: string; length: number }>();
    for (const variable of [...scopes.locals, ...scopes.parameters]) {
      const location = file.locateVariable(variable, pc, context);
      expect(location.kind).toBe('memory');
      const address = (location as Extract<Location, { kind: 'memory' }>).address;
      // Frame-relative variables sit below the CFA; statics are at their file address plus the bias.
      const described = address < cfa && address > cfa - 0x1000n ? `fbreg ${address - cfa}` : `static ${hex(address - PIE_BIAS)}`;
      ours.set(variable.name!, { location: described, length: sizeOfType(file.typeOf(variable))! });
    }
    expect(ours).toEqual(gdbScope(program, where));
  });

  it('orders locals innermost block first and tells parameters from locals', () => {
    const file = open(program);
    const pc = file.addressesForLine(fixture('locals.c'), 21)!.addresses[0]!;
    const scopes = file.variablesAt(pc);
    expect(scopes.function?.name).toBe('combine');
    expect(scopes.parameters.map((variable) => variable.name)).toEqual(['base', 'extra', 'tag']);
    expect(scopes.locals.map((variable) => variable.name)).toEqual(['letter', 'doubled', 'result', 'calls']);
    expect(scopes.locals[0]!.scope![0]!.start).toBeGreaterThan(scopes.function!.lowPc);
    expect(scopes.globals.map((variable) => variable.name)).toEqual(['global_counter', 'file_ratio']);
    expect(scopes.globals.map((variable) => variable.isExternal)).toEqual([true, false]);
    const outside = file.variablesAt(file.addressesForLine(fixture('locals.c'), 26)!.addresses[0]!);
    expect(outside.locals.map((variable) => variable.name)).toEqual(['partial', 'step', 'result', 'calls']);
  });

  it('computes the same run-time addresses as gdb at a breakpoint (CFI, frame base and fbreg together)', () => {
    const file = open(program);
    const names = ['letter', 'doubled', 'base', 'extra', 'tag', 'result', 'calls', 'global_counter', 'file_ratio'];
    const output = gdbBatch(program, [
      'break locals.c:21', 'run', 'info registers rip rsp rbp', ...names.map((name) => `print &${name}`), 'info proc mappings',
    ]);
    const registers = registersByDwarfNumber(parseGdbRegisters(output));
    const bias = file.elf.loadBiasFromMappings(parseGdbMappings(output), program)!;
    const expected = [...output.matchAll(/^\$\d+ = (?:\([^)]*\) )?(0x[0-9a-f]+)/gm)].map((match) => BigInt(match[1]!));
    expect(expected).toHaveLength(names.length);

    const pc = registers.get(X86_64.rip)! - bias;
    const row = file.cfiFor(pc)!;
    expect(row.cfa.kind).toBe('register-offset');
    const cfa = row.cfa.kind === 'register-offset' ? registers.get(row.cfa.register)! + row.cfa.offset : 0n;
    const fn = file.functionAt(pc)!;
    const base: ExpressionContext = {
      readRegister: (number) => registers.get(number)!, readMemory: () => Buffer.alloc(0), loadBias: bias, cfa,
    };
    const context = { ...base, frameBase: file.frameBaseAt(fn, pc, base) };
    const scopes = file.variablesAt(pc);
    const all = new Map<string, VariableInfo>([...scopes.locals, ...scopes.parameters, ...scopes.globals].map((variable) => [variable.name!, variable]));
    const actual = names.map((name) => {
      const location = file.locateVariable(all.get(name)!, pc, context);
      return location.kind === 'memory' ? location.address : undefined;
    });
    expect(actual).toEqual(expected);
  });
});

describe.each([
  { label: 'DWARF 5 (.debug_loclists)', flags: ['-g', '-O2', '-ffunction-sections'] },
  { label: 'DWARF 4 (.debug_loc)', flags: ['-g', '-gdwarf-4', '-O2', '-ffunction-sections'] },
  { label: 'DWARF 3 (.debug_loc through data4)', flags: ['-g', '-gdwarf-3', '-O2', '-ffunction-sections'] },
  { label: '64-bit DWARF 5', flags: ['-g', '-gdwarf64', '-O2', '-ffunction-sections'] },
])('location lists of an -O2 program, $label', ({ flags }) => {
  skipEachWhen(missing.tool('gdb') ?? missing.tool('llvm-dwarfdump', 'Debian package llvm'));

  const program = compileFixture('optimized.c', flags);

  it('decodes every location list (ranges and expressions) as llvm-dwarfdump does', () => {
    const file = open(program);
    const dies = dumpDies(program).filter((die) => (die.tag === 'DW_TAG_formal_parameter' || die.tag === 'DW_TAG_variable')
      && die.attributes.get('location')?.includes('['));
    expect(dies.length).toBeGreaterThan(5);
    for (const dumped of dies) {
      const die = file.dwarf!.units.dieAt('.debug_info', dumped.offset)!;
      const text = dumped.attributes.get('location')!;
      const expected = [...text.matchAll(/\[(0x[0-9a-f]+), (0x[0-9a-f]+)\): (.*?)\)?$/gm)]
        .filter((match) => BigInt(match[2]!) > BigInt(match[1]!))
        .map((match) => `[${BigInt(match[1]!)}, ${BigInt(match[2]!)}) ${match[3]}`);
      expect(locationListText(die), `${quotedName(dumped.attributes.get('name')) ?? quotedName(dumped.attributes.get('abstract_origin'))}`).toEqual(expected);
      expect(dumpedRanges(text).length).toBe(expected.length);
    }
  });

  it('gives the value of a parameter held in a register at function entry, as gdb prints it', () => {
    const file = open(program);
    const output = gdbBatch(program, ['break *scale', 'run', 'info registers', 'print input', 'print factor', 'info proc mappings']);
    const registers = registersByDwarfNumber(parseGdbRegisters(output));
    const bias = file.elf.loadBiasFromMappings(parseGdbMappings(output), program)!;
    const printed = [...output.matchAll(/^\$\d+ = (-?\d+)$/gm)].map((match) => BigInt(match[1]!));
    const pc = registers.get(X86_64.rip)! - bias;
    const scopes = file.variablesAt(pc);
    expect(scopes.function?.name).toBe('scale');
    const context: ExpressionContext = { readRegister: (number) => registers.get(number)!, readMemory: () => Buffer.alloc(0), loadBias: bias };
    const values = ['input', 'factor'].map((name) => {
      const variable = scopes.parameters.find((parameter) => parameter.name === name)!;
      const location = file.locateVariable(variable, pc, context);
      if (location.kind !== 'register') throw new Error(`${name} is not in a register: ${location.kind}`);
      const size = sizeOfType(file.typeOf(variable))!;
      return BigInt.asIntN(size * 8, registers.get(location.register)!);
    });
    expect(values).toEqual(printed);
  });

  it('reports a value that only an entry value could give as optimized out', () => {
    const file = open(program);
    const scale = file.functionByName('scale')!;
    const factor = file.variablesAt(scale.entryPc).parameters.find((parameter) => parameter.name === 'factor')!;
    expect(factor.location.kind).toBe('list');
    const list = factor.location.kind === 'list' ? factor.location.list : undefined;
    const late = list!.entries.find((entry) => formatExpression(entry.expression).includes('entry_value'))!;
    const context: ExpressionContext = { readRegister: () => 0n, readMemory: () => Buffer.alloc(8), loadBias: 0n };
    expect(file.locateVariable(factor, late.start, context)).toEqual({ kind: 'optimized-out' });
    // With a debugger that knows the entry value (from the caller's call site), the value is computed.
    const known = file.locateVariable(factor, late.start, { ...context, entryValue: () => 42n });
    expect(known).toEqual({ kind: 'implicit-value', bytes: Buffer.from([42, 0, 0, 0, 0, 0, 0, 0]) });
    // Outside of every range of the list the parameter has no location.
    expect(file.locateVariable(factor, scale.entryPc - 1n, context)).toEqual({ kind: 'optimized-out' });
  });
});

/** Our location list of a DIE as "[start, end) expression" lines, in llvm-dwarfdump's notation. */
function locationListText(die: Die): string[] {
  const description = locationDescriptionOf(die, DW_AT.location);
  if (description?.kind !== 'list') return [];
  return description.list.entries.map((entry) => `[${entry.start}, ${entry.end}) ${formatExpression(entry.expression)}`);
}
