// ELF constants from the System V gABI and <elf.h>, limited to what the readers use.

export const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EM_X86_64 = 62;

export const ELF_HEADER_SIZE = 64;
export const PROGRAM_HEADER_SIZE = 56;
export const SECTION_HEADER_SIZE = 64;
export const SYMBOL_SIZE = 24;
export const DYNAMIC_ENTRY_SIZE = 16;

/** e_type */
export const ElfType = { NONE: 0, REL: 1, EXEC: 2, DYN: 3, CORE: 4 } as const;

/** p_type */
export const SegmentType = {
  NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, SHLIB: 5, PHDR: 6, TLS: 7,
  GNU_EH_FRAME: 0x6474e550, GNU_STACK: 0x6474e551, GNU_RELRO: 0x6474e552, GNU_PROPERTY: 0x6474e553,
} as const;

/** p_flags */
export const SegmentFlag = { X: 1, W: 2, R: 4 } as const;

/** sh_type */
export const SectionType = {
  NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, NOTE: 7, NOBITS: 8,
  REL: 9, DYNSYM: 11, INIT_ARRAY: 14, FINI_ARRAY: 15, GNU_HASH: 0x6ffffff6,
} as const;

/** sh_flags */
export const SectionFlag = { WRITE: 0x1n, ALLOC: 0x2n, EXECINSTR: 0x4n, COMPRESSED: 0x800n } as const;

/** Special section indexes. */
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

/** ch_type of a compressed section (Elf64_Chdr). */
export const ELFCOMPRESS_ZLIB = 1;
export const ELFCOMPRESS_ZSTD = 2;
export const COMPRESSION_HEADER_SIZE = 24;

/** Low 4 bits of st_info. */
export const SymbolTypeCode = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, COMMON: 5, TLS: 6, GNU_IFUNC: 10 } as const;
/** High 4 bits of st_info. */
export const SymbolBindingCode = { LOCAL: 0, GLOBAL: 1, WEAK: 2, GNU_UNIQUE: 10 } as const;

/** d_tag values. */
export const DynamicTag = {
  NULL: 0, NEEDED: 1, PLTRELSZ: 2, PLTGOT: 3, HASH: 4, STRTAB: 5, SYMTAB: 6, RELA: 7, RELASZ: 8,
  RELAENT: 9, STRSZ: 10, SYMENT: 11, INIT: 12, FINI: 13, SONAME: 14, RPATH: 15, SYMBOLIC: 16,
  REL: 17, RELSZ: 18, RELENT: 19, PLTREL: 20, DEBUG: 21, TEXTREL: 22, JMPREL: 23, BIND_NOW: 24,
  RUNPATH: 29, FLAGS: 30, FLAGS_1: 0x6ffffffb, GNU_HASH: 0x6ffffef5,
} as const;

/** n_type of the GNU notes. */
export const NT_GNU_BUILD_ID = 3;
