/** Range list entry kinds of .debug_rnglists (DWARF 5 §7.25). */
export const DW_RLE = {
  end_of_list: 0x00, base_addressx: 0x01, startx_endx: 0x02, startx_length: 0x03, offset_pair: 0x04,
  base_address: 0x05, start_end: 0x06, start_length: 0x07,
} as const;

/** Location list entry kinds of .debug_loclists (DWARF 5 §7.29), with the pre-standard GNU view pair. */
export const DW_LLE = {
  end_of_list: 0x00, base_addressx: 0x01, startx_endx: 0x02, startx_length: 0x03, offset_pair: 0x04,
  default_location: 0x05, base_address: 0x06, start_end: 0x07, start_length: 0x08,
  GNU_view_pair: 0x09,
} as const;
