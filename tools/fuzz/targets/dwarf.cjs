// Fuzz target: the DWARF readers (units, abbreviations, forms, line programs, ranges, location
// lists, types, expressions) and the CFI readers (.eh_frame, .debug_frame), fed the debugging
// sections of real binaries packed by lib/sections.cjs, so that every mutation lands in DWARF.
'use strict';

const { unpack } = require('../lib/sections.cjs');
const { attempt, inspectAt, walkUnits, interestingAddresses, walkFrames, dap } = require('../lib/symbols-exercise.cjs');

const { DwarfInfo, FrameSection, locate, sizeOfType } = dap;

function fuzz(bytes) {
  if (bytes.length > 256 * 1024) return; // only jsfuzz's versifier makes such inputs (it is off for this target)
  const { sections, ehFrameAddress } = unpack(bytes);
  const dwarf = new DwarfInfo((name) => sections.get(name));
  // What SymbolFile adds on top of DwarfInfo for a query at a pc.
  const query = {
    lineForAddress: (pc) => dwarf.lineForAddress(pc),
    functionAt: (pc) => dwarf.functionAt(pc),
    variablesAt: (pc, depth) => dwarf.variablesAt(pc, depth),
    typeOf: (entity) => dwarf.typeOf(entity),
    locateVariable: (variable, pc, context) => {
      const unit = variable.die.unit;
      return locate(variable.location, pc, { addressAtIndex: (index) => unit.addressAtIndex(index), ...context }, sizeOfType(dwarf.typeOf(variable)) ?? 8);
    },
    frameBaseAt: (fn, pc, context) => dap.evaluateFrameBase(fn, pc, context),
  };
  try {
    walkUnits(dwarf);
    for (const pc of interestingAddresses(dwarf)) inspectAt(query, pc);
    attempt(() => {
      for (const path of dwarf.sourceFiles().slice(0, 3)) for (const line of [1, 7, 20]) attempt(() => dwarf.addressesForLine(path, line));
    });
    attempt(() => dwarf.functionsNamed('main'));
    attempt(() => dwarf.statistics());
    const eh = sections.get('.eh_frame');
    if (eh !== undefined && eh.length > 0) walkFrames(attempt(() => new FrameSection('eh_frame', eh, ehFrameAddress, undefined)));
    const debugFrame = sections.get('.debug_frame');
    if (debugFrame !== undefined && debugFrame.length > 0) walkFrames(attempt(() => new FrameSection('debug_frame', debugFrame, 0n, undefined)));
  } finally {
    attempt(() => dwarf.close());
  }
}

module.exports = { fuzz };
