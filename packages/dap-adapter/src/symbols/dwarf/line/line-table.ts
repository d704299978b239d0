// The decoded line table of one unit: address -> source position, source position -> addresses.
import { posix } from 'node:path';
import type { LineFileEntry, LineProgramHeader } from './line-program-header.js';
import type { LineRow, LineSequence } from './line-state-machine.js';
import { pathMatches } from './path-match.js';

export interface SourcePosition {
  /** Absolute path when the compilation directory is known. */
  readonly file: string;
  readonly line: number;
  /** 0 when the producer recorded no column. */
  readonly column: number;
  readonly isStmt: boolean;
  /** Address of the row that describes the queried address (the start of its line range). */
  readonly address: bigint;
}

export interface LineCandidates {
  /** The line actually used: the requested one, or the next one that has code. */
  readonly line: number;
  /** The addresses where that line's code starts (one per contiguous run of rows), ascending. */
  readonly addresses: bigint[];
}

export class LineTable {
  /** Sequences sorted by start address. */
  readonly sequences: readonly LineSequence[];
  private readonly files: readonly LineFileEntry[];
  private readonly pathCache = new Map<number, string | undefined>();

  constructor(
    readonly header: LineProgramHeader,
    /** The sequences in program order. */
    private readonly programOrder: readonly LineSequence[],
    definedFiles: readonly LineFileEntry[],
    /** DW_AT_comp_dir of the owning unit. */
    private readonly compilationDirectory: string | undefined,
  ) {
    this.sequences = [...programOrder].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    this.files = [...header.files, ...definedFiles];
  }

  /** Every row in program order, sequence after sequence, as a line table dump would show it. */
  *rows(): Generator<LineRow> {
    for (const sequence of this.programOrder) yield* sequence.rows;
  }

  /** The full path of a file-register value, joined with its directory and the compilation directory. */
  filePath(fileIndex: number): string | undefined {
    if (!this.pathCache.has(fileIndex)) this.pathCache.set(fileIndex, this.computePath(fileIndex));
    return this.pathCache.get(fileIndex);
  }

  /** The distinct source files the table refers to (the primary file and included headers). */
  sourceFiles(): string[] {
    const first = this.header.version >= 5 ? 0 : 1;
    const paths = new Set<string>();
    for (let index = first; index < first + this.files.length; index++) {
      const path = this.filePath(index);
      if (path !== undefined) paths.add(path);
    }
    return [...paths];
  }

  /** The row whose address range contains `address`, if any sequence covers it. */
  rowFor(address: bigint): LineRow | undefined {
    const sequence = this.sequenceFor(address);
    if (sequence === undefined) return undefined;
    const rows = sequence.rows;
    // Last row at or below the address; several rows at one address: the last one describes it.
    let low = 0;
    let high = rows.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (rows[middle]!.address <= address) low = middle;
      else high = middle - 1;
    }
    const row = rows[low]!;
    return row.endSequence || row.address > address ? undefined : row;
  }

  lookup(address: bigint): SourcePosition | undefined {
    const row = this.rowFor(address);
    if (row === undefined) return undefined;
    const file = this.filePath(row.file);
    return file === undefined ? undefined : { file, line: row.line, column: row.column, isStmt: row.isStmt, address: row.address };
  }

  /** File-register values whose path matches `path` (absolute, or a suffix such as "src/main.c"). */
  fileIndexesMatching(path: string): Set<number> {
    const first = this.header.version >= 5 ? 0 : 1;
    const indexes = new Set<number>();
    for (let index = first; index < first + this.files.length; index++) {
      const candidate = this.filePath(index);
      if (candidate !== undefined && pathMatches(candidate, path)) indexes.add(index);
    }
    return indexes;
  }

  /**
   * Where a breakpoint on `path:line` goes: the is_stmt rows of the first line >= `line` that has
   * code in this table, keeping only the row that starts each contiguous run of that line.
   */
  lineCandidates(path: string, line: number): LineCandidates | undefined {
    const files = this.fileIndexesMatching(path);
    if (files.size === 0) return undefined;
    let best: number | undefined;
    for (const sequence of this.sequences) {
      for (const row of sequence.rows) {
        if (!row.endSequence && row.isStmt && files.has(row.file) && row.line >= line && (best === undefined || row.line < best)) {
          best = row.line;
        }
      }
    }
    if (best === undefined) return undefined;
    const addresses = new Set<bigint>();
    for (const sequence of this.sequences) {
      let previous: LineRow | undefined;
      for (const row of sequence.rows) {
        const continuesRun = previous !== undefined && previous.line === row.line && previous.file === row.file;
        if (!row.endSequence && row.isStmt && files.has(row.file) && row.line === best && !continuesRun) addresses.add(row.address);
        previous = row;
      }
    }
    return { line: best, addresses: [...addresses].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
  }

  /** The sequence whose address range holds `address`, if any. */
  sequenceFor(address: bigint): LineSequence | undefined {
    const list = this.sequences;
    let low = 0;
    let high = list.length - 1;
    let found: LineSequence | undefined;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (list[middle]!.start <= address) {
        found = list[middle];
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    // Sequences can share a start address (code discarded by the linker is relocated to 0).
    if (found !== undefined && address < found.end) return found;
    return list.find((sequence) => address >= sequence.start && address < sequence.end);
  }

  private computePath(fileIndex: number): string | undefined {
    const entry = this.header.version >= 5 ? this.files[fileIndex] : this.files[fileIndex - 1];
    if (entry === undefined) return undefined;
    if (posix.isAbsolute(entry.name)) return posix.normalize(entry.name);
    const directory = this.directoryPath(entry.directoryIndex);
    return posix.join(directory ?? '', entry.name);
  }

  /**
   * DWARF 5: directory 0 is the compilation directory itself, and relative directories are
   * relative to it (binutils and LLVM tools join directory 0 with DW_AT_comp_dir once more; gdb
   * does not, nor does this). DWARF 2-4: index 0 means DW_AT_comp_dir, the others are 1-based.
   */
  private directoryPath(index: number): string | undefined {
    const directories = this.header.includeDirectories;
    const base = (this.header.version >= 5 ? directories[0] : undefined) ?? this.compilationDirectory ?? '';
    let directory: string | undefined;
    if (this.header.version >= 5) directory = index === 0 ? base : directories[index];
    else directory = index === 0 ? base : directories[index - 1];
    if (directory === undefined) return undefined;
    return posix.isAbsolute(directory) || directory === base ? directory : posix.join(base, directory);
  }
}
