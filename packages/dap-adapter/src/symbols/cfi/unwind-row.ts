// One row of the (conceptual) CFI table: how to find the caller's frame at a given pc.
import type { FrameDescriptionEntry } from './entries.js';

/** How to compute the canonical frame address (the caller's stack pointer before the call). */
export type CfaRule =
  | { readonly kind: 'register-offset'; readonly register: number; readonly offset: bigint }
  | { readonly kind: 'expression'; readonly expression: Buffer }
  /** No CFA rule was given (malformed CFI): the frame cannot be unwound. */
  | { readonly kind: 'undefined' };

/** How to recover a register's value in the caller (DWARF 5 §6.4.1). */
export type RegisterRule =
  /** The caller's value cannot be recovered (for the return address: the outermost frame). */
  | { readonly kind: 'undefined' }
  /** Not modified by this frame. */
  | { readonly kind: 'same-value' }
  /** Saved in memory at CFA + offset. */
  | { readonly kind: 'offset'; readonly offset: bigint }
  /** The value is CFA + offset. */
  | { readonly kind: 'val-offset'; readonly offset: bigint }
  /** Saved in another register. */
  | { readonly kind: 'register'; readonly register: number }
  /** Saved in memory at the address the expression computes (the CFA pushed first). */
  | { readonly kind: 'expression'; readonly expression: Buffer }
  /** The value is what the expression computes (the CFA pushed first). */
  | { readonly kind: 'val-expression'; readonly expression: Buffer };

export interface UnwindRow {
  /** The row applies to [start, end), file addresses. */
  readonly start: bigint;
  readonly end: bigint;
  readonly cfa: CfaRule;
  /** Rules of the registers the CFI mentions; a register not in the map is unspecified. */
  readonly registers: ReadonlyMap<number, RegisterRule>;
  readonly returnAddressRegister: number;
  /** DW_CFA_GNU_args_size: bytes of outgoing arguments pushed at this point. */
  readonly argsSize: bigint;
  readonly isSignalFrame: boolean;
  readonly fde: FrameDescriptionEntry;
}
