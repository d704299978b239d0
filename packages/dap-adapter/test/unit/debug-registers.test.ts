// The x86-64 debug register arithmetic: DR7's bits (Intel SDM vol. 3, 18.2.4), the alignment
// split of a watched range, DR6's hit bits.
import { describe, expect, it } from 'vitest';
import { debugRegisterOffset, encodeDr7, singleStepped, slotsHit, splitRange } from '../../src/breakpoints/debug-registers.js';

describe('splitRange', () => {
  it('keeps an aligned 1, 2, 4 or 8-byte range in one piece', () => {
    for (const length of [1, 2, 4, 8]) expect(splitRange(0x1000n, length)).toEqual([{ address: 0x1000n, length }]);
  });

  it('splits an unaligned int into the largest aligned pieces', () => {
    expect(splitRange(0x1002n, 4)).toEqual([{ address: 0x1002n, length: 2 }, { address: 0x1004n, length: 2 }]);
    expect(splitRange(0x1001n, 4)).toEqual([
      { address: 0x1001n, length: 1 }, { address: 0x1002n, length: 2 }, { address: 0x1004n, length: 1 },
    ]);
  });

  it('covers an aligned 16 or 32-byte struct with 8-byte pieces, and a longer range with more than four', () => {
    expect(splitRange(0x2000n, 16).map((piece) => piece.length)).toEqual([8, 8]);
    expect(splitRange(0x2000n, 32)).toHaveLength(4);
    expect(splitRange(0x2000n, 40)).toHaveLength(5);
    expect(splitRange(0x2004n, 16).map((piece) => piece.length)).toEqual([4, 8, 4]);
  });

  it('refuses an empty range', () => {
    expect(() => splitRange(0x1000n, 0)).toThrow(/cannot watch 0 bytes/);
  });
});

describe('encodeDr7', () => {
  it('sets L0 and RW0/LEN0 for a 4-byte write watch in slot 0', () => {
    // L0 = bit 0; RW0 = 01 (write) at bits 16-17; LEN0 = 11 (4 bytes) at bits 18-19.
    expect(encodeDr7([{ piece: { address: 0x1000n, length: 4 }, access: 'write' }])).toBe(0b1101n << 16n | 1n);
  });

  it('encodes read (as read-or-write) and 8-byte lengths in later slots', () => {
    const dr7 = encodeDr7([undefined, undefined, undefined, { piece: { address: 0x1000n, length: 8 }, access: 'read' }]);
    // L3 = bit 6; RW3 = 11 at bits 28-29; LEN3 = 10 (8 bytes) at bits 30-31.
    expect(dr7).toBe((1n << 6n) | (0b1011n << 28n));
  });

  it('gives the LEN codes of 1 and 2 bytes', () => {
    expect(encodeDr7([{ piece: { address: 0x1000n, length: 1 }, access: 'readWrite' }])).toBe((0b0011n << 16n) | 1n);
    expect(encodeDr7([undefined, { piece: { address: 0x1000n, length: 2 }, access: 'write' }])).toBe((0b0101n << 20n) | (1n << 2n));
  });

  it('is 0 when nothing is armed', () => {
    expect(encodeDr7([undefined, undefined, undefined, undefined])).toBe(0n);
  });
});

describe('DR6 and the register offsets', () => {
  it('reads B0-B3 and BS', () => {
    expect(slotsHit(0xffff0ff0n | 0b0101n)).toEqual([0, 2]);
    expect(slotsHit(0xffff4ff0n)).toEqual([]);
    expect(singleStepped(0xffff4ff0n)).toBe(true);
    expect(singleStepped(0xffff0ff1n)).toBe(false);
  });

  it('places DRn at offsetof(struct user, u_debugreg) + 8n', () => {
    expect(debugRegisterOffset(0)).toBe(848);
    expect(debugRegisterOffset(7)).toBe(848 + 56);
  });
});
