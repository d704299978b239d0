// Inputs and outputs of the DWARF expression evaluator.

/** What evaluating an expression may need from the stopped program. All addresses are run-time addresses. */
export interface ExpressionContext {
  /** Value of a register by DWARF number (see x86_64-registers.ts). */
  readRegister(dwarfRegister: number): bigint;
  /** `size` bytes of target memory; throws if unreadable. */
  readMemory(address: bigint, size: number): Buffer;
  /** Canonical frame address of the frame (DW_OP_call_frame_cfa). */
  readonly cfa?: bigint;
  /** Value of the function's DW_AT_frame_base (DW_OP_fbreg); see `evaluateFrameBase`. */
  readonly frameBase?: bigint;
  /** Run-time minus file address of the module: added to DW_OP_addr / addrx operands. */
  readonly loadBias: bigint;
  /** Entry `index` of the unit's .debug_addr (file address), for DW_OP_addrx / constx. */
  addressAtIndex?(index: number): bigint;
  /**
   * The value DW_OP_entry_value's sub-expression had on entry to the function (a debugger may
   * know it from call-site parameters); undefined when unknown, which makes the result optimized out.
   */
  entryValue?(expression: Buffer): bigint | undefined;
  /** Thread-local storage: run-time address of the TLS offset (DW_OP_form_tls_address). */
  tlsAddress?(offset: bigint): bigint;
  /** DW_OP_push_object_address: the address of the object being described. */
  readonly objectAddress?: bigint;
}

/** Where a value lives (DWARF 5 §2.6 location descriptions). */
export type Location =
  | { readonly kind: 'memory'; readonly address: bigint }
  | { readonly kind: 'register'; readonly register: number }
  /** The value itself: DW_OP_implicit_value bytes, or a DW_OP_stack_value as 8 little-endian bytes. */
  | { readonly kind: 'implicit-value'; readonly bytes: Buffer }
  /** DW_OP_implicit_pointer: a pointer to a variable (the DIE) that has no address of its own. */
  | { readonly kind: 'implicit-pointer'; readonly dieOffset: number; readonly byteOffset: bigint }
  /** An object made of pieces in different places (DW_OP_piece / bit_piece). */
  | { readonly kind: 'composite'; readonly pieces: readonly LocationPiece[] }
  | { readonly kind: 'optimized-out' };

export interface LocationPiece {
  /** Where this piece is; `optimized-out` for a piece with an empty description. */
  readonly location: Exclude<Location, { kind: 'composite' }>;
  readonly sizeInBits: number;
  /** DW_OP_bit_piece: offset of the piece inside its location (0 for DW_OP_piece). */
  readonly bitOffset: number;
}
