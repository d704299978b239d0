// Where a function's body starts, after the prologue that sets up its frame: where a function
// breakpoint, `stopAtMain` and a step into a function stop, as gdb and lldb do. The line table
// says it: the row marked prologue_end if the compiler marks one (clang does), else the second
// row of the function (gcc's first row is the line of the opening brace, its second row the
// first statement).
import type { FunctionInfo, LineTable } from '../symbols/index.js';
import type { LoadedModule } from '../modules/module-map.js';

/** File address of the first instruction of `fn`'s body. */
export function afterPrologue(module: LoadedModule, fn: FunctionInfo): bigint {
  const dwarf = module.symbols.dwarf;
  const unit = dwarf?.unitFor(fn.entryPc);
  const table: LineTable | undefined = unit === undefined ? undefined : dwarf?.lineTable(unit);
  if (table === undefined) return fn.entryPc;
  const range = fn.ranges.find((candidate) => fn.entryPc >= candidate.start && fn.entryPc < candidate.end) ?? fn.ranges[0]!;
  let second: bigint | undefined;
  for (const sequence of table.sequences) {
    if (sequence.end <= range.start || sequence.start >= range.end) continue;
    for (const row of sequence.rows) {
      if (row.endSequence || row.address < fn.entryPc || row.address >= range.end) continue;
      if (row.prologueEnd) return row.address;
      if (row.isStmt && row.address > fn.entryPc && (second === undefined || row.address < second)) second = row.address;
    }
  }
  return second ?? fn.entryPc;
}
