// Malformed input must only ever produce the readers' typed errors, never a RangeError, a
// TypeError, a stack overflow or a hang: seeded random mutations of a real binary.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@umview/test-fixtures';
import { CorruptElfError, ElfFile, NotElfError, SymbolFile, SymbolsError, typeName } from '../../src/symbols/index.js';
import { compileFixture, compileProgram } from './helpers.js';


/** UMVIEW_FUZZ_SCALE=20 multiplies the iteration counts for a longer local run. */
const scale = Number(process.env.UMVIEW_FUZZ_SCALE ?? 1);
const seedBase = Number(process.env.UMVIEW_FUZZ_SEED ?? 0);

interface Subject {
  readonly original: Buffer;
  readonly addresses: readonly bigint[];
  readonly hotRanges: readonly { start: number; end: number }[];
}

function subject(path: string): Subject {
  const original = readFileSync(path);
  const reference = ElfFile.fromBuffer(original);
  const addresses = ['main', 'helper', 'scale', 'sum_squares']
    .map((name) => reference.symbolByName(name)?.value)
    .filter((address): address is bigint => address !== undefined)
    .flatMap((address) => [address, address + 20n]);
  // Byte ranges worth mutating densely: headers, tables and the debug sections.
  const hotRanges = [
    { start: 0, end: 64 },
    { start: reference.header.programHeaderOffset, end: reference.header.programHeaderOffset + 56 * reference.header.programHeaderCount },
    { start: reference.header.sectionHeaderOffset, end: original.length },
    ...reference.sections.filter((section) => /^\.(debug_|eh_frame|symtab|strtab|dynamic|note)/.test(section.name))
      .map((section) => ({ start: section.offset, end: section.offset + section.size })),
  ];
  reference.close();
  return { original, addresses, hotRanges };
}

/** A stopped program where every register is 0x7ffc0000 and all memory reads as zeros. */
const fakeContext = {
  readRegister: () => 0x7ffc0000n,
  readMemory: (_address: bigint, size: number) => Buffer.alloc(size),
  loadBias: 0n,
  cfa: 0x7ffc0100n,
  frameBase: 0x7ffc0100n,
};

/** Runs every reader over the bytes; returns the errors thrown (each must be a SymbolsError). */
function exercise(bytes: Buffer, addresses: readonly bigint[]): unknown[] {
  const errors: unknown[] = [];
  const attempt = (step: () => unknown): void => {
    try {
      step();
    } catch (error) {
      errors.push(error);
    }
  };
  let elf: ElfFile;
  try {
    elf = ElfFile.fromBuffer(bytes, 'mutant');
  } catch (error) {
    return [error];
  }
  const file = SymbolFile.fromElf(elf, { separateDebugInfo: false });
  attempt(() => elf.programHeaders);
  attempt(() => elf.symbols.symbols.length);
  attempt(() => elf.symbolByName('helper'));
  attempt(() => elf.interpreter());
  attempt(() => elf.dynamicEntries());
  attempt(() => elf.debugStructureSlot());
  attempt(() => elf.buildId());
  attempt(() => elf.debugLink());
  attempt(() => elf.loadBiasForMapping({ start: 0x555555554000n, offset: 0n }));
  for (const name of elf.sections.map((section) => section.name)) attempt(() => elf.sectionData(name));
  for (const address of addresses) {
    attempt(() => elf.symbolAt(address));
    attempt(() => file.lineForAddress(address));
    attempt(() => file.functionAt(address)?.inlineChainAt(address));
    attempt(() => {
      const scopes = file.variablesAt(address);
      for (const variable of [...scopes.parameters, ...scopes.locals, ...scopes.globals]) {
        typeName(file.typeOf(variable));
        attempt(() => file.locateVariable(variable, address, fakeContext));
      }
    });
    attempt(() => file.cfiFor(address));
  }
  attempt(() => file.addressesForLine('lines-main.c', 9));
  attempt(() => file.sourceFiles());
  attempt(() => file.functionByName('clamp'));
  attempt(() => {
    for (const unit of file.dwarf?.units.compileUnits() ?? []) for (const die of unit.dies) die.name;
  });
  attempt(() => {
    for (const fde of file.callFrameInfo.ehFrame?.fdes() ?? []) file.callFrameInfo.ehFrame!.rowInFde(fde, fde.pcEnd - 1n);
  });
  file.close();
  return errors;
}

function expectOnlyTypedErrors(errors: unknown[], label: string): void {
  for (const error of errors) {
    if (!(error instanceof SymbolsError)) {
      throw new Error(`${label}: untyped error ${(error as Error)?.constructor?.name}: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
}

const subjects = [
  { label: 'a two-unit -O0 program', path: compileProgram('robustness', ['lines-main.c', 'lines-helper.c'], ['-g', '-O0']) },
  { label: 'an -O2 program (location and range lists)', path: compileFixture('optimized.c', ['-g', '-O2', '-ffunction-sections']) },
  { label: 'an -O2 DWARF 4 program', path: compileFixture('optimized.c', ['-g', '-gdwarf-4', '-O2']) },
];

describe.each(subjects)('robustness against malformed versions of $label', ({ path }) => {
  const { original, addresses, hotRanges } = subject(path);

  it('reads the unmodified binary without any error', () => {
    expect(exercise(original, addresses)).toEqual([]);
  });

  it('throws CorruptElfError for truncated headers', () => {
    for (const length of [5, 16, 63]) {
      expect(() => ElfFile.fromBuffer(original.subarray(0, length))).toThrow(CorruptElfError);
    }
    expect(() => ElfFile.fromBuffer(original.subarray(0, 3))).toThrow(NotElfError);
    // Cut inside the section header table, which sits at the end of the file.
    const cut = ElfFile.fromBuffer(original);
    const inTable = cut.header.sectionHeaderOffset + 100;
    cut.close();
    let thrown: unknown;
    try {
      ElfFile.fromBuffer(original.subarray(0, inTable));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CorruptElfError);
    expect((thrown as CorruptElfError).offset).toBeGreaterThan(0);
  });

  it('survives 100 seeded truncations with typed errors only', () => {
    const next = seededRandom(seedBase + 1);
    for (let index = 0; index < 100 * scale; index++) {
      const length = Math.floor(next() * original.length);
      expectOnlyTypedErrors(exercise(original.subarray(0, length), addresses), `truncation at ${length}`);
    }
  });

  it('survives 300 seeded byte mutations with typed errors only', () => {
    const next = seededRandom(seedBase + 2);
    let failures = 0;
    for (let index = 0; index < 300 * scale; index++) {
      const mutant = Buffer.from(original);
      const count = 1 + Math.floor(next() * 8);
      for (let flip = 0; flip < count; flip++) {
        const range = hotRanges[Math.floor(next() * hotRanges.length)]!;
        const position = range.start + Math.floor(next() * Math.max(1, range.end - range.start));
        if (position < mutant.length) mutant[position] = Math.floor(next() * 256);
      }
      const errors = exercise(mutant, addresses);
      failures += errors.length > 0 ? 1 : 0;
      expectOnlyTypedErrors(errors, `mutation #${index}`);
    }
    expect(failures).toBeGreaterThan(20); // the mutations do reach the parsers
  });

  it('rejects random bytes, with or without an ELF identification, with typed errors', () => {
    const next = seededRandom(seedBase + 3);
    for (let index = 0; index < 50 * scale; index++) {
      const bytes = Buffer.alloc(64 + Math.floor(next() * 4096));
      for (let position = 0; position < bytes.length; position++) bytes[position] = Math.floor(next() * 256);
      if (index % 2 === 0) original.copy(bytes, 0, 0, 16); // valid identification, random header
      const errors = exercise(bytes, addresses);
      expect(errors.length).toBeGreaterThan(0);
      expectOnlyTypedErrors(errors, `random file #${index}`);
    }
  });
});
