// What the elf and dwarf targets do with an input: every reader of @umview/dap-adapter's symbol
// layer, driven the way the debugger drives them. The contract under test (src/symbols/errors.ts):
// bad input only ever raises a SymbolsError; anything else (TypeError, RangeError, a stack
// overflow) is a bug, and a hang or a runaway allocation is one too.
'use strict';

// The internal entry: the readers' machinery (DwarfInfo, FrameSection, locate...) is not public.
const dap = require('@umview/dap-adapter/internal');

const { SymbolsError } = dap;

/** Caps on what one input may make us enumerate (the readers are lazy; the fuzzer must not be
 * slowed by a seed's legitimate size). */
const MAX_DIES = 4000;
const MAX_FUNCTIONS = 60;
const MAX_ROWS = 2000;
const MAX_FDES = 200;

/** Runs `step`; a SymbolsError is the expected outcome of bad input, anything else escapes. */
function attempt(step) {
  try {
    return step();
  } catch (error) {
    if (error instanceof SymbolsError) return undefined;
    throw error;
  }
}

/** A stopped program whose registers all hold 0x7ffc0000 and whose memory reads as a pattern. */
const fakeContext = {
  readRegister: () => 0x7ffc0000n,
  readMemory: (address, size) => {
    if (size > 1 << 20) throw new dap.DwarfExpressionError(`read of ${size} bytes`);
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i++) out[i] = Number((address + BigInt(i)) & 0xffn);
    return out;
  },
  loadBias: 0n,
  cfa: 0x7ffc0100n,
  frameBase: 0x7ffc0100n,
};

/** Variables, types and locations at `pc` through whatever answers queries at file addresses. */
function inspectAt(query, pc) {
  attempt(() => query.lineForAddress(pc));
  const fn = attempt(() => query.functionAt(pc));
  if (fn !== undefined) {
    attempt(() => fn.inlineChainAt(pc).map((call) => [call.callFile, call.callLine, call.name]));
    attempt(() => [fn.name, fn.linkageName, fn.declarationFile, fn.declarationLine, fn.frameBase]);
  }
  for (let depth = 0; depth < 2; depth++) {
    const scopes = attempt(() => query.variablesAt(pc, depth));
    if (scopes === undefined) continue;
    for (const variable of [...scopes.parameters, ...scopes.locals, ...scopes.globals].slice(0, 40)) {
      attempt(() => dap.typeName(query.typeOf(variable)));
      attempt(() => dap.declarationOf(variable.name ?? 'x', query.typeOf(variable)));
      attempt(() => dap.sizeOfType(query.typeOf(variable)));
      attempt(() => query.locateVariable(variable, pc, fakeContext));
    }
    if (fn !== undefined) attempt(() => query.frameBaseAt(fn, pc, fakeContext));
  }
}

/** Every DIE of every unit (capped), with the attribute accessors the debugger uses. */
function walkUnits(dwarf) {
  let seen = 0;
  const units = attempt(() => dwarf.units.compileUnits()) ?? [];
  for (const unit of units) {
    attempt(() => [unit.name, unit.compilationDirectory, unit.producer, unit.baseAddress, unit.splitUnitFile]);
    const dies = attempt(() => dwarf.codeUnit(unit).dies) ?? [];
    for (const die of dies) {
      if (++seen > MAX_DIES) return;
      attempt(() => die.name);
      attempt(() => die.children.length);
      for (const attr of [0x11, 0x12, 0x49, 0x3a, 0x3b, 0x02]) attempt(() => die.attribute(attr)); // low/high pc, type, decl, location
      if (seen % 16 === 0) attempt(() => dap.typeName(dwarf.typeOf(die)));
    }
    const table = attempt(() => dwarf.lineTable(unit));
    if (table !== undefined) {
      attempt(() => table.sourceFiles());
      let rows = 0;
      attempt(() => {
        for (const row of table.rows()) if (++rows > MAX_ROWS) break;
      });
    }
    const index = attempt(() => dwarf.functionIndex(unit));
    for (const fn of (index?.functions ?? []).slice(0, MAX_FUNCTIONS)) {
      attempt(() => fn.lowPc);
      attempt(() => fn.highPc);
    }
    attempt(() => dwarf.unitGlobals(unit));
  }
}

/** Addresses worth asking about: where functions and line rows start, and just after. */
function interestingAddresses(dwarf, extra = []) {
  const out = new Set(extra);
  for (const unit of (attempt(() => dwarf.units.compileUnits()) ?? []).slice(0, 8)) {
    const index = attempt(() => dwarf.functionIndex(unit));
    for (const fn of (index?.functions ?? []).slice(0, 12)) {
      const low = attempt(() => fn.lowPc);
      if (typeof low === 'bigint') {
        out.add(low);
        out.add(low + 5n);
      }
    }
    const table = attempt(() => dwarf.lineTable(unit));
    for (const sequence of (table?.sequences ?? []).slice(0, 4)) {
      for (const row of sequence.rows?.slice?.(0, 6) ?? []) out.add(row.address);
    }
  }
  return [...out].slice(0, 48);
}

/** Every FDE of a CFI section (capped) and its row at two pcs. */
function walkFrames(section) {
  if (section === undefined) return;
  let count = 0;
  attempt(() => {
    for (const fde of section.fdes()) {
      if (++count > MAX_FDES) break;
      attempt(() => section.rowInFde(fde, fde.pcBegin));
      attempt(() => section.rowInFde(fde, fde.pcEnd - 1n));
      attempt(() => section.findFde(fde.pcBegin));
    }
  });
}

module.exports = { attempt, fakeContext, inspectAt, walkUnits, interestingAddresses, walkFrames, dap };
