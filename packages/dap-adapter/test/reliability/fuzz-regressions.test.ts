// Every input the fuzzer (tools/fuzz) found a bug with, replayed through the readers' sources:
// each must now give only the readers' typed errors (a runaway loop or allocation would show as
// the test's timeout; how long a replay takes is measured by bench/symbols.mjs). The inputs live in
// tools/fuzz/regressions/<target>/ (*.b64: base64; others: raw bytes); the dwarf target's are
// debugging sections packed by tools/fuzz/lib/sections.cjs, the elf target's whole files.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CorruptDwarfError, DwarfInfo, ElfFile, FrameSection, SymbolFile, SymbolsError, typeName, type DwarfSectionName } from '../../src/symbols/index.js';
import { CoreFile } from '../../src/core/core-file.js';
import { CoreMemory } from '../../src/core/core-memory.js';

const fuzzDir = fileURLToPath(new URL('../../../../tools/fuzz/', import.meta.url));
const { unpack } = createRequire(import.meta.url)(join(fuzzDir, 'lib', 'sections.cjs')) as {
  unpack(bytes: Buffer): { sections: Map<string, Buffer>; ehFrameAddress: bigint };
};

function inputs(target: string): { name: string; bytes: Buffer }[] {
  const dir = join(fuzzDir, 'regressions', target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => !name.startsWith('.') && !name.endsWith('.md')).map((name) => {
    const raw = readFileSync(join(dir, name));
    return { name, bytes: name.endsWith('.b64') ? Buffer.from(raw.toString('latin1').replace(/\s+/g, ''), 'base64') : raw };
  });
}

/** Runs `step`; returns what it threw (undefined if nothing). */
function attempt(errors: unknown[], step: () => unknown): void {
  try {
    step();
  } catch (error) {
    errors.push(error);
  }
}

const context = {
  readRegister: () => 0x7ffc0000n,
  readMemory: (_address: bigint, size: number) => Buffer.alloc(Math.min(size, 1 << 16)),
  loadBias: 0n,
  cfa: 0x7ffc0100n,
  frameBase: 0x7ffc0100n,
};

function exerciseDwarf(dwarf: DwarfInfo, errors: unknown[]): void {
  let units: ReturnType<DwarfInfo['units']['compileUnits']> = [];
  attempt(errors, () => {
    units = dwarf.units.compileUnits();
  });
  for (const unit of units) {
    attempt(errors, () => dwarf.codeUnit(unit).dies.map((die) => die.name));
    attempt(errors, () => [...(dwarf.lineTable(unit)?.rows() ?? [])].length);
    attempt(errors, () => {
      for (const fn of dwarf.functionIndex(unit).functions.slice(0, 20)) {
        const scopes = dwarf.variablesAt(fn.lowPc);
        for (const variable of [...scopes.parameters, ...scopes.locals]) attempt(errors, () => typeName(dwarf.typeOf(variable)));
      }
    });
  }
  attempt(errors, () => dwarf.sourceFiles());
  void context;
}

function expectTyped(errors: unknown[], label: string): void {
  for (const error of errors) {
    if (!(error instanceof SymbolsError)) throw new Error(`${label}: untyped ${(error as Error)?.stack ?? String(error)}`);
  }
}

describe('fuzzer regressions: dwarf target', () => {
  const cases = inputs('dwarf');
  it('has its inputs', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases.map((c) => [c.name, c.bytes] as const))('%s: typed errors only', (_name, bytes) => {
    const { sections, ehFrameAddress } = unpack(bytes);
    const errors: unknown[] = [];
    const dwarf = new DwarfInfo((name: DwarfSectionName) => sections.get(name));
    exerciseDwarf(dwarf, errors);
    const eh = sections.get('.eh_frame');
    if (eh !== undefined && eh.length > 0) {
      attempt(errors, () => {
        const frames = new FrameSection('eh_frame', eh, ehFrameAddress, undefined);
        for (const fde of frames.fdes()) frames.rowInFde(fde, fde.pcBegin);
      });
    }
    expectTyped(errors, _name);
  });

  it('line-table-entries-without-bytes: a DWARF 5 file table of empty entries is corrupt, not 2 GB of them', () => {
    const { sections } = unpack(cases.find((c) => c.name.startsWith('line-table-entries-without-bytes'))!.bytes);
    const dwarf = new DwarfInfo((name: DwarfSectionName) => sections.get(name));
    const unit = dwarf.units.compileUnits()[0]!;
    expect(() => dwarf.lineTable(unit)).toThrow(CorruptDwarfError);
    expect(() => dwarf.lineTable(unit)).toThrow(/line table entr/);
  });
});

describe('fuzzer regressions: elf target', () => {
  it('replays every input of regressions/elf (none found so far)', () => expect(inputs('elf').length).toBeGreaterThanOrEqual(0));
  it.each(inputs('elf').map((c) => [c.name, c.bytes] as const))('%s: typed errors only', (name, bytes) => {
    const errors: unknown[] = [];
    let elf: ElfFile | undefined;
    attempt(errors, () => {
      elf = ElfFile.fromBuffer(bytes, name);
    });
    if (elf !== undefined) {
      const file = SymbolFile.fromElf(elf, { separateDebugInfo: false });
      attempt(errors, () => file.symbols.symbols.length);
      attempt(errors, () => elf!.sections.map((section) => elf!.sectionData(section)));
      const dwarf = file.dwarf;
      if (dwarf !== undefined) exerciseDwarf(dwarf, errors);
      attempt(errors, () => file.cfiFor(elf!.entryPoint));
      file.close();
    }
    expectTyped(errors, name);
  });
});

describe('fuzzer regressions: core target', () => {
  it('replays every input of regressions/core (none found so far)', () => expect(inputs('core').length).toBeGreaterThanOrEqual(0));
  it.each(inputs('core').map((c) => [c.name, c.bytes] as const))('%s: typed errors only', (name, bytes) => {
    const errors: unknown[] = [];
    attempt(errors, () => {
      const core = CoreFile.fromBuffer(bytes, name);
      const memory = new CoreMemory(core, () => undefined);
      try {
        for (const segment of core.segments.slice(0, 32)) memory.readAvailable(segment.start, Buffer.alloc(4096));
        for (const file of core.files.slice(0, 32)) memory.readAvailable(file.start, Buffer.alloc(256));
      } finally {
        memory.close();
        core.close();
      }
    });
    expectTyped(errors, name);
  });
});
