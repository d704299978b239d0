/** Standard line-number opcodes (DWARF 5 §6.2.5.2). */
export const DW_LNS = {
  copy: 0x01, advance_pc: 0x02, advance_line: 0x03, set_file: 0x04, set_column: 0x05, negate_stmt: 0x06,
  set_basic_block: 0x07, const_add_pc: 0x08, fixed_advance_pc: 0x09, set_prologue_end: 0x0a,
  set_epilogue_begin: 0x0b, set_isa: 0x0c,
} as const;

/** Extended line-number opcodes (DWARF 5 §6.2.5.3). */
export const DW_LNE = { end_sequence: 0x01, set_address: 0x02, define_file: 0x03, set_discriminator: 0x04 } as const;

/** Line-table directory/file entry content types (DWARF 5 §6.2.4.1). */
export const DW_LNCT = { path: 0x1, directory_index: 0x2, timestamp: 0x3, size: 0x4, MD5: 0x5 } as const;
