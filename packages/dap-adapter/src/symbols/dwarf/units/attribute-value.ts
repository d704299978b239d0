// The value of one DIE attribute as decoded from its form. Values that need the unit's base
// attributes (str_offsets_base, addr_base...) stay as indexes: in a unit DIE, DW_AT_name (strx)
// usually comes before DW_AT_str_offsets_base, so they can only be resolved once the DIE is read.

export type AttributeValue =
  /** DW_FORM_addr: a file address. */
  | { readonly kind: 'address'; readonly value: bigint }
  /** DW_FORM_addrx*: an index into the unit's .debug_addr table. */
  | { readonly kind: 'address-index'; readonly index: number }
  /**
   * DW_FORM_data1/2/4/8, udata (unsigned, `size` bytes or 0 for LEB), sdata and implicit_const
   * (signed). The meaning of the sign of a fixed-size datum depends on the attribute.
   */
  | { readonly kind: 'constant'; readonly value: bigint; readonly signed: boolean; readonly size: number }
  /** DW_FORM_block*, and data16 (a 16-byte constant). */
  | { readonly kind: 'block'; readonly bytes: Buffer }
  /** DW_FORM_exprloc: a DWARF expression. */
  | { readonly kind: 'expression'; readonly bytes: Buffer }
  | { readonly kind: 'flag'; readonly value: boolean }
  /** DW_FORM_string: inline string. */
  | { readonly kind: 'string'; readonly value: string }
  /** DW_FORM_strp / line_strp: an offset into .debug_str or .debug_line_str. */
  | { readonly kind: 'string-offset'; readonly section: '.debug_str' | '.debug_line_str'; readonly offset: number }
  /** DW_FORM_strx*: an index into the unit's .debug_str_offsets table. */
  | { readonly kind: 'string-index'; readonly index: number }
  /** DW_FORM_strp_sup / GNU_strp_alt: a string in the supplementary (dwz) file. */
  | { readonly kind: 'supplementary-string'; readonly offset: number }
  /** DW_FORM_ref*: a DIE, as an offset in the section of the referring unit (ref_addr: .debug_info). */
  | { readonly kind: 'reference'; readonly section: '.debug_info' | '.debug_types'; readonly offset: number }
  /** DW_FORM_ref_sup4/8 / GNU_ref_alt: a DIE in the supplementary file. */
  | { readonly kind: 'supplementary-reference'; readonly offset: number }
  /** DW_FORM_ref_sig8: the type unit with this signature. */
  | { readonly kind: 'type-signature'; readonly signature: bigint }
  /** DW_FORM_sec_offset: an offset into the section the attribute's class implies. */
  | { readonly kind: 'section-offset'; readonly offset: number }
  /** DW_FORM_loclistx: an index into the unit's location list offset table. */
  | { readonly kind: 'location-list-index'; readonly index: number }
  /** DW_FORM_rnglistx: an index into the unit's range list offset table. */
  | { readonly kind: 'range-list-index'; readonly index: number };

export interface Attribute {
  readonly name: number;
  readonly form: number;
  readonly value: AttributeValue;
}
