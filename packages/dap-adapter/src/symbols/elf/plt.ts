// Names of PLT entries (`puts@plt`), as objdump and gdb show them: the PLT has no symbols, but
// its i-th jump slot relocation (.rela.plt) names the function that the i-th entry calls.
// With IBT (-fcf-protection, the default of most distributions) the entries that code calls
// are in .plt.sec, one per slot; without it they follow the PLT's header entry in .plt.
// Entries in .plt.got jump through a GOT slot that a GLOB_DAT relocation (.rela.dyn) names.
import { ByteReader, stringAt } from '../binary/byte-reader.js';
import type { ElfFile } from './elf-file.js';

const RELA_SIZE = 24;
const SYMBOL_SIZE = 24;
const PLT_ENTRY = 16n;
/** R_X86_64_GLOB_DAT, R_X86_64_JUMP_SLOT */
const GLOB_DAT = 6;
const JUMP_SLOT = 7;

const cache = new WeakMap<ElfFile, ReadonlyMap<bigint, string>>();

/** File address of each PLT entry that code calls -> `name@plt`. Empty when there is no PLT. */
export function pltEntries(elf: ElfFile): ReadonlyMap<bigint, string> {
  let entries = cache.get(elf);
  if (entries !== undefined) return entries;
  const found = new Map<bigint, string>();
  try {
    const relocations = elf.section('.rela.plt');
    const dynsym = elf.section('.dynsym');
    const table = elf.section('.plt.sec') ?? elf.section('.plt');
    if (relocations !== undefined && dynsym !== undefined && table !== undefined) {
      const firstEntry = table.name === '.plt.sec' ? table.address : table.address + PLT_ENTRY;
      const data = elf.sectionData(relocations)!;
      const symbols = elf.sectionData(dynsym)!;
      const strings = elf.sectionData(elf.sections[dynsym.link]!)!;
      const corrupt = (offset: number, reason: string): Error => new Error(`.rela.plt at ${offset}: ${reason}`);
      for (let index = 0; (index + 1) * RELA_SIZE <= data.length; index++) {
        const reader = new ByteReader(data, corrupt, relocations.offset, index * RELA_SIZE);
        reader.u64(); // r_offset: the GOT slot
        const info = reader.u64();
        if (Number(info & 0xffffffffn) !== JUMP_SLOT) continue;
        const symbol = Number(info >> 32n);
        if ((symbol + 1) * SYMBOL_SIZE > symbols.length) continue;
        const nameOffset = symbols.readUInt32LE(symbol * SYMBOL_SIZE);
        const name = stringAt(strings, nameOffset, corrupt);
        if (name !== '') found.set(firstEntry + BigInt(index) * PLT_ENTRY, `${name}@plt`);
      }
    }
    const pltGot = elf.section('.plt.got');
    const dynamic = elf.section('.rela.dyn');
    if (pltGot !== undefined && dynamic !== undefined && dynsym !== undefined) {
      const symbols = elf.sectionData(dynsym)!;
      const strings = elf.sectionData(elf.sections[dynsym.link]!)!;
      const slots = new Map<bigint, string>();
      const data = elf.sectionData(dynamic)!;
      for (let index = 0; (index + 1) * RELA_SIZE <= data.length; index++) {
        const slot = data.readBigUInt64LE(index * RELA_SIZE);
        const info = data.readBigUInt64LE(index * RELA_SIZE + 8);
        const type = Number(info & 0xffffffffn);
        const symbol = Number(info >> 32n);
        if ((type !== GLOB_DAT && type !== JUMP_SLOT) || symbol === 0 || (symbol + 1) * SYMBOL_SIZE > symbols.length) continue;
        const name = stringAt(strings, symbols.readUInt32LE(symbol * SYMBOL_SIZE), () => new Error('bad string'));
        if (name !== '') slots.set(slot, name);
      }
      const code = elf.sectionData(pltGot)!;
      const size = pltGot.entrySize > 0 ? pltGot.entrySize : Number(PLT_ENTRY);
      for (let entry = 0; entry + size <= code.length; entry += size) {
        // `jmp *disp32(%rip)` (ff 25), after an optional endbr64 and bnd prefix.
        for (let at = entry; at + 6 <= entry + size; at++) {
          if (code[at] !== 0xff || code[at + 1] !== 0x25) continue;
          const slot = pltGot.address + BigInt(at + 6) + BigInt(code.readInt32LE(at + 2));
          const name = slots.get(slot);
          if (name !== undefined) found.set(pltGot.address + BigInt(entry), `${name}@plt`);
          break;
        }
      }
    }
  } catch {
    // a malformed PLT has no names
  }
  entries = found;
  cache.set(elf, entries);
  return entries;
}

/** `puts@plt` or `puts@plt+4` for a file address inside a PLT entry. */
export function pltName(elf: ElfFile, address: bigint): string | undefined {
  const section = elf.sectionContaining(address);
  if (section === undefined || !section.name.startsWith('.plt')) return undefined;
  const entries = pltEntries(elf);
  const size = section.entrySize > 0 ? BigInt(section.entrySize) : PLT_ENTRY;
  const start = address - ((address - section.address) % size);
  const name = entries.get(start);
  if (name === undefined) return undefined;
  return address === start ? name : `${name}+${address - start}`;
}
