/** DW_UT_* unit types (DWARF 5 §7.5.1). */
export const DW_UT = {
  compile: 0x01, type: 0x02, partial: 0x03, skeleton: 0x04, split_compile: 0x05, split_type: 0x06,
} as const;
