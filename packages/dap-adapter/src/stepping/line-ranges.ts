// Where the line table puts an address: its source line, the address range of that line around
// it, and whether a line-table row starts exactly there (the only places a line step may stop).
import type { LoadedModule, ModuleMap } from '../modules/module-map.js';
import type { LineRow, LineTable } from '../symbols/index.js';

export interface LinePosition {
  readonly module: LoadedModule;
  readonly table: LineTable;
  /** The file register of the row (an index into the table's file list). */
  readonly file: number;
  readonly line: number;
  /** Run-time range [start, end) of the contiguous rows of this line that hold the address. */
  readonly start: bigint;
  readonly end: bigint;
  /** A row starts at the address, and it is a recommended breakpoint location (is_stmt). */
  readonly isStatementStart: boolean;
}

export function linePositionAt(modules: ModuleMap, pc: bigint): LinePosition | undefined {
  const module = modules.moduleAt(pc);
  const dwarf = module?.symbols.dwarf;
  if (module === undefined || dwarf === undefined) return undefined;
  const address = pc - module.bias;
  const unit = dwarf.unitFor(address);
  const table = unit === undefined ? undefined : dwarf.lineTable(unit);
  const sequence = table === undefined ? undefined : table.sequenceFor(address);
  if (table === undefined || sequence === undefined) return undefined;
  const rows = sequence.rows;
  const index = lastRowAtOrBelow(rows, address);
  if (index < 0) return undefined;
  const row = rows[index]!;
  const sameLine = (other: LineRow): boolean => other.line === row.line && other.file === row.file && !other.endSequence;
  let first = index;
  while (first > 0 && sameLine(rows[first - 1]!)) first--;
  let last = index;
  while (last + 1 < rows.length && sameLine(rows[last + 1]!)) last++;
  const end = rows[last + 1]?.address ?? sequence.end;
  return {
    module,
    table,
    file: row.file,
    line: row.line,
    start: rows[first]!.address + module.bias,
    end: end + module.bias,
    isStatementStart: row.address === address && row.isStmt,
  };
}

/** Index of the last row at or below `address` (several rows at one address: the last). */
function lastRowAtOrBelow(rows: readonly LineRow[], address: bigint): number {
  let low = 0;
  let high = rows.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (rows[middle]!.address <= address) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found !== -1 && rows[found]!.endSequence ? -1 : found;
}
