/** DW_ATE_* base type encodings (DWARF 5 §7.8). */
export const DW_ATE = {
  address: 0x1, boolean: 0x2, complex_float: 0x3, float: 0x4, signed: 0x5, signed_char: 0x6,
  unsigned: 0x7, unsigned_char: 0x8, imaginary_float: 0x9, packed_decimal: 0xa, numeric_string: 0xb,
  edited: 0xc, signed_fixed: 0xd, unsigned_fixed: 0xe, decimal_float: 0xf, UTF: 0x10, UCS: 0x11, ASCII: 0x12,
} as const;

/** DW_INL_* values of DW_AT_inline. */
export const DW_INL = { not_inlined: 0, inlined: 1, declared_not_inlined: 2, declared_inlined: 3 } as const;
