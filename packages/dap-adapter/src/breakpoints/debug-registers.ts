// The x86-64 debug registers as a tracer sees them: DR0-DR3 hold watched addresses, DR7 says
// which are enabled, for what access and how many bytes, DR6 says which one fired. Pure
// arithmetic here (encoding, alignment splitting, decoding); the writing is data-breakpoints.ts.
//
// A slot watches 1, 2, 4 or 8 bytes at an address aligned to that size (Intel SDM vol. 3,
// 18.2.5: the low address bits are ignored otherwise, so the kernel refuses them). A longer or
// unaligned range is covered by several slots, each the largest aligned piece that fits.

/** offsetof(struct user, u_debugreg) on x86-64: DRn is at this offset + 8 * n (PTRACE_PEEKUSER/POKEUSER). */
export const DEBUGREG_OFFSET = 848;

export function debugRegisterOffset(index: number): number {
  return DEBUGREG_OFFSET + 8 * index;
}

/** How many address slots the CPU has (DR0-DR3). */
export const DEBUG_SLOTS = 4;

/** DAP's access types; x86 has no read-only watch: `read` is armed as read-or-write and a
 * change of the value tells a write from a read (as gdb's rwatch does). */
export type AccessType = 'write' | 'read' | 'readWrite';

/** One armed slot: `length` bytes at `address`, aligned to `length`. */
export interface WatchPiece {
  readonly address: bigint;
  readonly length: 1 | 2 | 4 | 8;
}

/**
 * The aligned pieces that cover `length` bytes at `address`, the largest that fit at each step
 * (a 4-byte int at an address ≡ 2 mod 4 is two 2-byte pieces; an aligned 16-byte struct, two 8-byte ones).
 */
export function splitRange(address: bigint, length: number): WatchPiece[] {
  if (!Number.isSafeInteger(length) || length <= 0) throw new Error(`cannot watch ${length} bytes`);
  if (address < 0n) throw new Error('cannot watch a negative address');
  const pieces: WatchPiece[] = [];
  let at = address;
  let left = length;
  while (left > 0) {
    const size = ([8, 4, 2, 1] as const).find((candidate) => candidate <= left && at % BigInt(candidate) === 0n)!;
    pieces.push({ address: at, length: size });
    at += BigInt(size);
    left -= size;
  }
  return pieces;
}

/** The RW bits of DR7 for an access type: 01 write, 11 read or write (10 is I/O, 00 execution). */
function rwBits(access: AccessType): bigint {
  return access === 'write' ? 0b01n : 0b11n;
}

/** The LEN bits of DR7: 00 one byte, 01 two, 11 four, 10 eight. */
function lenBits(length: WatchPiece['length']): bigint {
  switch (length) {
    case 1: return 0b00n;
    case 2: return 0b01n;
    case 4: return 0b11n;
    case 8: return 0b10n;
  }
}

/** What one slot is set to: its piece and access, or nothing. */
export type SlotSetting = { readonly piece: WatchPiece; readonly access: AccessType } | undefined;

/**
 * DR7 for the four slots: the local enable bit L<n> (bit 2n) and RW<n>/LEN<n> (bits 16 + 4n).
 * Local enables only: the kernel gives every thread its own set, switched with the thread.
 */
export function encodeDr7(slots: readonly SlotSetting[]): bigint {
  let dr7 = 0n;
  slots.forEach((slot, index) => {
    if (slot === undefined) return;
    if (index >= DEBUG_SLOTS) throw new Error(`x86-64 has ${DEBUG_SLOTS} debug address registers`);
    dr7 |= 1n << BigInt(2 * index);
    dr7 |= (rwBits(slot.access) | (lenBits(slot.piece.length) << 2n)) << BigInt(16 + 4 * index);
  });
  return dr7;
}

/** The slots DR6 says were hit (its B0-B3 bits). */
export function slotsHit(dr6: bigint): number[] {
  const hit: number[] = [];
  for (let index = 0; index < DEBUG_SLOTS; index++) if ((dr6 >> BigInt(index)) & 1n) hit.push(index);
  return hit;
}

/** Whether DR6 says the trap was a single step (BS, bit 14). */
export function singleStepped(dr6: bigint): boolean {
  return ((dr6 >> 14n) & 1n) === 1n;
}
