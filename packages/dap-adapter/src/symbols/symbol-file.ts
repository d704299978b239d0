// One executable or shared object as the debugger sees it: symbols, lines, functions, variables,
// types and unwind rules, each read the first time it is needed. Every address in this API is a
// file (link-time) address; callers add the module's load bias to get run-time addresses.
import { CallFrameInfo } from './cfi/call-frame-info.js';
import type { UnwindModule } from './cfi/unwinder.js';
import type { UnwindRow } from './cfi/unwind-row.js';
import { DwarfInfo } from './dwarf/dwarf-info.js';
import type { Die } from './dwarf/units/die.js';
import type { ExpressionContext, Location } from './dwarf/expression/location.js';
import type { FunctionInfo } from './dwarf/functions/function-index.js';
import type { LineCandidates, SourcePosition } from './dwarf/line/line-table.js';
import type { DwarfSectionName } from './dwarf/sections.js';
import { sizeOfType, type DwarfType } from './dwarf/types/type-model.js';
import { evaluateFrameBase, locate } from './dwarf/variables/variable-location.js';
import type { VariableInfo, VariableScopes } from './dwarf/variables/variable-scopes.js';
import { SectionFlag } from './elf/constants.js';
import { findSeparateDebugFile } from './elf/debug-link.js';
import { ElfFile } from './elf/elf-file.js';
import { SymbolTable, type ElfSymbol } from './elf/symbol-table.js';

export interface SymbolFileOptions {
  /**
   * When the file has no DWARF, look for a separate debug file by build-id or .gnu_debuglink
   * (as distributions ship libc's in /usr/lib/debug). Default: true.
   */
  readonly separateDebugInfo?: boolean;
  /** Where separate debug files are searched; default ['/usr/lib/debug']. */
  readonly debugRoots?: readonly string[];
}

const NO_VARIABLES: VariableScopes = { function: undefined, inlineChain: [], parameters: [], locals: [], globals: [] };

export class SymbolFile {
  private debugElfCache: ElfFile | null | undefined;
  private dwarfCache: DwarfInfo | null | undefined;
  private cfiCache: CallFrameInfo | undefined;
  private symbolCache: SymbolTable | undefined;

  private constructor(readonly elf: ElfFile, private readonly options: SymbolFileOptions) {}

  /** Opens a file lazily: only its ELF header and section headers are read here. */
  static open(path: string, options: SymbolFileOptions = {}): SymbolFile {
    return new SymbolFile(ElfFile.open(path), options);
  }

  /** Wraps an ElfFile that is already open (the SymbolFile then owns it). */
  static fromElf(elf: ElfFile, options: SymbolFileOptions = {}): SymbolFile {
    return new SymbolFile(elf, options);
  }

  get path(): string {
    return this.elf.path;
  }

  /** The file the DWARF comes from: this one, or its separate debug file. */
  get debugElf(): ElfFile | undefined {
    if (this.debugElfCache === undefined) {
      this.debugElfCache = null;
      if (this.elf.section('.debug_info') !== undefined) {
        this.debugElfCache = this.elf;
      } else if (this.options.separateDebugInfo !== false) {
        const path = findSeparateDebugFile({
          path: this.elf.path, buildId: this.elf.buildId(), debugLink: this.elf.debugLink(), debugRoots: this.options.debugRoots,
        });
        if (path !== undefined) this.debugElfCache = ElfFile.open(path);
      }
    }
    return this.debugElfCache ?? undefined;
  }

  /** @internal The DWARF reader, or undefined when there is no debugging information anywhere. */
  get dwarf(): DwarfInfo | undefined {
    if (this.dwarfCache === undefined) {
      const source = this.debugElf;
      this.dwarfCache = source === undefined ? null : new DwarfInfo((name: DwarfSectionName) => source.sectionData(name));
    }
    return this.dwarfCache ?? undefined;
  }

  /** @internal The CFI reader (`.eh_frame`, `.debug_frame`). */
  get callFrameInfo(): CallFrameInfo {
    this.cfiCache ??= new CallFrameInfo(this.elf);
    return this.cfiCache;
  }

  /** `.symtab` (from the separate debug file for a stripped file) and `.dynsym`. */
  get symbols(): SymbolTable {
    if (this.symbolCache === undefined) {
      const own = this.elf.symbols;
      const needsDebugSymtab = this.elf.section('.symtab') === undefined && this.options.separateDebugInfo !== false;
      const debug = needsDebugSymtab ? this.debugElf : undefined;
      this.symbolCache = debug === undefined || debug === this.elf || debug.section('.symtab') === undefined
        ? own
        : new SymbolTable([...debug.symbols.symbols.filter((symbol) => symbol.table === 'symtab'), ...own.symbols]);
    }
    return this.symbolCache;
  }

  symbolAt(address: bigint): ElfSymbol | undefined {
    return this.symbols.containing(address);
  }

  /** The containing symbol, else the nearest code label below the address (for naming frames). */
  nearestSymbol(address: bigint): ElfSymbol | undefined {
    return this.symbols.nearest(address);
  }

  symbolByName(name: string): ElfSymbol | undefined {
    return this.symbols.named(name);
  }

  /** File, line and column of the code at a file address. */
  lineForAddress(address: bigint): SourcePosition | undefined {
    return this.dwarf?.lineForAddress(address);
  }

  /**
   * Where to put a breakpoint for `file:line`: the first line at or after `line` that has code,
   * with one address per function or inlined copy (the lowest), as gdb does.
   */
  addressesForLine(file: string, line: number): LineCandidates | undefined {
    const candidates = this.dwarf?.addressesForLine(file, line);
    if (candidates === undefined) return undefined;
    const byScope = new Map<Die | bigint, bigint>();
    for (const address of candidates.addresses) {
      if (!this.isCode(address)) continue; // code the linker discarded keeps rows at address 0
      const fn = this.dwarf!.functionAt(address);
      const chain = fn?.inlineChainAt(address) ?? [];
      const scope = chain[chain.length - 1]?.die ?? fn?.die ?? address;
      const known = byScope.get(scope);
      if (known === undefined || address < known) byScope.set(scope, address);
    }
    if (byScope.size === 0) return undefined;
    return { line: candidates.line, addresses: [...byScope.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
  }

  /** Every source file the line tables mention. */
  sourceFiles(): string[] {
    return this.dwarf?.sourceFiles() ?? [];
  }

  /** The function (DWARF subprogram) whose code contains a file address. */
  functionAt(address: bigint): FunctionInfo | undefined {
    return this.dwarf?.functionAt(address);
  }

  /**
   * Functions with this name: found through the symbol table (cheap: one unit is parsed per
   * match), else by scanning every unit (functions without a symbol, such as inlined-only ones).
   */
  functionsByName(name: string): FunctionInfo[] {
    const dwarf = this.dwarf;
    if (dwarf === undefined) return [];
    const found = new Map<Die, FunctionInfo>();
    for (const symbol of this.symbols.allNamed(name)) {
      if (symbol.type !== 'func' && symbol.type !== 'ifunc') continue;
      const fn = dwarf.functionAt(symbol.value);
      if (fn !== undefined && (fn.name === name || fn.linkageName === name)) found.set(fn.die, fn);
    }
    if (found.size > 0) return [...found.values()];
    return dwarf.functionsNamed(name);
  }

  functionByName(name: string): FunctionInfo | undefined {
    const all = this.functionsByName(name);
    return all.find((fn) => fn.isExternal) ?? all[0];
  }

  /** @internal Parameters, locals and globals visible at a file address (see DwarfInfo.variablesAt). */
  variablesAt(pc: bigint, inlineDepth = 0): VariableScopes {
    return this.dwarf?.variablesAt(pc, inlineDepth) ?? NO_VARIABLES;
  }

  /** @internal The type of a variable or DIE. */
  typeOf(entity: VariableInfo | Die): DwarfType {
    const dwarf = this.dwarf;
    if (dwarf === undefined) return { kind: 'unknown', tag: 0, name: undefined };
    return dwarf.typeOf(entity);
  }

  /**
   * @internal Where a variable's value is when stopped at `pc` (file address). The context gives
   * registers, memory, the load bias, and `frameBase` (see `frameBaseAt`) for DW_OP_fbreg.
   */
  locateVariable(variable: VariableInfo, pc: bigint, context: ExpressionContext): Location {
    const unit = variable.die.unit;
    return locate(variable.location, pc, { addressAtIndex: (index) => unit.addressAtIndex(index), ...context }, sizeOfType(this.typeOf(variable)) ?? 8);
  }

  /** @internal The value of a function's frame base at `pc` (file address), given the frame's CFA in `context.cfa`. */
  frameBaseAt(fn: FunctionInfo, pc: bigint, context: ExpressionContext): bigint | undefined {
    return evaluateFrameBase(fn, pc, context);
  }

  /** @internal The CFI row in effect at a file address. */
  cfiFor(pc: bigint): UnwindRow | undefined {
    return this.callFrameInfo.rowFor(pc);
  }

  /** @internal This file as a module for the unwinder, once its load bias in the process is known. */
  unwindModule(loadBias: bigint): UnwindModule {
    return { cfi: this.callFrameInfo, loadBias };
  }

  close(): void {
    this.dwarfCache?.close();
    if (this.debugElfCache && this.debugElfCache !== this.elf) this.debugElfCache.close();
    this.elf.close();
  }

  private isCode(address: bigint): boolean {
    const section = this.elf.sectionContaining(address);
    return section !== undefined && (section.flags & SectionFlag.EXECINSTR) !== 0n;
  }
}
