import { stringAt, type CorruptionReporter } from '../binary/byte-reader.js';
import { SHN_ABS, SHN_COMMON, SHN_UNDEF, SYMBOL_SIZE, SymbolBindingCode, SymbolTypeCode } from './constants.js';
import type { SectionHeader } from './section-headers.js';

export type SymbolType = 'notype' | 'object' | 'func' | 'section' | 'file' | 'common' | 'tls' | 'ifunc' | 'other';
export type SymbolBinding = 'local' | 'global' | 'weak' | 'unique' | 'other';

export interface ElfSymbol {
  readonly name: string;
  /** st_value: a file (link-time) address for defined symbols of executables and shared objects. */
  readonly value: bigint;
  readonly size: bigint;
  readonly type: SymbolType;
  readonly binding: SymbolBinding;
  /** st_other & 3: 0 default, 1 internal, 2 hidden, 3 protected. */
  readonly visibility: number;
  /** st_shndx; SHN_UNDEF (0) for an undefined symbol, SHN_ABS for an absolute one. */
  readonly sectionIndex: number;
  /** Name of the defining section, when the symbol has one. */
  readonly section: string | undefined;
  /** Which table the entry came from. */
  readonly table: 'symtab' | 'dynsym';
}

const typeNames: Record<number, SymbolType> = {
  [SymbolTypeCode.NOTYPE]: 'notype', [SymbolTypeCode.OBJECT]: 'object', [SymbolTypeCode.FUNC]: 'func',
  [SymbolTypeCode.SECTION]: 'section', [SymbolTypeCode.FILE]: 'file', [SymbolTypeCode.COMMON]: 'common',
  [SymbolTypeCode.TLS]: 'tls', [SymbolTypeCode.GNU_IFUNC]: 'ifunc',
};
const bindingNames: Record<number, SymbolBinding> = {
  [SymbolBindingCode.LOCAL]: 'local', [SymbolBindingCode.GLOBAL]: 'global',
  [SymbolBindingCode.WEAK]: 'weak', [SymbolBindingCode.GNU_UNIQUE]: 'unique',
};

/** Decodes one symbol table section (`.symtab` or `.dynsym`) with its linked string table. */
export function parseSymbols(
  table: 'symtab' | 'dynsym',
  section: SectionHeader,
  data: Buffer,
  strings: Buffer,
  sections: readonly SectionHeader[],
  corrupt: CorruptionReporter,
): ElfSymbol[] {
  const entrySize = section.entrySize === 0 ? SYMBOL_SIZE : section.entrySize;
  if (entrySize < SYMBOL_SIZE) throw corrupt(section.offset, `symbol entry size ${entrySize} < ${SYMBOL_SIZE}`);
  const stringCorrupt: CorruptionReporter = (offset, reason) => corrupt(offset, `${table} string table: ${reason}`);
  const symbols: ElfSymbol[] = [];
  const count = Math.floor(data.length / entrySize);
  // Entry 0 is always the null symbol. Fields are read straight from the buffer: libc's tables
  // hold ~10,000 entries, read when its first frame is named.
  for (let index = 1; index < count; index++) {
    const at = index * entrySize;
    const nameOffset = data.readUInt32LE(at);
    const info = data[at + 4]!;
    const other = data[at + 5]!;
    const sectionIndex = data.readUInt16LE(at + 6);
    const defining = sectionIndex !== SHN_UNDEF && sectionIndex !== SHN_ABS && sectionIndex !== SHN_COMMON
      ? sections[sectionIndex] : undefined;
    symbols.push({
      name: nameOffset === 0 ? '' : stringAt(strings, nameOffset, stringCorrupt),
      value: data.readBigUInt64LE(at + 8),
      size: data.readBigUInt64LE(at + 16),
      type: typeNames[info & 0xf] ?? 'other',
      binding: bindingNames[info >> 4] ?? 'other',
      visibility: other & 3,
      sectionIndex,
      section: defining?.name,
      table,
    });
  }
  return symbols;
}

/** Name and address lookups over the symbols of one file. Each index is built on its first use:
 * naming a frame needs the address order only, a function breakpoint the names only. */
export class SymbolTable {
  private byNameIndex: Map<string, ElfSymbol[]> | undefined;
  /** Defined symbols that cover an address range, sorted by address. */
  private byAddressIndex: ElfSymbol[] | undefined;
  /** All defined symbols, sized or not, sorted by address (assembly labels often have size 0). */
  private labelIndex: ElfSymbol[] | undefined;
  private largestSize = 0n;

  constructor(readonly symbols: readonly ElfSymbol[]) {}

  private get byName(): Map<string, ElfSymbol[]> {
    if (this.byNameIndex === undefined) {
      const index = new Map<string, ElfSymbol[]>();
      for (const symbol of this.symbols) {
        if (symbol.name === '') continue;
        const list = index.get(symbol.name);
        if (list === undefined) index.set(symbol.name, [symbol]);
        else list.push(symbol);
      }
      this.byNameIndex = index;
    }
    return this.byNameIndex;
  }

  private get byAddress(): ElfSymbol[] {
    if (this.byAddressIndex === undefined) {
      this.byAddressIndex = sortedByAddress(this.symbols.filter((s) => isAddressable(s) && s.size > 0n));
      this.largestSize = this.byAddressIndex.reduce((max, s) => (s.size > max ? s.size : max), 0n);
    }
    return this.byAddressIndex;
  }

  private get labels(): ElfSymbol[] {
    this.labelIndex ??= sortedByAddress(this.symbols.filter((s) => isAddressable(s) && s.type !== 'object'));
    return this.labelIndex;
  }

  /** All symbols named `name`, in table order (.symtab before .dynsym). */
  allNamed(name: string): readonly ElfSymbol[] {
    return this.byName.get(name) ?? [];
  }

  /** The defined symbol named `name`, preferring global over weak over local definitions. */
  named(name: string): ElfSymbol | undefined {
    const defined = this.allNamed(name).filter(isAddressable);
    return pickBest(defined);
  }

  /** The symbol whose [value, value + size) contains `address` (the containing function or object). */
  containing(address: bigint): ElfSymbol | undefined {
    const list = this.byAddress;
    // Last symbol starting at or below the address...
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (list[middle]!.value <= address) low = middle + 1;
      else high = middle;
    }
    // ...then walk back over symbols that may still reach it (aliases, nested objects).
    const candidates: ElfSymbol[] = [];
    for (let index = low - 1; index >= 0; index--) {
      const symbol = list[index]!;
      if (symbol.value + this.largestSize <= address) break;
      if (address < symbol.value + symbol.size) candidates.push(symbol);
    }
    return pickBest(candidates);
  }

  /**
   * The containing symbol, else the closest code symbol at or below the address, as backtraces
   * name frames in assembly code whose labels have no size (`__restore_rt`, `_start` in some libcs).
   */
  nearest(address: bigint): ElfSymbol | undefined {
    const containing = this.containing(address);
    if (containing !== undefined) return containing;
    let low = 0;
    let high = this.labels.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.labels[middle]!.value <= address) low = middle + 1;
      else high = middle;
    }
    const value = this.labels[low - 1]?.value;
    return value === undefined ? undefined : pickBest(this.labels.filter((symbol) => symbol.value === value));
  }
}

/** Symbols in address order (a stable sort): by their value as a number, which file addresses
 * of x86-64 programs always fit, so that the comparisons allocate nothing. */
function sortedByAddress(symbols: ElfSymbol[]): ElfSymbol[] {
  const keyed = symbols.map((symbol, order) => ({ symbol, key: Number(symbol.value), order }));
  keyed.sort((a, b) => a.key - b.key || (a.symbol.value < b.symbol.value ? -1 : a.symbol.value > b.symbol.value ? 1 : a.order - b.order));
  return keyed.map((entry) => entry.symbol);
}

function isAddressable(symbol: ElfSymbol): boolean {
  return symbol.sectionIndex !== SHN_UNDEF && symbol.type !== 'section' && symbol.type !== 'file' && symbol.type !== 'tls';
}

const typeRank: Partial<Record<SymbolType, number>> = { func: 0, ifunc: 0, object: 1, notype: 2 };
const bindingRank: Partial<Record<SymbolBinding, number>> = { global: 0, unique: 0, weak: 1, local: 2 };

function pickBest(symbols: readonly ElfSymbol[]): ElfSymbol | undefined {
  let best: ElfSymbol | undefined;
  for (const symbol of symbols) {
    if (best === undefined || compareRank(symbol, best) < 0) best = symbol;
  }
  return best;
}

function compareRank(a: ElfSymbol, b: ElfSymbol): number {
  return (typeRank[a.type] ?? 3) - (typeRank[b.type] ?? 3) || (bindingRank[a.binding] ?? 3) - (bindingRank[b.binding] ?? 3)
    || (a.table === b.table ? 0 : a.table === 'symtab' ? -1 : 1);
}
