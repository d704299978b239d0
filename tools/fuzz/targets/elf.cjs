// Fuzz target: the ELF reader, and the DWARF and CFI readers reached through it, on whole
// files (seeds: real binaries compiled on the fly with -g, -O2, -gdwarf-4, -gsplit-dwarf, -gz,
// stripped, shared...). Only SymbolsError may escape a reader.
'use strict';

const { attempt, fakeContext, inspectAt, walkUnits, interestingAddresses, walkFrames, dap } = require('../lib/symbols-exercise.cjs');

const { ElfFile, SymbolFile, unwindStack, parseProcMaps } = dap;

function fuzz(bytes) {
  if (bytes.length > 256 * 1024) return; // only jsfuzz's versifier makes such inputs (it is off for this target)
  let elf;
  try {
    elf = ElfFile.fromBuffer(bytes, 'fuzz');
  } catch (error) {
    if (error instanceof dap.SymbolsError) return;
    throw error;
  }
  const file = SymbolFile.fromElf(elf, { separateDebugInfo: false });
  try {
    attempt(() => elf.programHeaders);
    attempt(() => elf.interpreter());
    attempt(() => elf.dynamicEntries());
    attempt(() => elf.debugStructureSlot());
    attempt(() => elf.notes?.());
    attempt(() => elf.buildId());
    attempt(() => elf.debugLink());
    attempt(() => elf.loadBiasForMapping({ start: 0x555555554000n, offset: 0n }));
    attempt(() => elf.loadBiasFromMappings(parseProcMaps(`555555554000-555555555000 r--p 00000000 08:01 1 ${elf.path}\n`)));
    for (const section of elf.sections.slice(0, 64)) attempt(() => elf.sectionData(section));
    const symbols = attempt(() => file.symbols.symbols) ?? [];
    const addresses = new Set([elf.entryPoint]);
    for (const symbol of symbols.slice(0, 400)) {
      if (symbol.type === 'func' && addresses.size < 24) {
        addresses.add(symbol.value);
        addresses.add(symbol.value + 4n);
      }
    }
    for (const name of ['main', 'helper', '_start', 'nonexistent']) attempt(() => file.symbolByName(name));
    const dwarf = attempt(() => file.dwarf);
    if (dwarf !== undefined) {
      walkUnits(dwarf);
      for (const address of interestingAddresses(dwarf, addresses)) addresses.add(address);
      attempt(() => {
        const files = file.sourceFiles();
        for (const path of files.slice(0, 3)) for (const line of [1, 5, 12]) attempt(() => file.addressesForLine(path, line));
      });
      attempt(() => file.functionByName('main'));
      attempt(() => file.functionsByName('helper'));
    }
    for (const address of [...addresses].slice(0, 32)) {
      attempt(() => file.symbolAt(address));
      attempt(() => file.nearestSymbol(address));
      inspectAt(file, address);
      attempt(() => file.cfiFor(address));
      attempt(() => unwindStack(
        new Map([[7, 0x7ffc0000n], [6, 0x7ffc0100n], [16, address]]),
        fakeContext.readMemory,
        () => file.unwindModule(0n),
        { maxFrames: 8 },
      ));
    }
    walkFrames(attempt(() => file.callFrameInfo.ehFrame));
    walkFrames(attempt(() => file.callFrameInfo.debugFrame));
  } finally {
    file.close();
  }
}

module.exports = { fuzz };
