// Small pinned blocks carved out of shared buffers (native/pinned-slab.ts): each Tracee's
// syscall-info buffer is one. The kernel writes into a block by its address, so the address
// must be the block's, and no two blocks may share a byte.
import { describe, expect, it } from 'vitest';
import { getLibc } from '../src/native/libc.js';
import { PinnedSlab } from '../src/native/pinned-slab.js';

describe('blocks of a pinned slab', () => {
  it('are 8-byte aligned, apart from each other, and at the address they give, across slabs', () => {
    const slab = new PinnedSlab(88, 4);
    const blocks = Array.from({ length: 10 }, () => slab.take()); // three slabs
    const libc = getLibc();
    for (const block of blocks) {
      expect(block.bytes.length).toBe(88);
      expect(block.address).toBe(Number(libc.address(block.bytes)));
      expect(block.address % 8).toBe(0);
    }
    blocks.forEach((block, i) => block.bytes.fill(i + 1));
    blocks.forEach((block, i) => expect(block.bytes.every((byte) => byte === i + 1)).toBe(true));
  });
});
